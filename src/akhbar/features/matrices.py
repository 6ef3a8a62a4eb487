"""Building training's feature matrix without full-size temporaries, and giving freed memory back.
"""

from __future__ import annotations

import ctypes

import numpy as np
import scipy.sparse as sp

from akhbar.features.base import _ROWS_PER_CHUNK

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
