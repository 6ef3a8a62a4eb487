"""Featurize: cleaned texts → every feature block at once, through a table of written words.

Why a table: an article of 280 words repeats words that the last thousand articles already had,
and every block (word TF-IDF, character n-grams, LDA counts) is a sum over the article's words of
something that depends on the word alone. So each *written* word (as :func:`akhbar.text.char_view`
leaves it, split on white space) is analysed once — normalized, tokenized, stopwords dropped,
stemmed, looked up in each vocabulary, cut into character n-grams — and the result is kept as one
row per block in flat arrays. An article is then a list of row ids, and its features the sum of
those rows, weighted. Both steps are compiled (:mod:`akhbar.wordscan`): a batch is split into
words and each word found in a hash index of the table without a Python string per word, and
each text's rows are summed, TF-IDF weighted and normalized in one pass. Only the words the table
lacks are analysed in Python, once each.

The table gives the same numbers as the block transforms it replaces (``WordTfidf.transform``
over the analyzer's tokens, ``CharNgrams.transform`` over ``char_view`` text, ``LdaTopics``
counts): ``tests/test_featurize.py`` checks that, and the split into words is exact because no
analyzer token and no ``char_wb`` n-gram crosses white space.

Under the word weighting (the default, :data:`akhbar.features.WEIGHTINGS`) a word's rows also
give it a scoring record (:mod:`akhbar.scoring`), kept beside them: :meth:`Featurizer.score`
labels a batch from the records alone, and :meth:`Featurizer.transform` still gives the feature
rows, which training fits on (``tests/test_scoring.py`` checks one against the other).

A model carries its training corpus's most frequent words already analysed (:class:`WordTable`),
so a new process starts warm. The table is bounded (``capacity`` words beyond those; a full table
is replaced by a fresh one, so a stream of new words cannot grow memory) and safe to share
between threads: lookups only read, additions happen under a lock and publish a word only after
its rows are written, and a batch keeps the table it started with even if another thread
replaces it. numba is imported at the first batch, not when a model loads (the scoring records
are numpy); training scans its corpus with the compiled path too, but builds the saved table with
the numpy one (the same rows, tested).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from itertools import chain, compress

import numpy as np
import scipy.sparse as sp

from akhbar.features import (WEIGHTINGS, FittedCharNgrams, FittedLdaTopics, FittedWordTfidf, count_rows, grown,
                             record_width, records, word_weighted)
from akhbar.text import Analyzer, normalize_written, shown_forms, unfold_presentation_forms

CAPACITY = 200_000
"""Written words a table keeps before it starts over; news vocabularies rarely need more."""


def grown_rows(array: np.ndarray | None, needed: int, width: int = 0) -> np.ndarray:
    """A zero-padded copy of the 2-D *array* (None: an empty one of *width* columns) with room
    for at least *needed* rows (double, or more): how the table's scoring records grow."""
    rows, width = (0, width) if array is None else array.shape
    bigger = np.zeros((max(needed, 2 * rows, 1024), width), dtype=np.float32)
    if array is not None:
        bigger[:rows] = array
    return bigger


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
        # growing, room for as many again: the first append is a model's 150,000 seed words,
        # and a copy of exactly their size would be copied again at the first new word
        if self.n_rows + n + 1 > self.indptr.size:
            self.indptr = grown(self.indptr, 2 * (self.n_rows + n) + 1)
        if stop > self.indices.size:
            self.indices, self.data = grown(self.indices, 2 * stop), grown(self.data, 2 * stop)
        self.indices[start:stop] = rows.indices
        self.data[start:stop] = rows.data
        self.indptr[self.n_rows + 1:self.n_rows + 1 + n] = start + rows.indptr[1:]
        self.n_rows += n

    def block(self, width: int, idf: np.ndarray | None = None, sublinear: bool = False):
        """These rows as a :class:`akhbar.wordscan.Block` for ``sum_rows``. The arrays are read
        as they are: an append that swaps in larger ones copies every row already present, so
        any mix of old and new arrays holds the rows a batch refers to."""
        from akhbar.wordscan import Block

        return Block(self.indptr, self.indices, self.data, width, idf, sublinear)


