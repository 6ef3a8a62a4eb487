"""Features: TF-IDF over words and character n-grams, and LDA topic distributions, once fitted.

Each transformer here is the *fitted half* of an estimator: what it does after ``fit`` (its
``transform``, its learned state, saving and loading that state). The estimators themselves,
which add ``fit`` on scikit-learn's contract, are in :mod:`akhbar.estimators`. A loaded model is
made of these halves alone, so loading a model and predicting never import scikit-learn: with
the ``scipy.stats`` it pulls in, that import was 1.5-2 s of a new process's 3 s load.

All take *normalized* text (:func:`akhbar.text.normalize`) or the token lists of the shared
:class:`akhbar.text.Analyzer`, so an article is normalized and tokenized once however many
feature blocks read it.

The LDA model is trained by gensim from a streamed bag-of-words corpus. Inference for new
articles runs here, compiled, on the exported arrays (the topic-word matrix and alpha): the same
variational update as gensim's, vectorised over a batch and started from a deterministic point, so
the topics of an article do not depend on which batch it arrived in and no pickled gensim object is
needed to predict.
"""

from __future__ import annotations

import ctypes
import inspect
import json
from collections import Counter
from itertools import chain, repeat
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
import scipy.sparse as sp



def count_rows(items: Sequence[Sequence[str]], index: dict[str, int], n_cols: int) -> sp.csr_matrix:
    """Row *i* = counts of the entries of ``items[i]`` (tokens, n-grams) that *index* knows.

    Every lookup runs as ``map(dict.get, ...)`` and the counting in scipy: no Python loop per
    entry. Columns come out sorted within each row. Shared by the n-gram and LDA count paths
    and by the prediction word table.
    """
    lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
    flat = list(chain.from_iterable(items))
    cols = np.fromiter(map(index.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
    return count_columns(cols, lengths, n_cols)


def count_columns(cols: np.ndarray, lengths: np.ndarray, n_cols: int) -> sp.csr_matrix:
    """Row *i* = counts of the columns ``cols`` holds for it (the next ``lengths[i]`` entries;
    -1 for an entry no vocabulary knows), sorted within the row: :func:`count_rows` once its
    lookups are done, and the compiled analysis of new words (:mod:`akhbar.analysis`)."""
    rows = np.repeat(np.arange(lengths.size), lengths)
    known = cols >= 0
    matrix = sp.csr_matrix((np.ones(int(known.sum()), dtype=np.float32), (rows[known], cols[known])),
                           shape=(lengths.size, n_cols))
    matrix.sum_duplicates()
    return matrix


WEIGHTINGS = ("word", "column")
"""How a feature block weighs an article's counts (``TrainConfig.weighting``):

- ``"column"``: scikit-learn's TF-IDF. Each column's count in the article gets sublinear tf
  (1 + log n), times its idf, and the row is L2-normalized.
- ``"word"``: the same idf-weighted columns, with tf taken per *written word*. Written word w
  has a row e_w: the idf-weighted counts of its stems (word block) or of its n-grams (char
  block). An article is the sum of its distinct words' rows, each times t_w = 1 + log n_w:
  x = sum_w t_w e_w / Z, with Z = sqrt(sum_w t_w^2 |e_w|^2).

Z is the norm the sum would have if no two words shared a column. So an article's score under
a linear model, sum_w t_w (e_w . coef) / Z, needs only per-word numbers, which can be computed
once per word and kept: prediction then reads one record per distinct word instead of adding
up about four columns per word occurrence (:meth:`akhbar.featurize.Featurizer.score`).
Measured on the three standard evaluations with the default blocks, it scores level with the
column weighting (``experiments/weighting.md``).
"""


def record_width(n_scores: int) -> int:
    """Floats per record: a score per label and block, two squared norms and the token count,
    rounded up to a multiple of 16 so that a record of six labels is one 64-byte cache line."""
    return -(-(2 * n_scores + 3) // 16) * 16


def records(blocks: list[tuple[sp.csr_matrix, np.ndarray, np.ndarray]], n_tokens: np.ndarray) -> np.ndarray:
    """One record per word (float32): ``[e_w . coef (K), e_c . coef (K), |e_w|^2, |e_c|^2,
    tokens]``. *blocks* gives, for the word block and then the char block (if any), the words'
    count rows, the block's idf and its coefficients transposed (columns × K, contiguous), all
    float32: the products are sums of a few dozen terms, as exact in float32 as the records."""
    k, n_words = blocks[0][2].shape[1], blocks[0][0].shape[0]
    out = np.zeros((n_words, record_width(k)), dtype=np.float32)
    for b, (rows, idf, coef_t) in enumerate(blocks):
        rows = rows.tocsr()
        values = rows.data * idf[rows.indices]  # float32, as the records are
        e = sp.csr_matrix((values, rows.indices, rows.indptr), shape=rows.shape)
        out[:, b * k:(b + 1) * k] = e @ coef_t
        out[:, 2 * k + b] = _row_sums(values.astype(np.float64) ** 2, rows.indptr)
    out[:, 2 * k + 2] = n_tokens
    return out


def word_weighted(doc_words: sp.csr_matrix, word_rows: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Feature rows under the ``"word"`` weighting (see :data:`WEIGHTINGS`).

    *doc_words* counts each article's written words (articles × words), *word_rows* counts each
    word's columns (words × columns, stems or n-grams) and *idf* weighs the columns. An article
    whose words have no column gets a zero row.
    """
    t = doc_words.tocsr().astype(np.float64)
    t.data = np.log(t.data) + 1.0
    e = word_rows.tocsr().astype(np.float64)
    e.data *= np.asarray(idf, dtype=np.float64)[e.indices]
    norms2 = _row_sums(e.data * e.data, e.indptr)
    t2 = t.copy()
    t2.data *= t2.data
    z = np.sqrt(t2 @ norms2)
    scale = np.divide(1.0, z, out=np.zeros_like(z), where=z > 0)
    return (sp.diags(scale) @ (t @ e)).tocsr()


def grown(array: np.ndarray, needed: int, fill=0) -> np.ndarray:
    """A copy of *array* padded with *fill*, with room for at least *needed* entries (double, or
    more): how the word table's and the word index's flat arrays grow."""
    size = max(needed, 2 * array.size)
    # zeros come from calloc, untouched pages until written; any other fill is written out
    bigger = np.zeros(size, dtype=array.dtype) if fill == 0 else np.full(size, fill, dtype=array.dtype)
    bigger[:array.size] = array
    return bigger


# --- TF-IDF ----------------------------------------------------------------------------------------


class _WordNgrams:
    """Token list → unigrams … n-grams (joined by a space). A class, not a lambda, for clarity
    in error messages and so the n-gram range is visible in ``repr``."""

    def __init__(self, ngram_range=(1, 2)):
        self.lo, self.hi = ngram_range

    def __call__(self, tokens: list[str]) -> list[str]:
        out = list(tokens) if self.lo == 1 else []
        for n in range(max(2, self.lo), self.hi + 1):
            out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return out

    def __repr__(self) -> str:
        return f"_WordNgrams(({self.lo}, {self.hi}))"


class Params:
    """``get_params`` for a fitted half outside scikit-learn: the ``__init__`` arguments, which a
    loaded model's manifest records and saving it again writes back. (An estimator in
    :mod:`akhbar.estimators` gets scikit-learn's own, which comes first in its method order.)"""

    def get_params(self, deep: bool = True) -> dict:
        names = [name for name in inspect.signature(type(self).__init__).parameters if name != "self"]
        return {name: getattr(self, name) for name in names}


def tfidf_rows(counts: sp.csr_matrix, idf: np.ndarray, sublinear_tf: bool, dtype) -> sp.csr_matrix:
    """Counts → TF-IDF rows as scikit-learn's ``TfidfTransformer`` weighs them: sublinear tf
    (1 + log n) if asked, times idf, rows L2-normalized. In place when *counts* is already CSR
    of *dtype* (the callers pass counts made for the purpose)."""
    counts = counts.tocsr().astype(dtype, copy=False)
    if sublinear_tf:
        np.log(counts.data, out=counts.data)
        counts.data += 1
    counts.data *= np.asarray(idf, dtype=dtype)[counts.indices]
    return normalize_rows(counts)


class FittedWordTfidf(Params):
    """TF-IDF over word n-grams of *token lists* (from the shared :class:`Analyzer`), fitted
    (:class:`akhbar.estimators.WordTfidf` fits it with scikit-learn's ``TfidfVectorizer``).

    Taking tokens rather than text lets the trainer and the predictor tokenize each article once
    and hand the same tokens to this block and to the LDA model.
    """

    def __init__(self, ngram_range=(1, 2), min_df=2, max_df=0.9, max_features=300_000,
                 sublinear_tf=True, dtype=np.float32):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.dtype = dtype

    def _learned(self, vocabulary: list[str], idf: np.ndarray) -> None:
        self.vocabulary_ = list(vocabulary)  #: the terms, in column order (alphabetical)
        self.idf_ = np.asarray(idf, dtype=np.float64)
        self.term_index_ = {term: i for i, term in enumerate(self.vocabulary_)}  #: term → column

    def transform(self, token_lists):
        """``TfidfVectorizer.transform`` with this block's n-grams (the same matrix, tested):
        counts of the known terms, weighed by :func:`tfidf_rows`."""
        grams = _WordNgrams(tuple(self.ngram_range))
        counts = count_rows([grams(tokens) for tokens in token_lists], self.term_index_, len(self.vocabulary_))
        return tfidf_rows(counts, self.idf_, self.sublinear_tf, self.dtype)

    def get_state(self) -> dict:
        return {"vocabulary": self.vocabulary_, "idf": self.idf_}

    @classmethod
    def from_state(cls, params: dict, state: dict) -> "FittedWordTfidf":
        self = cls(**params)
        self._learned(state["vocabulary"], state["idf"])
        return self


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
        costs a third of a second that loading a model need not pay."""
        index = self.__dict__.get("_gram_index")
        if index is None or len(index) != len(self.vocabulary_):
            index = self._gram_index = {g: i for i, g in enumerate(self.vocabulary_)}
        return index

    def _prepare(self, gram_keys: tuple | None = None):
        self._gram_index = None
        self._idf_cast = np.asarray(self.idf_, dtype=self.dtype)
        if gram_keys is not None:
            self._keys = _GramKeys.from_arrays(*gram_keys, self.vocabulary_, self.ngram_range)
        else:
            self._keys = _GramKeys.build(self.vocabulary_, self.ngram_range)

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
        """The reference transform. Prediction goes through :mod:`akhbar.featurize`, which keeps
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


def code_points(text: str) -> np.ndarray:
    """*text* as one code point per element (a lone surrogate, which JSON can carry, included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _row_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Sum *values* (1-D or 2-D along axis 0) over the CSR row segments given by *indptr*.

    ``np.add.reduceat`` over the non-empty rows' starts: no sparse matrix is built, which for
    one-article batches costs more than the arithmetic.
    """
    n = len(indptr) - 1
    out = np.zeros((n,) + values.shape[1:], dtype=np.float64)
    nonempty = np.flatnonzero(np.diff(indptr) > 0)
    if nonempty.size:
        out[nonempty] = np.add.reduceat(values, indptr[nonempty], axis=0)
    return out


_ROWS_PER_CHUNK = 4096
"""Rows handled at a time by the helpers below: their temporaries stay a few MB, not copies of
the largest matrix of training."""


def normalize_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """L2-normalize the rows of a CSR matrix in place (zero rows stay zero); float64 arithmetic."""
    matrix = matrix.tocsr()
    indptr, data = matrix.indptr, matrix.data
    for start in range(0, matrix.shape[0], _ROWS_PER_CHUNK):
        stop = min(start + _ROWS_PER_CHUNK, matrix.shape[0])
        a, b = indptr[start], indptr[stop]
        part = data[a:b].astype(np.float64)
        local = indptr[start:stop + 1] - a
        norms = np.sqrt(_row_sums(part * part, local))
        norms[norms == 0] = 1.0
        data[a:b] = part / np.repeat(norms, np.diff(local))
    return matrix


def give_back_memory() -> None:
    """Hand freed heap back to the operating system (glibc's ``malloc_trim``; elsewhere a no-op).

    glibc keeps the pages of what is freed on its heap (every block under its mmap threshold,
    which rises to 32 MB as large blocks are freed) for later allocations. Training frees a lot
    just before it allocates its largest arrays, which come from fresh mappings and so cannot
    reuse them: tokenizing and fitting the n-gram vocabulary make and drop millions of small
    objects (about 100 MB on ant2), and stacking the feature rows lets go of each chunk of rows.
    """
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):
        pass


def stack_blocks(groups: list[list[sp.csr_matrix] | None], dtype=np.float64, release: bool = False) -> sp.csr_matrix:
    """One CSR matrix of *dtype*: each group's blocks side by side, the groups one under another.

    ``sp.vstack([sp.hstack(g) for g in groups])`` with the same result, but written chunk by
    chunk into arrays allocated once, so the only large allocation is the result itself (the
    scipy route makes several full-size temporaries, which set training's memory peak).

    With *release*, each group is dropped from *groups* (its slot set to None) once it is
    copied. The result's pages become resident only as they are written, so the groups and
    the result are never all in memory at once: on ant2 the float32 groups are two thirds the
    size of the float64 result (8 against 12 bytes per non-zero), and holding both set
    training's peak.
    """
    lengths = np.concatenate([sum(np.diff(b.indptr) for b in g) for g in groups])
    indptr = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    width = sum(b.shape[1] for b in groups[0])
    index_dtype = np.int32 if max(width, indptr[-1]) < 2**31 else np.int64
    data, indices = np.empty(indptr[-1], dtype=dtype), np.empty(indptr[-1], dtype=index_dtype)
    row = 0
    for i in range(len(groups)):
        g = groups[i]
        for start in range(0, g[0].shape[0], _ROWS_PER_CHUNK):
            stop = min(start + _ROWS_PER_CHUNK, g[0].shape[0])
            chunk = sp.hstack([b[start:stop] for b in g], format="csr") if len(g) > 1 else g[0][start:stop]
            a, b = indptr[row], indptr[row + stop - start]
            data[a:b], indices[a:b] = chunk.data, chunk.indices
            row += stop - start
        if release:
            groups[i] = g = chunk = None
            give_back_memory()  # chunks of a few MB come from the heap, which keeps what is freed
    return sp.csr_matrix((data, indices, indptr.astype(index_dtype)), shape=(row, width))


def head_rows(matrix: sp.csr_matrix, n: int) -> sp.csr_matrix:
    """The first *n* rows of a CSR matrix as a view on its arrays (scipy's slicing copies them)."""
    end = matrix.indptr[n]
    return sp.csr_matrix((matrix.data[:end], matrix.indices[:end], matrix.indptr[:n + 1]),
                         shape=(n, matrix.shape[1]), copy=False)


# --- LDA -------------------------------------------------------------------------------------------


class BowCorpus:
    """A gensim corpus held as three flat numpy arrays: documents → (word id, count) pairs.

    Built once from token lists with gensim's ``Dictionary`` (so the vocabulary and its order are
    gensim's: ``filter_extremes`` then ``compactify``), it is small (8 bytes per distinct word of
    a document), re-iterable for LDA's passes, and saved with :meth:`save` / :meth:`load` as a
    plain ``.npz`` + word list, which is how the trainer hands it to the topic-model process.
    """

    def __init__(self, vocabulary: list[str], indptr: np.ndarray, ids: np.ndarray, counts: np.ndarray):
        self.vocabulary = vocabulary
        self.indptr, self.ids, self.counts = indptr, ids, counts

    @classmethod
    def from_tokens(cls, token_lists: Sequence[list[str]], no_below=5, no_above=0.5, keep_n=50_000) -> "BowCorpus":
        """Count words the way gensim's ``Dictionary(token_lists)`` + ``filter_extremes`` +
        ``compactify`` + ``doc2bow`` do (same vocabulary, same order: a test checks), with
        C-level counting instead of a Python loop per document (4x faster, far fewer objects).

        gensim numbers words by first appearance, a document's new words in sorted order; keeps
        words with ``no_below <= df <= int(no_above * n_docs)``; of those the ``keep_n`` most
        frequent (stable on ties); then renumbers the survivors in their old order.
        """
        n_docs = len(token_lists)
        distinct = [sorted(set(tokens)) for tokens in token_lists]
        order = dict.fromkeys(chain.from_iterable(distinct))  # first appearance, sorted within a document
        df = Counter(chain.from_iterable(distinct))
        del distinct
        most = int(no_above * n_docs)
        good = [w for w in order if no_below <= df[w] <= most]
        if keep_n is not None and len(good) > keep_n:
            kept = set(sorted(good, key=df.__getitem__, reverse=True)[:keep_n])
            good = [w for w in good if w in kept]
        counts = count_rows(token_lists, {w: i for i, w in enumerate(good)}, len(good))  # rows sorted by id, as doc2bow
        return cls(good, counts.indptr.astype(np.int64), counts.indices.astype(np.int32),
                   counts.data.astype(np.int32))

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        ids, counts, indptr = self.ids, self.counts, self.indptr.tolist()
        for a, b in zip(indptr[:-1], indptr[1:]):
            yield list(zip(ids[a:b].tolist(), counts[a:b].tolist()))

    def save(self, folder: Path) -> None:
        np.savez(folder / "corpus.npz", indptr=self.indptr, ids=self.ids, counts=self.counts)
        (folder / "vocabulary.json").write_text(json.dumps(self.vocabulary, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, folder: Path) -> "BowCorpus":
        with np.load(folder / "corpus.npz", allow_pickle=False) as arrays:
            indptr, ids, counts = arrays["indptr"], arrays["ids"], arrays["counts"]
        vocabulary = json.loads((folder / "vocabulary.json").read_text("utf-8"))
        return cls(vocabulary, indptr, ids, counts)


class FittedLdaTopics(Params):
    """LDA topic distributions, fitted: gensim trains (:class:`akhbar.estimators.LdaTopics`), a
    compiled loop infers (:meth:`infer`).

    ``fit`` takes token lists (from the shared analyzer); ``transform`` returns a dense
    (n_docs, num_topics) matrix of topic proportions that sum to one.
    """

    def __init__(self, num_topics=30, passes=3, iterations=50, chunksize=2000, no_below=5,
                 no_above=0.5, keep_n=50_000, workers=1, random_state=0,
                 infer_iterations=50, infer_tol=1e-3):
        self.num_topics = num_topics
        self.passes = passes
        self.iterations = iterations
        self.chunksize = chunksize
        self.no_below = no_below
        self.no_above = no_above
        self.keep_n = keep_n
        self.workers = workers
        self.random_state = random_state
        self.infer_iterations = infer_iterations
        self.infer_tol = infer_tol

    def _prepare(self):
        self.word_index_ = {w: i for i, w in enumerate(self.vocabulary_)}
        self._exp_elog_beta = np.ascontiguousarray(self.exp_elog_beta_.T)  # (V, K) for row gathers
        self._spread = self._exp_elog_beta / self._exp_elog_beta.sum(axis=1, keepdims=True)
        self._exp_elog_beta32 = self._exp_elog_beta.astype(np.float32)

    def bow_matrix(self, token_lists: Iterable[list[str]]) -> sp.csr_matrix:
        """Token lists → sparse (n_docs, V) count matrix over the topic model's vocabulary."""
        return count_rows(list(token_lists), self.word_index_, len(self.vocabulary_)).astype(np.float64)

    def transform(self, token_lists: Iterable[list[str]]) -> np.ndarray:
        return self.infer(self.bow_matrix(token_lists))

    def infer(self, counts: sp.csr_matrix) -> np.ndarray:
        """Variational inference of topic proportions for a batch of count rows.

        Each row is updated until its own change falls under ``infer_tol`` (mean absolute
        change of gamma in one update, gensim's rule), on its own: a row's result never depends
        on its batch. The updates are accelerated (SQUAREM, :mod:`akhbar.topic_inference`): on
        the ant2 test articles a third less time, and half as far from the fixed point when
        they stop (tested against the plain loop).
        It starts from one responsibility step under a uniform theta (each word's count spread
        over topics in proportion to exp(E[log beta])), much closer to the optimum than gensim's
        random start, and deterministic. An empty row (no known word) gets alpha, normalized.
        The loop is compiled (:mod:`akhbar.topic_inference`); numba is imported here, not at the
        top, because it and its compiler take about 100 MB and 0.3 s that training never needs.
        """
        from akhbar.topic_inference import infer_rows

        counts = counts.tocsr()
        counts.sum_duplicates()
        return infer_rows(counts.indptr.astype(np.int64), counts.indices.astype(np.int64),
                          counts.data.astype(np.float64), self._exp_elog_beta32, self._spread,
                          self.alpha_, int(self.infer_iterations), float(self.infer_tol))

    def top_words(self, n: int = 10) -> list[list[tuple[str, float]]]:
        order = np.argsort(-self.topic_word_, axis=1)[:, :n]
        return [[(self.vocabulary_[j], float(self.topic_word_[t, j])) for j in row]
                for t, row in enumerate(order)]

    def get_state(self) -> dict:
        return {"vocabulary": self.vocabulary_, "alpha": self.alpha_, "topic_word": self.topic_word_,
                "exp_elog_beta": self.exp_elog_beta_, "display": self.display_}

    @classmethod
    def from_state(cls, params: dict, state: dict) -> "FittedLdaTopics":
        self = cls(**params)
        self.vocabulary_ = list(state["vocabulary"])
        self.alpha_ = np.asarray(state["alpha"], dtype=np.float64)
        self.topic_word_ = np.asarray(state["topic_word"], dtype=np.float64)
        self.exp_elog_beta_ = np.asarray(state["exp_elog_beta"], dtype=np.float64)
        self.display_ = list(state["display"]) if state.get("display") is not None else None
        self._prepare()
        return self
