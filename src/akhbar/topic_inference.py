"""LDA inference for count rows, compiled: one loop per article, no per-iteration array calls.

Why compiled: inference is a fixed-point loop (gensim's E-step) of 20-50 small steps per article.
As numpy calls over a batch it cost about half of a warm ``predict()`` and 3 ms of a single
article's latency, almost all of it call overhead on arrays of 30 topics. Written as plain loops
and compiled with numba it is one pass over the article's words per step.

Each row is computed on its own, in the same order of operations whatever else is in the batch,
so an article gets exactly the same topic shares alone as in any batch. The arithmetic is
float64 (the saved ``exp(E[log beta])`` is float32, which is ample for gensim's tolerance of 1e-3
and halves memory), compiled with ``fastmath`` so the sums over topics can use SIMD: that lets
the compiler reorder a sum, which it does the same way for every row, so results still do not
depend on the batch (they may differ in the last bits between CPUs, as BLAS results do).
``tests/test_features.py`` checks it against gensim and against its own batches.
"""

from __future__ import annotations

import math

import numpy as np

from akhbar.jit import compiled


@compiled(nogil=True)
def _digamma(x: float) -> float:
    """psi(x) for x > 0: shift up past 6, then the asymptotic series (error about 1e-11)."""
    result = 0.0
    while x < 6.0:
        result -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    series = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132)))))
    return result + math.log(x) - 0.5 / x + series


@compiled(nogil=True, fastmath=True)
def infer_rows(indptr, indices, data, exp_elog_beta, spread, alpha, iterations, tol):
    """Topic proportions (rows sum to one) of CSR count rows.

    ``exp_elog_beta`` and ``spread`` are (vocabulary, topics): exp(E[log beta]) and the same with
    rows normalized, for the starting point. A row starts from one responsibility step under a
    uniform theta, then repeats gensim's update ``gamma = alpha + exp(E[log theta]) * sum_w
    n_w beta_w / phinorm_w`` until the mean absolute change of gamma falls under *tol*. A row
    with no counts gets alpha, normalized.
    """
    n_rows, k_topics = indptr.size - 1, alpha.size
    out = np.empty((n_rows, k_topics))
    gamma = np.empty(k_topics)
    exp_theta = np.empty(k_topics)
    sums = np.empty(k_topics)
    longest = 0
    for r in range(n_rows):
        longest = max(longest, indptr[r + 1] - indptr[r])
    beta = np.empty((longest, k_topics))  # the row's words' beta, gathered once: the loop below
    for r in range(n_rows):               # then reads contiguous memory, not scattered rows
        start, stop = indptr[r], indptr[r + 1]
        for k in range(k_topics):
            gamma[k] = alpha[k]
        for j in range(start, stop):
            w, n = indices[j], data[j]
            for k in range(k_topics):
                gamma[k] += n * spread[w, k]
                beta[j - start, k] = exp_elog_beta[w, k]
        for _ in range(iterations if stop > start else 0):
            total = 0.0
            for k in range(k_topics):
                total += gamma[k]
            shift = _digamma(total)
            for k in range(k_topics):
                exp_theta[k] = math.exp(_digamma(gamma[k]) - shift)
                sums[k] = 0.0
            for j in range(stop - start):
                phinorm = 1e-30
                for k in range(k_topics):
                    phinorm += exp_theta[k] * beta[j, k]
                weight = data[start + j] / phinorm
                for k in range(k_topics):
                    sums[k] += weight * beta[j, k]
            change = 0.0
            for k in range(k_topics):
                new = alpha[k] + exp_theta[k] * sums[k]
                change += abs(new - gamma[k])
                gamma[k] = new
            if change / k_topics < tol:
                break
        total = 0.0
        for k in range(k_topics):
            total += gamma[k]
        for k in range(k_topics):
            out[r, k] = gamma[k] / total
    return out