class _Table:
    """Written word → row id, and the rows of every block for each word."""

    def __init__(self, blocks: int, keep_tokens: bool):
        self.ids: dict[str, int] = {}
        self.rows = [_Rows() for _ in range(blocks)]
        # analyzer tokens per word, kept where they are read: word n-grams, and export
        self.tokens: list[tuple[str, ...]] | None = [] if keep_tokens else None
        self.n_tokens = np.zeros(1024, dtype=np.int32)
        self.lock = threading.Lock()
        self.index = None  # the compiled word index (akhbar.wordscan), built at the first batch
        self.words: list[str] = []  # row order, for the words that explain a label
        self.records: np.ndarray | None = None  # per row, what scoring reads (akhbar.scoring)
        # per row, the row that stands for its shown form (text.shown_forms; -1: not needed
        # yet), and, for each form met with punctuation around it, the row standing for it
        self.shown = np.full(1024, -1, dtype=np.int64)
        self.form_rows: dict[str, int] = {}


def block_widths(words: FittedWordTfidf, chars: FittedCharNgrams | None,
                 topics: FittedLdaTopics | None) -> dict[str, int]:
    """The table's blocks, in order, and the columns of each (what a :class:`WordTable` must fit)."""
    widths = {"words": len(words.idf_)}
    if chars is not None:
        widths["chars"] = len(chars.vocabulary_)
    if topics is not None:
        widths["topics"] = len(topics.vocabulary_)
    return widths


