"""Featurize: cleaned texts → every feature block at once, through a table of written words.

Why a table: an article of 280 words repeats words that the last thousand articles already had,
and every block (word TF-IDF, character n-grams, LDA counts) is a sum over the article's words of
something that depends on the word alone. So each *written* word (as :func:`akhbar.text.char_view`
leaves it, split on white space) is analysed once — normalized, tokenized, stopwords dropped,
stemmed, looked up in each vocabulary, cut into character n-grams — and the result is kept as one
row per block in flat arrays. An article is then a list of row ids, found with C-level dict
lookups, and each block is one sparse product: (article × distinct word) counts times the
distinct words' rows. No per-character and almost no per-token Python runs after warm-up.

The table gives the same numbers as the block transforms it replaces (``WordTfidf.transform``
over the analyzer's tokens, ``CharNgrams.transform`` over ``char_view`` text, ``LdaTopics``
counts): ``tests/test_featurize.py`` checks that, and the split into words is exact because no
analyzer token and no ``char_wb`` n-gram crosses white space.

A model carries its training corpus's most frequent words already analysed (:class:`WordTable`),
so a new process starts warm. The table is bounded (``capacity`` words beyond those; a full table
is replaced by a fresh one, so a stream of new words cannot grow memory) and safe to share between threads: lookups only read, additions happen
under a lock and publish a word only after its rows are written, and a batch keeps the table it
started with even if another thread replaces it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp

from akhbar.features import CharNgrams, LdaTopics, WordTfidf, count_rows, normalize_rows
from akhbar.text import Analyzer, written_words, normalize_written

CAPACITY = 200_000
"""Written words a table keeps before it starts over; news vocabularies rarely need more."""


class _Rows:
    """A growable CSR block: row *i* holds (column, count) pairs; capacity doubles as it fills."""

    def __init__(self):
        self.indptr = np.zeros(1024, dtype=np.int64)
        self.indices = np.zeros(16_384, dtype=np.int32)
        self.data = np.zeros(16_384, dtype=np.float32)
        self.n_rows = 0

    def append(self, rows: sp.csr_matrix) -> None:
        """Append the rows of a CSR matrix; called under the table's lock."""
        n, start = rows.shape[0], int(self.indptr[self.n_rows])
        stop = start + rows.nnz
        if self.n_rows + n + 1 > self.indptr.size:
            self.indptr = _grown(self.indptr, self.n_rows + n + 1)
        if stop > self.indices.size:
            self.indices, self.data = _grown(self.indices, stop), _grown(self.data, stop)
        self.indices[start:stop] = rows.indices
        self.data[start:stop] = rows.data
        self.indptr[self.n_rows + 1:self.n_rows + 1 + n] = start + rows.indptr[1:]
        self.n_rows += n

    def gather(self, ids: np.ndarray, n_cols: int) -> sp.csr_matrix:
        """The rows *ids* (distinct, sorted) as a CSR matrix, one vectorised gather."""
        indptr = self.indptr  # read once: an append may swap in a larger array meanwhile
        starts, stops = indptr[ids], indptr[ids + 1]
        lengths = stops - starts
        new_indptr = np.zeros(ids.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=new_indptr[1:])
        positions = np.repeat(starts - new_indptr[:-1], lengths) + np.arange(new_indptr[-1])
        return sp.csr_matrix((self.data[positions], self.indices[positions], new_indptr),
                             shape=(ids.size, n_cols))


def _grown(array: np.ndarray, needed: int) -> np.ndarray:
    bigger = np.zeros(max(needed, 2 * array.size), dtype=array.dtype)
    bigger[:array.size] = array
    return bigger


class _Table:
    """Written word → row id, and the rows of every block for each word."""

    def __init__(self, blocks: int):
        self.ids: dict[str, int] = {}
        self.rows = [_Rows() for _ in range(blocks)]
        self.tokens: list[tuple[str, ...]] = []  # analyzer tokens per word (for word n-grams)
        self.n_tokens = np.zeros(1024, dtype=np.int32)
        self.lock = threading.Lock()


