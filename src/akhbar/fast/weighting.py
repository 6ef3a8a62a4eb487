"""The two weightings of a feature block, and the per-word scoring records the word one allows.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from akhbar.fast.arrays import _row_sums

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
up about four columns per word occurrence (:meth:`akhbar.fast.featurizer.Featurizer.score`).
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
