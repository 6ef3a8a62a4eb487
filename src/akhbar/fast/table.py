"""The word table: each written word analysed once, its rows in every block kept in flat arrays.

An article of 280 words repeats words that the last thousand articles already had, and every
block (word TF-IDF, character n-grams, LDA counts) is a sum over the article's words of something
that depends on the word alone. So each *written* word (as :func:`akhbar.text.char_view` leaves
it, split on white space) is analysed once and kept as one row per block (:class:`_Rows`), with
its scoring record (:mod:`akhbar.fast.scoring`). A model carries its training corpus's most
frequent words already analysed (:class:`WordTable`), so a new process starts warm.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from akhbar.fast.arrays import grown
from akhbar.fast.weighting import records

if TYPE_CHECKING:  # type hints only: the blocks come in as arguments, so no import runs upward
    from akhbar.features import FittedCharNgrams, FittedLdaTopics, FittedWordTfidf


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
        """These rows as a :class:`akhbar.fast.sums.Block` for ``sum_rows``. The arrays are read
        as they are: an append that swaps in larger ones copies every row already present, so
        any mix of old and new arrays holds the rows a batch refers to."""
        from akhbar.fast.sums import Block

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
        self.index = None  # the compiled word index (akhbar.fast.wordindex), built at the first batch
        self.words: list[str] = []  # row order, for the words that explain a label
        self.records: np.ndarray | None = None  # per row, what scoring reads (akhbar.fast.scoring)
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
    coefficients over it as columns × labels, both float32 (:func:`akhbar.fast.weighting.records`)."""
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