def block_widths(words: WordTfidf, chars: CharNgrams | None, topics: LdaTopics | None) -> dict[str, int]:
    """The table's blocks, in order, and the columns of each (what a :class:`WordTable` must fit)."""
    widths = {"words": len(words.vectorizer_.idf_)}
    if chars is not None:
        widths["chars"] = len(chars.vocabulary_)
    if topics is not None:
        widths["topics"] = len(topics.vocabulary_)
    return widths


@dataclass
class WordTable:
    """The table rows of a model's most frequent written words, saved with the model.

    A fresh process would otherwise analyse every word of its first articles (about 20 us a
    word, most of a first pass over a few thousand articles); with the training corpus's common
    words already in the table it starts warm. Plain arrays and strings, so the model folder
    stays pickle-free.
    """

    words: list[str]
    tokens: list[list[str]]  #: analyzer tokens of each word
    blocks: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  #: block → CSR (indptr, indices, data)

    def check(self, widths: dict[str, int]) -> None:
        """Raise ``ValueError`` unless the table fits blocks of these widths (name → columns)."""
        n = len(self.words)
        if len(self.tokens) != n or len(set(self.words)) != n:
            raise ValueError("word table: words must be unique, one token list per word")
        if set(self.blocks) != set(widths):
            raise ValueError(f"word table has blocks {sorted(self.blocks)}, the model {sorted(widths)}")
        for name, (indptr, indices, data) in self.blocks.items():
            matrix = sp.csr_matrix((data, indices, indptr), shape=(n, widths[name]))
            matrix.check_format(full_check=True)  # index bounds, monotone indptr, lengths
            if data.size and not (np.all(data > 0) and np.all(data == np.round(data))):
                raise ValueError(f"word table block {name}: counts must be positive whole numbers")


@dataclass
class Features:
    """What one batch of cleaned texts turns into."""

    X: sp.csr_matrix  #: the classifier's input (word TF-IDF, then char n-gram TF-IDF)
    topic_counts: sp.csr_matrix | None  #: counts over the topic model's vocabulary
    n_tokens: np.ndarray  #: analyzer tokens per text (0: no known word, the label rests on chars)


