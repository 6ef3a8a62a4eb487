"""Each text's feature rows as the sum of its written words' table rows, weighted, in one pass.

Under the column weighting (``TrainConfig.weighting="column"``), a text's row per block is the
sum of its words' count rows, then TF-IDF weighted and L2-normalized: all of it one compiled
pass (:func:`sum_rows`) instead of scipy products, weighting and stacking as separate passes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from akhbar.fast.jit import compiled

# -- summing rows -------------------------------------------------------------------------------


_LOGS = np.concatenate([[0.0], np.log(np.arange(1, 4096, dtype=np.float64)) + 1.0])
"""``log(k) + 1`` for whole counts k < 4096: sublinear tf by lookup, since summed counts are
whole numbers (a text's count of a column beyond that takes ``math.log``)."""


@compiled(nogil=True)
def _add_rows(ids, a, b, indptr, indices, data, base, acc, cols, nnz):
    """Add the rows ids[a:b] of one block into acc[:, 0] (from column *base*), noting each newly
    touched column in *cols*."""
    for j in range(a, b):
        r = ids[j]
        for p in range(indptr[r], indptr[r + 1]):
            col = base + indices[p]
            if acc[col, 0] == 0.0:  # entries are positive counts, so zero means untouched
                cols[nnz] = col
                nnz += 1
            acc[col, 0] += data[p]
    return nnz


@compiled(nogil=True)
def _weigh(acc, cols, a, b, sublinear, normalize, logs, out):
    """Write the touched columns cols[a:b] of acc[:, 0] into out[a:b], times their weight
    acc[:, 1] (sublinear tf first if asked), L2-normalized if asked; clear them in *acc*."""
    norm = 0.0
    for q in range(a, b):
        c = cols[q]
        v = acc[c, 0]
        if sublinear:
            k = int(v)
            v = logs[k] if k < logs.size and k == v else math.log(v) + 1.0
        v *= acc[c, 1]
        acc[c, 0] = v
        norm += v * v
    scale = 1.0 / math.sqrt(norm) if normalize and norm > 0.0 else 1.0
    for q in range(a, b):
        out[q] = acc[cols[q], 0] * scale
        acc[cols[q], 0] = 0.0


@compiled(nogil=True)
def _sum_rows(ids, doc_indptr, a_indptr, a_indices, a_data, a_width, a_sublinear,
              b_indptr, b_indices, b_data, b_width, b_sublinear, acc, logs, normalize):
    n_docs = doc_indptr.size - 1
    bound = 0  # per text, its words' row entries or the width, whichever is less
    for d in range(n_docs):
        entries = 0
        for j in range(doc_indptr[d], doc_indptr[d + 1]):
            entries += a_indptr[ids[j] + 1] - a_indptr[ids[j]]
            if b_width:
                entries += b_indptr[ids[j] + 1] - b_indptr[ids[j]]
        bound += min(entries, a_width + b_width)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    cols = np.empty(bound, dtype=np.int32)  # a loose bound, but only the pages written are used
    out = np.empty(bound, dtype=np.float32)
    nnz = 0
    for d in range(n_docs):
        start, stop = doc_indptr[d], doc_indptr[d + 1]
        first = nnz
        nnz = _add_rows(ids, start, stop, a_indptr, a_indices, a_data, 0, acc, cols, nnz)
        middle = nnz
        if b_width:
            nnz = _add_rows(ids, start, stop, b_indptr, b_indices, b_data, a_width, acc, cols, nnz)
        _weigh(acc, cols, first, middle, a_sublinear, normalize, logs, out)
        _weigh(acc, cols, middle, nnz, b_sublinear, normalize, logs, out)
        indptr[d + 1] = nnz
    return indptr, cols[:nnz], out[:nnz]


@dataclass
class Block:
    """One block of table rows (CSR arrays, positive whole counts) and how to weigh its sums:
    with ``idf`` as scikit-learn's TF-IDF (sublinear tf if asked, times idf), else raw counts."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    width: int
    idf: np.ndarray | None = None
    sublinear: bool = False


def work_area(blocks: list[Block]) -> np.ndarray:
    """The scratch ``sum_rows`` accumulates in: per column (of the blocks side by side) its
    running sum, zero between calls, and its weight (idf, or 1 for raw counts) beside it, so the
    weighting reads the cache line the sum just wrote. ``sum_rows`` leaves it as it found it, so
    one thread can reuse it for every batch (filling it costs a pass over all the columns)."""
    area = np.zeros((sum(b.width for b in blocks), 2))
    base = 0
    for block in blocks:
        area[base:base + block.width, 1] = 1.0 if block.idf is None else block.idf
        base += block.width
    return area


def sum_rows(ids: np.ndarray, doc_indptr: np.ndarray, blocks: list[Block], normalize: bool = False,
             area: np.ndarray | None = None) -> sp.csr_matrix:
    """Row *d*: the sum of the rows ``ids[doc_indptr[d]:doc_indptr[d+1]]`` of each block (one or
    two, side by side), weighted per block and, with *normalize*, L2-normalized per block. What
    ``occurrences @ rows`` followed by the blocks' weighting, normalization and ``hstack`` give
    (tested), in one pass with no intermediate matrix. Weighed in float64, stored as float32 (the
    type of the model's matrices). *area* is a :func:`work_area` of these blocks to reuse (one
    per thread; it must not be shared by calls running at once), else one is made for the call.

    Within a row, each block's columns come in the order the text's words first touch them, not
    sorted: sorting cost as much as the sums. That order depends only on the text (a word's row
    is the same whatever its row id), so a text gets the same row alone or in any batch.
    """
    if not 1 <= len(blocks) <= 2:
        raise ValueError("sum_rows takes one or two blocks")
    a = blocks[0]
    b = blocks[1] if len(blocks) == 2 else Block(np.zeros(1, np.int64), np.zeros(0, np.int32),
                                                   np.zeros(0, np.float32), 0)
    if area is None:
        area = work_area(blocks)
    elif area.shape != (a.width + b.width, 2) or area.dtype != np.float64:
        raise ValueError(f"work area of shape {area.shape}, the blocks need ({a.width + b.width}, 2)")

    def arrays(block: Block) -> tuple:  # one type signature, so the kernel compiles once
        return (np.asarray(block.indptr, dtype=np.int64), np.asarray(block.indices, dtype=np.int32),
                np.asarray(block.data, dtype=np.float32), int(block.width),
                bool(block.sublinear and block.idf is not None))

    indptr, cols, data = _sum_rows(np.asarray(ids, dtype=np.int64), np.asarray(doc_indptr, dtype=np.int64),
                                   *arrays(a), *arrays(b), area, _LOGS, bool(normalize))
    if cols.size < 2**31:
        indptr = indptr.astype(np.int32)  # the indices' type, so scipy copies neither
    return sp.csr_matrix((data, cols, indptr), shape=(doc_indptr.size - 1, a.width + b.width), copy=False)