def scoring_blocks(words: FittedWordTfidf, chars: FittedCharNgrams | None,
                   coef: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per block the scoring records weigh (words, then chars): its idf and the classifier's
    coefficients over it as columns × labels, both float32 (:func:`akhbar.features.records`)."""
    coef, start, blocks = np.asarray(coef, dtype=np.float32), 0, {}
    for name, block in (("words", words), ("chars", chars)):
        if block is not None:
            width = len(block.idf_)
            blocks[name] = (np.asarray(block.idf_, dtype=np.float32),
                            np.ascontiguousarray(coef[:, start:start + width].T))
            start += width
    return blocks


def table_records(table: "WordTable", blocks: dict, widths: dict[str, int],
                  rows: np.ndarray | None = None) -> np.ndarray:
    """The scoring records of the *table*'s words (of *rows* only, if given) under *blocks*
    (:func:`scoring_blocks`); a record depends on its word's rows alone."""
    n = len(table.words)
    lengths = table.tokens.lengths if isinstance(table.tokens, TokenLists) else np.fromiter(
        map(len, table.tokens), dtype=np.int64, count=n)
    parts = []
    for name, (idf, coef_t) in blocks.items():
        indptr, indices, data = table.blocks[name]
        matrix = sp.csr_matrix((data, indices, indptr), shape=(n, widths[name]))
        parts.append((matrix if rows is None else matrix[rows], idf, coef_t))
    return records(parts, lengths if rows is None else lengths[rows])


class TokenLists:
    """Many short token lists held as one flat list and their ends, read like a list of lists.

    A loaded model's table has a token list for each of its 150,000 words; as 150,000 Python
    lists they were half of all the objects the garbage collector walks at each full collection,
    which cost a first ``predict()`` pass 0.1-0.2 s. One flat list is one object to it.
    """

    def __init__(self, lists):
        self.flat = list(chain.from_iterable(lists))
        self.lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        self._ends = np.cumsum(self.lengths)

    @classmethod
    def from_flat(cls, flat: list[str], lengths: np.ndarray) -> "TokenLists":
        """The lists *lengths* cut *flat* into (as a model folder stores them: a 150,000-list JSON
        would make, while it is read, the 150,000 objects this class avoids)."""
        lengths = np.asarray(lengths, dtype=np.int64)
        if lengths.ndim != 1 or (lengths < 0).any() or int(lengths.sum()) != len(flat):
            raise ValueError("token counts must be non-negative and add up to the tokens")
        self = cls.__new__(cls)
        self.flat, self.lengths, self._ends = flat, lengths, np.cumsum(lengths)
        return self

    def __len__(self) -> int:
        return self.lengths.size

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        end = int(self._ends[i])
        return self.flat[end - int(self.lengths[i]):end]

    def __iter__(self):
        return (self[i] for i in range(len(self)))


@dataclass
class WordTable:
    """The table rows of a model's most frequent written words, saved with the model.

    A fresh process would otherwise analyse every word of its first articles (about 20 us a
    word, most of a first pass over a few thousand articles); with the training corpus's common
    words already in the table it starts warm. Plain arrays and strings, so the model folder
    stays pickle-free.
    """

    words: list[str]
    tokens: list[list[str]] | TokenLists  #: analyzer tokens of each word
    blocks: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  #: block → CSR (indptr, indices, data)
    #: per word, the row standing for its shown form (``text.shown_forms``), and the forms whose
    #: word is not in the table (form → row): what explanations would otherwise work out for
    #: each of these words at a fresh process's first batches (a fifth of a first full pass)
    shown: np.ndarray | None = None
    forms: dict[str, int] | None = None
    #: per word, its scoring record under the model's classifier (:func:`table_records`; None:
    #: worked out when the table is loaded, 0.1 s)
    records: np.ndarray | None = None

    def check(self, widths: dict[str, int]) -> None:
        """Raise ``ValueError`` unless the table fits blocks of these widths (name → columns)."""
        n = len(self.words)
        unique = set(self.words)
        if len(self.tokens) != n or len(unique) != n:
            raise ValueError("word table: words must be unique, one token list per word")
        if (self.shown is None) != (self.forms is None):
            raise ValueError("word table: shown rows and forms come together")
        if self.shown is not None:
            shown = np.asarray(self.shown)
            if shown.shape != (n,) or shown.dtype.kind not in "iu" or (n and not (
                    shown.min() >= 0 and shown.max() < n and np.array_equal(shown[shown], shown))):
                raise ValueError("word table: each word's shown row must be a row standing for itself")
            rows = np.fromiter(self.forms.values(), dtype=np.int64, count=len(self.forms))
            if rows.size and (rows.min() < 0 or rows.max() >= n or not np.array_equal(shown[rows], rows)):
                raise ValueError("word table: a form's row must be a row standing for itself")
            if not unique.isdisjoint(self.forms):
                raise ValueError("word table: the forms listed are those whose word is not in the table")
        if set(self.blocks) != set(widths):
            raise ValueError(f"word table has blocks {sorted(self.blocks)}, the model {sorted(widths)}")
        for name, (indptr, indices, data) in self.blocks.items():
            matrix = sp.csr_matrix((data, indices, indptr), shape=(n, widths[name]))
            matrix.check_format(full_check=True)  # index bounds, monotone indptr, lengths
            if data.size and not (np.all(data > 0) and np.all(data == np.round(data))):
                raise ValueError(f"word table block {name}: counts must be positive whole numbers")


class _Areas(threading.local):
    """Per thread: the work areas of the sums, by name."""

    def __init__(self):
        self.by_key: dict[str, np.ndarray] = {}


@dataclass
class Features:
    """What one batch of cleaned texts turns into."""

    X: sp.csr_matrix  #: the classifier's input (word TF-IDF, then char n-gram TF-IDF)
    #: counts over the topic model's vocabulary (None: no topic model, or not asked for)
    topic_counts: sp.csr_matrix | None
    n_tokens: np.ndarray  #: analyzer tokens per text (0: no known word, the label rests on chars)


class Featurizer:
    """Cleaned texts → :class:`Features` for a fitted model's blocks (see the module docstring)."""

    def __init__(self, analyzer: Analyzer, words: FittedWordTfidf, chars: FittedCharNgrams | None,
                 topics: FittedLdaTopics | None, capacity: int = CAPACITY, seed: WordTable | None = None,
                 weighting: str = "column", weights: tuple[np.ndarray, np.ndarray] | None = None):
        if weighting not in WEIGHTINGS:
            raise ValueError(f"weighting must be one of {', '.join(WEIGHTINGS)}, not {weighting!r}")
        if weighting == "word" and tuple(words.ngram_range) != (1, 1):
            raise ValueError("the word weighting takes word unigrams; word n-grams need weighting='column'")
        self.analyzer = analyzer
        self.words = words
        self.chars = chars
        self.topics = topics
        self.capacity = capacity
        self.weighting = weighting
        # a linear classifier's (coef, intercept) over these blocks: with the word weighting,
        # score() reads per-word records of it instead of building feature rows
        self._weights = weights if weighting == "word" else None
        self._word_index = words.term_index_
        self._unigrams = tuple(words.ngram_range) == (1, 1)
        self._word_idf = np.asarray(words.idf_, dtype=np.float64)
        self._widths = block_widths(words, chars, topics)
        self._blocks = list(self._widths)
        self._seed = seed
        self._seed_records = None
        if seed is not None:
            seed.check(self._widths)
        if self._weights is not None:
            self._scoring_blocks = scoring_blocks(words, chars, self._weights[0])
            if seed is not None and seed.records is not None and seed.records.shape != (
                    len(seed.words), record_width(np.asarray(self._weights[1]).size)):
                raise ValueError("word table: the scoring records do not fit the table and the classifier")
        self._table = self._new_table()
        self._swap = threading.Lock()
        self._grams = None
        self._compiled = None  # akhbar.analysis.CompiledAnalysis, or False where it cannot serve
        self._areas = _Areas()
        self._scoring_areas = threading.local()

    def _new_table(self) -> _Table:
        """An empty table, or one holding the seed's words when the model has them."""
        table = _Table(len(self._blocks), keep_tokens=not self._unigrams)
        seed = self._seed
        if seed is not None and seed.words:
            for name, rows in zip(self._blocks, table.rows):
                indptr, indices, data = seed.blocks[name]
                rows.append(sp.csr_matrix((data, indices, indptr), shape=(len(seed.words), self._widths[name])))
            if table.tokens is not None:
                table.tokens.extend(tuple(t) for t in seed.tokens)
            lengths = seed.tokens.lengths if isinstance(seed.tokens, TokenLists) else [len(t) for t in seed.tokens]
            table.n_tokens = np.concatenate([np.asarray(lengths, dtype=np.int32), np.zeros(len(lengths) + 1024, dtype=np.int32)])
            table.ids.update(zip(seed.words, range(len(seed.words))))
            table.words.extend(seed.words)
            table.shown = np.full(2 * len(seed.words) + 1024, -1, dtype=np.int64)
            if seed.shown is not None:
                table.shown[:len(seed.words)] = seed.shown
                table.form_rows.update(seed.forms)
            if self._weights is not None:
                if self._seed_records is None:  # once: a table that starts over copies them
                    self._seed_records = (seed.records if seed.records is not None
                                          else table_records(seed, self._scoring_blocks, self._widths))
                table.records = grown_rows(self._seed_records, len(seed.words))
        return table

    def _records(self, blocks: list[sp.csr_matrix], n_tokens: np.ndarray) -> np.ndarray:
        """The scoring records (:func:`akhbar.features.records`) of words with these block rows."""
        by_name = dict(zip(self._blocks, blocks))
        return records([(by_name[name], *weights) for name, weights in self._scoring_blocks.items()], n_tokens)

    def export(self, words: list[str]) -> WordTable:
        """The rows of *words* (distinct written words) as a :class:`WordTable` to save."""
        table = _Table(len(self._blocks), keep_tokens=True)
        self._add(table, list(dict.fromkeys(words)))
        blocks = {}
        for name, rows in zip(self._blocks, table.rows):
            n = rows.n_rows
            end = int(rows.indptr[n])
            blocks[name] = (rows.indptr[:n + 1].copy(), rows.indices[:end].copy(), rows.data[:end].copy())
        n = len(table.ids)
        shown = self._shown(table, np.arange(n))[:n].astype(np.int32)
        forms = {form: row for form, row in table.form_rows.items() if form not in table.ids}
        recs = table.records[:n].copy() if table.records is not None else None
        return WordTable(words=list(table.ids), tokens=[list(t) for t in table.tokens], blocks=blocks,
                         shown=shown, forms=forms, records=recs)

    # -- the table ------------------------------------------------------------------------------

    def _current_table(self) -> _Table:
        table = self._table
        if len(table.ids) >= self.capacity + (len(self._seed.words) if self._seed is not None else 0):
            with self._swap:
                if self._table is table:
                    self._table = self._new_table()
                table = self._table
        return table

    def _add(self, table: _Table, words: list[str], known: int | None = None, codes=None) -> np.ndarray:
        """Analyse the distinct *words* not yet in *table*, add their rows to every block, and
        return the row of each of *words*.

        *known*: how many words the table had when the caller found that it lacks all of
        *words* (the scan before this); None checks each word first. *codes*: the words'
        :class:`akhbar.wordscan.Codes`, when the caller has them. The analysis runs outside
        the table's lock, so threads analyse their batches' new words at once; under the lock,
        words another thread added meanwhile are dropped and the rest appended and published.
        """
        if known is None or len(table.ids) != known:
            known = len(table.ids)
            at = [i for i, w in enumerate(words) if w not in table.ids]
        else:
            at = list(range(len(words)))
        rows = np.full(len(words), -1, dtype=np.int64)
        if at and len(at) == len(words):
            rows[:] = self._add_new(table, words, known, codes)
        elif at:  # the codes no longer line up with the words
            rows[at] = self._add_new(table, [words[i] for i in at], known)
        lacking = np.flatnonzero(rows < 0)  # words the table had, or another thread added meanwhile
        if lacking.size:
            rows[lacking] = np.fromiter(map(table.ids.__getitem__, [words[i] for i in lacking.tolist()]),
                                        dtype=np.int64, count=lacking.size)
        return rows

    def _add_new(self, table: _Table, new: list[str], before: int, codes=None) -> np.ndarray:
        """:meth:`_add` for *new*: words the table lacked when it had *before* words. Returns
        each one's row, -1 for those another thread added meanwhile."""
        blocks, n_tokens, tokens = self._analyse(new, compiled=table.index is not None,
                                                 keep_tokens=table.tokens is not None, codes=codes)
        recs = self._records(blocks, n_tokens) if self._weights is not None else None
        placed = np.full(len(new), -1, dtype=np.int64)
        with table.lock:
            # words only ever join the table, so if it has not grown, all of *new* is still new
            fresh = range(len(new)) if len(table.ids) == before else [
                i for i, w in enumerate(new) if w not in table.ids]
            if not fresh:
                return placed
            if len(fresh) < len(new):
                new, codes = [new[i] for i in fresh], None
                blocks, n_tokens = [rows[fresh] for rows in blocks], n_tokens[fresh]
                tokens = [tokens[i] for i in fresh] if tokens is not None else None
                recs = recs[fresh] if recs is not None else None
            for rows, added in zip(table.rows, blocks):
                rows.append(added)
            first = len(table.ids)
            if table.tokens is not None:
                table.tokens.extend(tokens)
            if first + len(new) > table.n_tokens.size:
                table.n_tokens = grown(table.n_tokens, first + len(new))
            table.n_tokens[first:first + len(new)] = n_tokens
            if recs is not None:
                if table.records is None or first + len(new) > table.records.shape[0]:
                    table.records = grown_rows(table.records, first + len(new), recs.shape[1])
                table.records[first:first + len(new)] = recs
            if first + len(new) > table.shown.size:
                table.shown = grown(table.shown, first + len(new), fill=-1)
            table.words.extend(new)
            # published last, once every row is in place: a scan running meanwhile (without the
            # GIL) finds a new word only after this, and the dict after that
            if table.index is not None:
                if len(table.index) != first:
                    raise RuntimeError("the word index and the table disagree on the number of words")
                table.index.add(new, codes)
            table.ids.update(zip(new, range(first, first + len(new))))
        placed[list(fresh)] = np.arange(first, first + len(new))
        return placed

    def _analyse(self, new: list[str], compiled: bool, keep_tokens: bool, codes=None) -> tuple:
        """The rows of every block for the written words *new*, their token counts, and their
        tokens when *keep_tokens*.

        Once prediction has imported numba (*compiled*) and the model's analyzer allows it, the
        analysis is compiled (:class:`akhbar.analysis.CompiledAnalysis`) and runs without the
        GIL. Otherwise all new words are normalized and tokenized as one newline-joined text
        (stems are cached per token), and every vocabulary lookup runs as ``map(dict.get, ...)``.
        Both give the same rows (tested).
        """
        analysis = self._compiled_analysis() if compiled and not keep_tokens else None
        tokens = None
        if analysis is not None:
            n_tokens, word_rows, topic_rows = analysis.analyse(new, codes)
        else:
            # one normalization pass over all new words: the steps are per character and a
            # written word holds no white space, so joining on newlines changes nothing
            tokens = self.analyzer.tokens_per_line(normalize_written("\n".join(new)))
            if len(tokens) != len(new):
                raise RuntimeError("normalizing the written words changed the number of lines")
            n_tokens = np.fromiter(map(len, tokens), dtype=np.int32, count=len(tokens))
            word_rows = count_rows(tokens, self._word_index if self._unigrams else {}, self._widths["words"])
            topic_rows = (count_rows(tokens, self.topics.word_index_, self._widths["topics"])
                          if self.topics is not None else None)
        blocks = {"words": word_rows, "topics": topic_rows}
        if self.chars is not None:
            blocks["chars"] = self._char_rows(new, compiled, codes)
        return [blocks[name] for name in self._blocks], n_tokens, tokens

    def _compiled_analysis(self):
        """The compiled analysis of new words, built at first use; None where the analyzer or
        word n-grams rule it out (those take the Python path)."""
        if self._compiled is None:
            from akhbar.analysis import CompiledAnalysis

            if not (self._unigrams and CompiledAnalysis.supports(self.analyzer)):
                self._compiled = False
            else:
                topics = self.topics
                self._compiled = CompiledAnalysis(
                    self.analyzer, self._word_index, self._widths["words"],
                    topics.word_index_ if topics is not None else None, self._widths.get("topics", 0))
        return self._compiled or None

    # -- batches --------------------------------------------------------------------------------

    def _char_rows(self, words: list[str], compiled: bool, codes=None) -> sp.csr_matrix:
        """The words' character n-gram rows: compiled (:class:`akhbar.wordscan.GramIndex`) once
        prediction has imported numba, else ``CharNgrams.word_rows`` (the same rows, tested)."""
        keys = self.chars._keys
        if not compiled or keys is None:
            return self.chars.word_rows(words)
        if self._grams is None:
            from akhbar.wordscan import GramIndex

            self._grams = GramIndex(keys, self._widths["chars"])
        return self._grams.rows(words, codes)

    def _index(self, table: _Table):
        """The table's compiled word index, built from its words at the first batch (numba is
        imported then, not when a model loads)."""
        if table.index is None:
            from akhbar.wordscan import WordIndex

            with table.lock:
                if table.index is None:
                    index = WordIndex()
                    index.add(list(table.ids))  # insertion order is row order
                    table.index = index
        return table.index

    def _area(self, key: str, blocks: list) -> np.ndarray:
        """This thread's work area for the *key* sum (:func:`akhbar.wordscan.work_area`), made
        at its first batch: a sum's scratch cannot be shared by threads summing at once."""
        from akhbar.wordscan import work_area

        areas = self._areas.by_key
        if key not in areas:
            areas[key] = work_area(blocks)
        return areas[key]

    def _ids(self, texts: list[str], joined=None) -> tuple[_Table, np.ndarray, np.ndarray]:
        """The table this batch uses, and the row of each written word of *texts* in it (the
        words it lacked analysed and added first), with each text's start among them. *joined*:
        ``akhbar.wordscan.join(texts)``, when the caller has it."""
        table = self._current_table()
        index = self._index(table)
        known = len(table.ids)  # before the scan: every word the table had then, it finds
        scan = index.scan(texts, joined)
        if scan.unfold.any():  # presentation forms: written_words unfolds them (NFKC) first
            docs = np.flatnonzero(scan.unfold)
            unfolded = [unfold_presentation_forms(texts[d]) for d in docs.tolist()]
            # scan those again only if that changed them: NFKC leaves some characters of those
            # blocks as they are (U+FEFF, the byte-order mark, is the common one)
            changed = [i for i, d in enumerate(docs.tolist()) if unfolded[i] != texts[d]]
            if changed:
                scan = scan.replaced(docs[changed], index.scan([unfolded[i] for i in changed]))
        ids, doc_indptr = scan.ids, scan.doc_indptr
        missing = np.flatnonzero(ids < 0)
        if missing.size:
            unique, inverse = scan.distinct(missing)
            ids[missing] = self._add(table, scan.words(unique), known, scan.codes(unique))[inverse]
        return table, ids, doc_indptr

    def transform(self, texts: list[str], topics: bool = True, joined=None) -> Features:
        """Featurize cleaned *texts* (see :func:`akhbar.predictor.clean_input`); ``topics=False``
        leaves ``topic_counts`` out (``None``) when only labels are wanted. *joined*: as
        :meth:`_ids` takes it."""
        from akhbar.wordscan import sum_rows

        table, ids, doc_indptr = self._ids(texts, joined)
        n_tokens = np.bincount(np.repeat(np.arange(len(texts)), np.diff(doc_indptr)),
                               weights=table.n_tokens[ids], minlength=len(texts)).astype(np.int64)

        rows = dict(zip(self._blocks, table.rows))
        if self.weighting == "word":
            X = self._word_weighted(table, ids, doc_indptr)
        else:
            X = self._column_weighted(table, rows, ids, doc_indptr)
        X = X.astype(self.words.dtype, copy=False)
        topic_counts = None
        if self.topics is not None and topics:
            counts = [rows["topics"].block(self._widths["topics"])]
            topic_counts = sum_rows(ids, doc_indptr, counts, area=self._area("topics", counts))
        return Features(X=X, topic_counts=topic_counts, n_tokens=n_tokens)

    def _column_weighted(self, table: _Table, rows: dict, ids: np.ndarray, doc_indptr: np.ndarray) -> sp.csr_matrix:
        """Feature rows under the column weighting: the blocks' own TF-IDF, summed in one
        compiled pass (word n-grams go through the token lists and scikit-learn)."""
        from akhbar.wordscan import sum_rows

        chars = None
        if self.chars is not None:
            chars = rows["chars"].block(self._widths["chars"], self.chars.idf_, self.chars.sublinear_tf)
        if self._unigrams:
            words = rows["words"].block(self._widths["words"], self._word_idf, self.words.sublinear_tf)
            blocks = [words] + ([chars] if chars else [])
            return sum_rows(ids, doc_indptr, blocks, normalize=True, area=self._area("X", blocks))
        tokens = [list(chain.from_iterable(table.tokens[i] for i in ids[a:b]))
                  for a, b in zip(doc_indptr[:-1].tolist(), doc_indptr[1:].tolist())]
        X = self.words.transform(tokens)
        if chars:
            char_rows = sum_rows(ids, doc_indptr, [chars], normalize=True, area=self._area("chars", [chars]))
            X = sp.hstack([X, char_rows], format="csr")
        return X

    def _word_weighted(self, table: _Table, ids: np.ndarray, doc_indptr: np.ndarray) -> sp.csr_matrix:
        """Feature rows under the word weighting (:func:`akhbar.features.word_weighted`), from
        the batch's article-by-word counts and the table's rows. Training and the tests read
        these; prediction scores without them (:meth:`score`)."""
        used, local = np.unique(ids, return_inverse=True)  # only the rows this batch touches
        n_docs = doc_indptr.size - 1
        doc_words = sp.csr_matrix((np.ones(ids.size), (np.repeat(np.arange(n_docs), np.diff(doc_indptr)), local)),
                                  shape=(n_docs, used.size))
        doc_words.sum_duplicates()
        parts = []
        for name, rows in zip(self._blocks, table.rows):
            if name == "topics":
                continue
            n = rows.n_rows
            block = sp.csr_matrix((rows.data[:rows.indptr[n]], rows.indices[:rows.indptr[n]], rows.indptr[:n + 1]),
                                  shape=(n, self._widths[name]))[used]
            idf = self._word_idf if name == "words" else self.chars.idf_
            parts.append(word_weighted(doc_words, block, idf))
        return sp.hstack(parts, format="csr") if len(parts) > 1 else parts[0]

    @property
    def scores_words(self) -> bool:
        """Whether :meth:`score` serves this featurizer (word weighting, classifier weights given)."""
        return self._weights is not None

    def score(self, texts: list[str], terms: int = 0, topics: bool = True, joined=None):
        """The classifier's scores of cleaned *texts*, read from per-word records
        (:mod:`akhbar.scoring`): an :class:`akhbar.scoring.Scores` with, per text, the *terms*
        words that pushed hardest toward its label (as table rows; ``text.shown_forms`` of
        ``result.words[row]`` names them),
        its counts over the topic vocabulary when *topics*, and its token count. *joined*: as
        :meth:`_ids` takes it."""
        from akhbar.scoring import Areas, score_rows

        if self._weights is None:
            raise RuntimeError("score() needs the word weighting and the classifier's weights")
        table, ids, doc_indptr = self._ids(texts, joined)
        # the shown forms first: the rows standing for them may have joined the table after
        # this batch's own words, and the records (and so the work areas) taken next cover them
        shown = self._shown(table, ids) if terms > 0 else None
        recs = table.records  # holds every row of ids: rows are added before they are published
        if recs is None:  # no word yet (a batch of texts without words)
            recs = np.zeros((0, record_width(self._weights[1].size)), dtype=np.float32)
        topic_width = self._widths.get("topics", 0)
        areas = getattr(self._scoring_areas, "areas", None)
        if areas is None or areas.counts.size < recs.shape[0] or areas.topics.size < topic_width:
            areas = self._scoring_areas.areas = Areas.make(recs.shape[0], topic_width)
        topic_rows = None
        if self.topics is not None and topics:
            rows = table.rows[self._blocks.index("topics")]
            topic_rows = (rows.indptr, rows.indices, rows.data)
        result = score_rows(ids, doc_indptr, recs, self._weights[1], areas, terms, shown, topic_rows, topic_width)
        result.words = table.words
        return result

    @staticmethod
    def _shown(table: _Table, ids: np.ndarray) -> np.ndarray:
        """Row → the row standing for its shown form, set for every row of *ids* (under the
        lock; only rows an explanation has met have one, so labels alone never pay).

        The row standing for a form is the row of that very word when the table has it, else
        the first row met whose word shows as it; a word without punctuation around it (most)
        stands for itself unless such a row came first. So the forms of one word share a row
        whatever the order they arrive in, and naming a term is ``shown_forms`` of its row's word.
        """
        shown = table.shown
        lacking = np.unique(ids[shown[ids] < 0])
        if lacking.size:
            with table.lock:
                shown, ids_of, form_rows = table.shown, table.ids, table.form_rows
                rows = lacking[shown[lacking] < 0]
                words = [table.words[r] for r in rows.tolist()]
                if table.index is not None:  # numba is in: the compiled forms (the same, tested)
                    from akhbar.wordscan import shown_forms as compiled_shown_forms

                    forms = compiled_shown_forms(words)
                else:
                    forms = shown_forms(words)
                shown[rows] = rows  # most words stand for themselves; the others, one by one:
                at = range(len(words))  # (the two tests run as C-level maps: half the words have one)
                others = set(compress(at, map(str.__ne__, forms, words)))
                others.update(compress(at, map(form_rows.__contains__, words)))
                for i in sorted(others):
                    form, r = forms[i], int(rows[i])
                    g = form_rows.get(form)
                    if g is None:  # a form met for the first time with punctuation around it
                        g = form_rows[form] = ids_of.get(form, r)
                    shown[r] = g
        return shown
