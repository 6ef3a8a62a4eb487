"""LDA inference for count rows, compiled: one loop per article, no per-iteration array calls.

Why compiled: inference is a fixed-point loop (gensim's E-step) of 20-50 small steps per article.
As numpy calls over a batch it cost about half of a warm ``predict()`` and 3 ms of a single
article's latency, almost all of it call overhead on arrays of 30 topics. Written as plain loops
and compiled with numba it is one pass over the article's words per step.

Each row is computed on its own, in the same order of operations whatever else is in the batch,
so an article gets exactly the same topic shares alone as in any batch. The sums over words are
float32 (the saved ``exp(E[log beta])`` is float32, which is ample for gensim's tolerance of
1e-3), gamma float64; compiled with ``fastmath`` so the sums can use SIMD: that lets the
compiler reorder a sum, which it does the same way for every row, so results still do not
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

    ``exp_elog_beta`` (float32) and ``spread`` are (vocabulary, topics): exp(E[log beta]) and the
    same with rows normalized, for the starting point. A row starts from one responsibility step
    under a uniform theta, then repeats gensim's update ``gamma = alpha + exp(E[log theta]) *
    sum_w n_w beta_w / phinorm_w`` until the mean absolute change of gamma falls under *tol*. A
    row with no counts gets alpha, normalized.

    The row's words' beta are gathered topic by topic (topics × words), so both sums of a step
    (each word's phinorm over the topics, each topic's total over the words) run along
    contiguous float32 words, eight to a SIMD register: a third faster than word by word, with
    the same distance to the exact fixed point (mean 0.0014 on the ant2 test articles, as before).
    gamma and the change test stay float64.
    """
    n_rows, k_topics = indptr.size - 1, alpha.size
    out = np.empty((n_rows, k_topics))
    gamma = np.empty(k_topics)
    exp_theta = np.empty(k_topics, dtype=np.float32)
    longest = 0
    for r in range(n_rows):
        longest = max(longest, indptr[r + 1] - indptr[r])
    beta = np.empty((k_topics, longest), dtype=np.float32)
    phinorm = np.empty(longest, dtype=np.float32)
    weight = np.empty(longest, dtype=np.float32)
    counts = np.empty(longest, dtype=np.float32)
    for r in range(n_rows):
        start, stop = indptr[r], indptr[r + 1]
        m = stop - start
        for k in range(k_topics):
            gamma[k] = alpha[k]
        for j in range(m):
            w, n = indices[start + j], data[start + j]
            counts[j] = n
            for k in range(k_topics):
                gamma[k] += n * spread[w, k]
                beta[k, j] = exp_elog_beta[w, k]
        for _ in range(iterations if m > 0 else 0):
            total = 0.0
            for k in range(k_topics):
                total += gamma[k]
            shift = _digamma(total)
            for k in range(k_topics):
                exp_theta[k] = math.exp(_digamma(gamma[k]) - shift)
            for j in range(m):
                phinorm[j] = 1e-30
            for k in range(k_topics):
                t = exp_theta[k]
                for j in range(m):
                    phinorm[j] += t * beta[k, j]
            for j in range(m):
                weight[j] = counts[j] / phinorm[j]
            change = 0.0
            for k in range(k_topics):
                s = np.float32(0.0)
                for j in range(m):
                    s += weight[j] * beta[k, j]
                new = alpha[k] + exp_theta[k] * s
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
