"""Featurize: cleaned texts → every feature block at once, through a table of written words.

Why a table: an article of 280 words repeats words that the last thousand articles already had,
and every block (word TF-IDF, character n-grams, LDA counts) is a sum over the article's words of
something that depends on the word alone. So each *written* word (as :func:`akhbar.text.char_view`
leaves it, split on white space) is analysed once — normalized, tokenized, stopwords dropped,
stemmed, looked up in each vocabulary, cut into character n-grams — and the result is kept as one
row per block in flat arrays. An article is then a list of row ids, and its features the sum of
those rows, weighted. Both steps are compiled (:mod:`akhbar.fast.wordindex`): a batch is split into
words and each word found in a hash index of the table without a Python string per word, and
each text's rows are summed, TF-IDF weighted and normalized in one pass. Only the words the table
lacks are analysed in Python, once each.

The table gives the same numbers as the block transforms it replaces (``WordTfidf.transform``
over the analyzer's tokens, ``CharNgrams.transform`` over ``char_view`` text, ``LdaTopics``
counts): ``tests/fast/test_featurize.py`` checks that, and the split into words is exact because no
analyzer token and no ``char_wb`` n-gram crosses white space.

Under the word weighting (the default, :data:`akhbar.fast.weighting.WEIGHTINGS`) a word's rows also
give it a scoring record (:mod:`akhbar.fast.scoring`), kept beside them: :meth:`Featurizer.score`
labels a batch from the records alone, and :meth:`Featurizer.transform` still gives the feature
rows, which training fits on (``tests/fast/test_scoring.py`` checks one against the other).

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
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from akhbar.fast.analysing import NewWordAnalysis
from akhbar.fast.keeping import TableKeeping
from akhbar.fast.table import CAPACITY, WordTable, _Table, block_widths, scoring_blocks
from akhbar.fast.weighting import WEIGHTINGS, record_width, word_weighted
from akhbar.text.analyzer import Analyzer
from akhbar.text.normalize import unfold_presentation_forms

if TYPE_CHECKING:  # type hints only: the blocks come in as arguments, so no import runs upward
    from akhbar.features import FittedCharNgrams, FittedLdaTopics, FittedWordTfidf


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


class Featurizer(TableKeeping, NewWordAnalysis):
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
        self._compiled = None  # akhbar.fast.analysis.CompiledAnalysis, or False where it cannot serve
        self._areas = _Areas()
        self._scoring_areas = threading.local()

    # -- batches --------------------------------------------------------------------------------

    def _index(self, table: _Table):
        """The table's compiled word index, built from its words at the first batch (numba is
        imported then, not when a model loads)."""
        if table.index is None:
            from akhbar.fast.wordindex import WordIndex

            with table.lock:
                if table.index is None:
                    index = WordIndex()
                    index.add(list(table.ids))  # insertion order is row order
                    table.index = index
        return table.index

    def _area(self, key: str, blocks: list) -> np.ndarray:
        """This thread's work area for the *key* sum (:func:`akhbar.fast.sums.work_area`), made
        at its first batch: a sum's scratch cannot be shared by threads summing at once."""
        from akhbar.fast.sums import work_area

        areas = self._areas.by_key
        if key not in areas:
            areas[key] = work_area(blocks)
        return areas[key]

    def _ids(self, texts: list[str], joined=None) -> tuple[_Table, np.ndarray, np.ndarray]:
        """The table this batch uses, and the row of each written word of *texts* in it (the
        words it lacked analysed and added first), with each text's start among them. *joined*:
        ``akhbar.fast.codes.join(texts)``, when the caller has it."""
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
        from akhbar.fast.sums import sum_rows

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
        from akhbar.fast.sums import sum_rows

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
        """Feature rows under the word weighting (:func:`akhbar.fast.weighting.word_weighted`), from
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
        (:mod:`akhbar.fast.scoring`): an :class:`akhbar.fast.scoring.Scores` with, per text, the *terms*
        words that pushed hardest toward its label (as table rows; ``text.shown_forms`` of
        ``result.words[row]`` names them),
        its counts over the topic vocabulary when *topics*, and its token count. *joined*: as
        :meth:`_ids` takes it."""
        from akhbar.fast.scoring import Areas, score_rows

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

