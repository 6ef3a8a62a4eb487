"""Flat-array and sparse-row helpers that the compiled path and the feature blocks share.

Counting known entries into CSR rows, growing flat arrays, code points of a string: small
numpy/scipy functions with no model in them, kept at the bottom so every layer can use them.
"""

from __future__ import annotations

from itertools import chain, repeat
from typing import Sequence

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
    lookups are done, and the compiled analysis of new words (:mod:`akhbar.fast.analysis`)."""
    rows = np.repeat(np.arange(lengths.size), lengths)
    known = cols >= 0
    matrix = sp.csr_matrix((np.ones(int(known.sum()), dtype=np.float32), (rows[known], cols[known])),
                           shape=(lengths.size, n_cols))
    matrix.sum_duplicates()
    return matrix



def grown(array: np.ndarray, needed: int, fill=0) -> np.ndarray:
    """A copy of *array* padded with *fill*, with room for at least *needed* entries (double, or
    more): how the word table's and the word index's flat arrays grow."""
    size = max(needed, 2 * array.size)
    # zeros come from calloc, untouched pages until written; any other fill is written out
    bigger = np.zeros(size, dtype=array.dtype) if fill == 0 else np.full(size, fill, dtype=array.dtype)
    bigger[:array.size] = array
    return bigger



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