class Featurizer:
    """Cleaned texts → :class:`Features` for a fitted model's blocks (see the module docstring)."""

    def __init__(self, analyzer: Analyzer, words: WordTfidf, chars: CharNgrams | None,
                 topics: LdaTopics | None, capacity: int = CAPACITY, seed: WordTable | None = None):
        self.analyzer = analyzer
        self.words = words
        self.chars = chars
        self.topics = topics
        self.capacity = capacity
        self._word_index = words.vectorizer_.vocabulary_
        self._unigrams = tuple(words.ngram_range) == (1, 1)
        self._word_idf = np.asarray(words.vectorizer_.idf_, dtype=np.float64)
        self._widths = block_widths(words, chars, topics)
        self._blocks = list(self._widths)
        self._seed = seed
        if seed is not None:
            seed.check(self._widths)
        self._table = self._new_table()
        self._swap = threading.Lock()

    def _new_table(self) -> _Table:
        """An empty table, or one holding the seed's words when the model has them."""
        table = _Table(len(self._blocks))
        seed = self._seed
        if seed is not None and seed.words:
            for name, rows in zip(self._blocks, table.rows):
                indptr, indices, data = seed.blocks[name]
                rows.append(sp.csr_matrix((data, indices, indptr), shape=(len(seed.words), self._widths[name])))
            table.tokens.extend(tuple(t) for t in seed.tokens)
            table.n_tokens = np.array([len(t) for t in seed.tokens] + [0] * 1024, dtype=np.int32)
            table.ids.update(zip(seed.words, range(len(seed.words))))
        return table

    def export(self, words: list[str]) -> WordTable:
        """The rows of *words* (distinct written words) as a :class:`WordTable` to save."""
        table = _Table(len(self._blocks))
        self._add(table, list(words))
        blocks = {}
        for name, rows in zip(self._blocks, table.rows):
            n = rows.n_rows
            end = int(rows.indptr[n])
            blocks[name] = (rows.indptr[:n + 1].copy(), rows.indices[:end].copy(), rows.data[:end].copy())
        return WordTable(words=list(table.ids), tokens=[list(t) for t in table.tokens], blocks=blocks)

    # -- the table ------------------------------------------------------------------------------

    def _current_table(self) -> _Table:
        table = self._table
        if len(table.ids) >= self.capacity + (len(self._seed.words) if self._seed is not None else 0):
            with self._swap:
                if self._table is table:
                    self._table = self._new_table()
                table = self._table
        return table

    def _add(self, table: _Table, words: list[str]) -> None:
        """Analyse the *words* not yet in *table* and add their rows to every block.

        All new words are normalized and tokenized as one newline-joined text (stems are cached
        per token), their n-grams are keyed with numpy (:meth:`CharNgrams.word_rows`), and every
        vocabulary lookup runs as ``map(dict.get, ...)``.
        """
        with table.lock:
            new = list(dict.fromkeys(w for w in words if w not in table.ids))
            if not new:
                return
            # one normalization pass over all new words: the steps are per character and a
            # written word holds no white space, so joining on newlines changes nothing
            tokens = self.analyzer.tokens_per_line(normalize_written("\n".join(new)))
            if len(tokens) != len(new):
                raise RuntimeError("normalizing the written words changed the number of lines")
            for block, rows in zip(self._blocks, table.rows):
                if block == "words":
                    index = self._word_index if self._unigrams else {}
                    rows.append(count_rows(tokens, index, self._widths[block]))
                elif block == "chars":
                    rows.append(self.chars.word_rows(new))
                else:
                    rows.append(count_rows(tokens, self.topics.word_index_, self._widths[block]))
            first = len(table.tokens)
            table.tokens.extend(tokens)
            if first + len(new) > table.n_tokens.size:
                table.n_tokens = _grown(table.n_tokens, first + len(new))
            table.n_tokens[first:first + len(new)] = [len(t) for t in tokens]
            table.ids.update(zip(new, range(first, first + len(new))))  # published last: rows are in place

    # -- batches --------------------------------------------------------------------------------

    def transform(self, texts: list[str]) -> Features:
        """Featurize cleaned *texts* (see :func:`akhbar.predictor.clean_input`)."""
        table = self._current_table()
        get = table.ids.get
        per_text = [written_words(t) for t in texts]
        flat = list(chain.from_iterable(per_text))
        ids = np.fromiter(map(get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        missing = np.flatnonzero(ids < 0)
        if missing.size:
            unknown = [flat[i] for i in missing.tolist()]
            self._add(table, unknown)
            ids[missing] = np.fromiter(map(table.ids.__getitem__, unknown), dtype=np.int64, count=missing.size)
        doc_indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(words) for words in per_text], out=doc_indptr[1:])
        distinct, local = np.unique(ids, return_inverse=True)
        occurrences = sp.csr_matrix((np.ones(ids.size, dtype=np.float32), local.reshape(-1), doc_indptr),
                                    shape=(len(texts), distinct.size))
        n_tokens = np.asarray(occurrences @ table.n_tokens[distinct].astype(np.float32)).astype(np.int64)

        blocks, topic_counts = [], None
        for block, rows in zip(self._blocks, table.rows):
            if block == "words":
                if self._unigrams:
                    counts = occurrences @ rows.gather(distinct, self._widths[block])
                    blocks.append(_tfidf(counts, self._word_idf, self.words.sublinear_tf, self.words.dtype))
                else:
                    tokens = [list(chain.from_iterable(table.tokens[i] for i in ids[a:b]))
                              for a, b in zip(doc_indptr[:-1], doc_indptr[1:])]
                    blocks.append(self.words.transform(tokens))
            elif block == "chars":
                counts = occurrences @ rows.gather(distinct, self._widths[block])
                blocks.append(self.chars.weigh(counts))
            else:
                topic_counts = (occurrences @ rows.gather(distinct, self._widths[block])).astype(np.float64)
        X = blocks[0].tocsr() if len(blocks) == 1 else sp.hstack(blocks, format="csr")
        return Features(X=X, topic_counts=topic_counts, n_tokens=n_tokens)


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray, sublinear: bool, dtype) -> sp.csr_matrix:
    """scikit-learn's TF-IDF weighting (sublinear tf, idf, l2 rows) of a count matrix."""
    counts = counts.tocsr()
    counts.sum_duplicates()
    data = counts.data.astype(np.float64)
    if sublinear:
        data = np.log(data) + 1.0
    data *= idf[counts.indices]
    counts.data = data
    return normalize_rows(counts).astype(dtype)
