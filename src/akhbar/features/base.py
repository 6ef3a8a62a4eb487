"""What every fitted feature block shares: its ``get_params``, and TF-IDF weighting of count rows.
"""

from __future__ import annotations

import inspect

import numpy as np
import scipy.sparse as sp

from akhbar.fast.arrays import _row_sums

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
