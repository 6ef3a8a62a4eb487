"""Character n-gram TF-IDF within word boundaries, computed through the words, fitted.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp

from akhbar.fast.arrays import code_points, count_rows
from akhbar.features.base import Params, tfidf_rows

class FittedCharNgrams(Params):
    """Character n-gram TF-IDF within word boundaries, computed through the words, fitted
    (:class:`akhbar.estimators.CharNgrams` fits it).

    The n-grams of an article are the n-grams of its words (scikit-learn's ``char_wb``: each word
    padded with a space). So the count matrix is ``W @ G``: article-by-word counts times a
    word-by-n-gram incidence matrix built once per distinct word. Words follow Zipf's law, so this
    does the per-character work once per *word type* instead of once per occurrence: about five
    times faster than ``TfidfVectorizer(analyzer="char_wb")`` here, with the same features
    (a test checks the equality). Unknown words at transform time get their n-grams on the fly.
    """

    def __init__(self, ngram_range=(2, 5), min_df=2, max_df=0.9, max_features=300_000,
                 sublinear_tf=True, dtype=np.float32, chunk_size=2000):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.dtype = dtype
        self.chunk_size = chunk_size

    def grams(self, word: str) -> list[str]:
        """The ``char_wb`` n-grams of one word (padded with a space each side), shortest first."""
        lo, hi = self.ngram_range
        padded = f" {word} "
        m = len(padded)
        return [padded[i:i + n] for n in range(lo, min(hi, m) + 1) for i in range(m - n + 1)]

    @staticmethod
    def _word_counts(normalized: Sequence[str]):
        """Article-by-word count matrix over the words of *this batch*, and those words."""
        index: dict[str, int] = {}
        indptr, indices, data = [0], [], []
        for text in normalized:
            counts: dict[int, int] = {}
            for word in text.split():
                j = index.setdefault(word, len(index))
                counts[j] = counts.get(j, 0) + 1
            indices.extend(counts)
            data.extend(counts.values())
            indptr.append(len(indices))
        matrix = sp.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32),
                                np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, len(index)))
        return matrix, list(index)

    @property
    def gram_index_(self) -> dict[str, int]:
        """N-gram → column, built at first use: only the string path reads it (a vocabulary
        whose alphabet defeats the integer keys, and the tests), and for 300,000 n-grams it
        costs a third of a second that loading a model need not pay. (With the string path,
        :meth:`_prepare` builds it, so that transforming leaves the object as it is.)"""
        index = self.__dict__.get("_gram_index")
        if index is None or len(index) != len(self.vocabulary_):
            index = self._gram_index = {g: i for i, g in enumerate(self.vocabulary_)}
        return index

    def _prepare(self, gram_keys: tuple | None = None):
        self._idf_cast = np.asarray(self.idf_, dtype=self.dtype)
        if gram_keys is not None:
            self._keys = _GramKeys.from_arrays(*gram_keys, self.vocabulary_, self.ngram_range)
        else:
            self._keys = _GramKeys.build(self.vocabulary_, self.ngram_range)
        self._gram_index = None
        if self._keys is None:  # the string path reads it: built now, so that transforming changes nothing
            self.gram_index_

    def word_rows(self, words: Sequence[str]) -> sp.csr_matrix:
        """Word-by-n-gram count rows over the vocabulary: ``count_rows([grams(w) ...])``, computed
        on code points with numpy (:class:`_GramKeys`) when the vocabulary's alphabet allows."""
        n_cols = len(self.vocabulary_)
        if self._keys is None:
            return count_rows([self.grams(w) for w in words], self.gram_index_, n_cols)
        if not words:
            return sp.csr_matrix((0, n_cols), dtype=np.float32)
        parts = [self._keys.rows(words[i:i + _WORDS_PER_CHUNK], n_cols) for i in range(0, len(words), _WORDS_PER_CHUNK)]
        return parts[0] if len(parts) == 1 else sp.vstack(parts, format="csr")

    def transform(self, normalized: Sequence[str]):
        """The reference transform. Prediction goes through :mod:`akhbar.fast.featurizer`, which keeps
        each word's row between batches and gives the same matrix (tested)."""
        words_matrix, words = self._word_counts(normalized)
        return self.weigh(words_matrix @ self.word_rows(words))

    def weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Counts → TF-IDF rows (:func:`tfidf_rows`, in place)."""
        return tfidf_rows(counts, self._idf_cast, self.sublinear_tf, self.dtype)

    def get_state(self) -> dict:
        """The vocabulary and idf, and the n-grams' integer keys when there are any (saved with
        a model: building them again is 0.15 s of a load)."""
        state = {"vocabulary": self.vocabulary_, "idf": self.idf_}
        if self._keys is not None:
            state["gram_keys"] = (self._keys.alphabet, self._keys.keys, self._keys.columns)
        return state

    @classmethod
    def from_state(cls, params: dict, state: dict) -> "FittedCharNgrams":
        """Raises ``ValueError`` for ``gram_keys`` that do not fit the vocabulary."""
        self = cls(**params)
        self.vocabulary_ = list(state["vocabulary"])
        self.idf_ = np.asarray(state["idf"], dtype=np.float64)
        self._prepare(state.get("gram_keys"))
        return self


_WORDS_PER_CHUNK = 50_000
"""Words cut into n-grams at once by :class:`_GramKeys` (bounds its arrays to about 100 MB)."""


class _GramKeys:
    """The vocabulary's n-grams as integers, so new words are cut and looked up with numpy.

    A gram of length n over an alphabet of ``base - 1`` characters (ids from 1) is the integer
    ``n, c1, c2, ... cn`` in base *base*: distinct grams give distinct integers, and a window
    holding a character the vocabulary never uses (id 0) matches none. A word's ``char_wb``
    n-grams are the windows of its padded form " word ", so all words of a batch are joined,
    every window of each length is keyed at once, windows that span two words are dropped, and
    the keys are found in the sorted vocabulary keys by binary search. The result equals
    ``count_rows`` over ``CharNgrams.grams`` (tested), without a Python string per n-gram: about
    a third of the cost of analysing a new word at prediction.
    """

    def __init__(self, alphabet: np.ndarray, base: int, keys: np.ndarray, columns: np.ndarray, lo: int, hi: int):
        self.alphabet, self.base, self.keys, self.columns, self.lo, self.hi = alphabet, base, keys, columns, lo, hi

    @classmethod
    def build(cls, vocabulary: list[str], ngram_range) -> "_GramKeys | None":
        """None (the caller then cuts strings) for an empty vocabulary, grams outside the n-gram
        range, or keys that would not fit in 63 bits (an alphabet of thousands of characters)."""
        lo, hi = ngram_range
        if not vocabulary:
            return None
        codes = code_points("".join(vocabulary))
        alphabet = np.unique(codes)
        base = alphabet.size + 1
        if (hi + 1) * float(base) ** hi >= 2.0 ** 62:
            return None
        lengths = np.fromiter(map(len, vocabulary), dtype=np.int64, count=len(vocabulary))
        if lengths.min() < lo or lengths.max() > hi:
            return None
        ids = np.searchsorted(alphabet, codes).astype(np.int64) + 1
        starts = np.zeros(len(vocabulary), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        keys = lengths.copy()
        for m in range(hi):
            inside = m < lengths
            keys[inside] = keys[inside] * base + ids[starts[inside] + m]
        order = np.argsort(keys, kind="stable")
        return cls(alphabet, base, keys[order], order.astype(np.int32), lo, hi)

    @classmethod
    def from_arrays(cls, alphabet: np.ndarray, keys: np.ndarray, columns: np.ndarray, vocabulary: list[str],
                    ngram_range) -> "_GramKeys":
        """The keys :meth:`build` made, as a model saved them, checked against *vocabulary*:
        an alphabet and keys strictly increasing, each column once, and a sample of up to 1,000
        n-grams spread over the vocabulary found at their own column. ``ValueError`` if not."""
        lo, hi = ngram_range
        n = len(vocabulary)
        alphabet, keys, columns = (np.asarray(a) for a in (alphabet, keys, columns))
        if not (n and alphabet.ndim == 1 and alphabet.size and keys.shape == (n,) == columns.shape
                and alphabet.dtype.kind in "iu" and keys.dtype.kind == "i" and columns.dtype.kind in "iu"):
            raise ValueError("n-gram keys must be one alphabet and one key and column per vocabulary entry")
        if alphabet.min() < 0 or np.any(np.diff(alphabet.astype(np.int64)) <= 0) or np.any(np.diff(keys) <= 0):
            raise ValueError("n-gram keys: the alphabet and the keys must be strictly increasing")
        if columns.min() < 0 or columns.max() >= n or np.bincount(columns, minlength=n).max() != 1:
            raise ValueError("n-gram keys: each vocabulary column must appear once")
        self = cls(alphabet.astype(np.uint32), alphabet.size + 1, keys.astype(np.int64), columns.astype(np.int32),
                   lo, hi)
        for j in np.unique(np.linspace(0, n - 1, min(n, 1000)).astype(np.int64)).tolist():
            gram = vocabulary[j]
            codes = code_points(gram)
            at = np.minimum(np.searchsorted(self.alphabet, codes), self.alphabet.size - 1)
            if not (lo <= len(gram) <= hi and np.array_equal(self.alphabet[at], codes)):
                raise ValueError(f"n-gram keys do not fit the vocabulary (n-gram {j})")
            key = len(gram)
            for c in (at + 1).tolist():
                key = key * self.base + c
            found = int(np.searchsorted(self.keys, key))
            if found == n or self.keys[found] != key or self.columns[found] != j:
                raise ValueError(f"n-gram keys do not fit the vocabulary (n-gram {j})")
        return self

    def rows(self, words: Sequence[str], n_cols: int) -> sp.csr_matrix:
        """Count rows of the *words*' n-grams over the vocabulary's columns."""
        padded = [f" {w} " for w in words]
        lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
        codes = code_points("".join(padded))
        found = np.searchsorted(self.alphabet, codes)
        found[found == self.alphabet.size] = 0
        ids = np.where(self.alphabet[found] == codes, found + 1, 0).astype(np.int64)
        word_of = np.repeat(np.arange(len(padded)), lengths)
        all_rows, all_cols = [], []
        for n in range(self.lo, self.hi + 1):
            starts = ids.size - n + 1
            if starts <= 0:
                break
            keys = np.full(starts, n, dtype=np.int64)
            for m in range(n):
                keys = keys * self.base + ids[m:m + starts]
            same_word = word_of[:starts] == word_of[n - 1:n - 1 + starts]
            at = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
            hit = same_word & (self.keys[at] == keys)
            all_rows.append(word_of[:starts][hit])
            all_cols.append(self.columns[at[hit]])
        rows = np.concatenate(all_rows) if all_rows else np.zeros(0, dtype=np.int64)
        cols = np.concatenate(all_cols) if all_cols else np.zeros(0, dtype=np.int32)
        matrix = sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(len(words), n_cols))
        matrix.sum_duplicates()
        return matrix
