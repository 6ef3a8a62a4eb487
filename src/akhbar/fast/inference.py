"""LDA inference for count rows, compiled: one loop per article, no per-iteration array calls.

Why compiled: inference is a fixed-point loop (gensim's E-step) of up to 50 small steps per article.
As numpy calls over a batch it cost about half of a warm ``predict()`` and 3 ms of a single
article's latency, almost all of it call overhead on arrays of 30 topics. Written as plain loops
and compiled with numba it is one pass over the article's words per step.

Each row is computed on its own, in the same order of operations whatever else is in the batch,
so an article gets exactly the same topic shares alone as in any batch. The sums over words are
float32 (the saved ``exp(E[log beta])`` is float32, which is ample for gensim's tolerance of
1e-3), gamma float64; compiled with ``fastmath`` so the sums can use SIMD: that lets the
compiler reorder a sum, which it does the same way for every row, so results still do not
depend on the batch (they may differ in the last bits between CPUs, as BLAS results do).
``tests/fast/test_features.py`` checks its fixed point against gensim's, where it stops against the
plain loop's, and its rows against its own batches.
"""

from __future__ import annotations

import math

import numpy as np

from akhbar.fast.jit import compiled


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
def _step(gamma, out, alpha, beta, counts, m, exp_theta, phinorm, weight):
    """One of gensim's updates, ``out = alpha + exp(E[log theta]) * sum_w n_w beta_w / phinorm_w``
    from *gamma* (*out* may be *gamma*); returns the mean absolute change."""
    k_topics = alpha.size
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
        out[k] = new
    return change / k_topics


@compiled(nogil=True, fastmath=True)
def infer_rows(indptr, indices, data, exp_elog_beta, spread, alpha, iterations, tol):
    """Topic proportions (rows sum to one) of CSR count rows.

    ``exp_elog_beta`` (float32) and ``spread`` are (vocabulary, topics): exp(E[log beta]) and the
    same with rows normalized, for the starting point. A row starts from one responsibility step
    under a uniform theta, then repeats gensim's update (:func:`_step`) until the mean absolute
    change of gamma in one update falls under *tol*, as gensim stops, or *iterations* updates
    have run. A row with no counts gets alpha, normalized.

    The updates are accelerated (SQUAREM, Varadhan & Roland 2008): after two updates g0 → g1 →
    g2, the next point is extrapolated along the two steps, ``g0 - 2a r + a^2 v`` with
    ``r = g1 - g0``, ``v = g2 - 2 g1 + g0``, ``a = min(-1, -|r|/|v|)`` (``a = -1`` is g2 itself,
    the fallback whenever the extrapolated point leaves the region every update lands in,
    gamma >= alpha), and one update from there starts the next round. Each update's change is
    tested, so a row stops where the plain loop would have: one update moved it less than *tol*.
    It gets there in fewer updates, and nearer the fixed point.

    The row's words' beta are gathered topic by topic (topics × words), so both sums of an
    update (each word's phinorm over the topics, each topic's total over the words) run along
    contiguous float32 words, eight to a SIMD register. gamma and the change test stay float64.
    """
    n_rows, k_topics = indptr.size - 1, alpha.size
    out = np.empty((n_rows, k_topics))
    g0, g1, g2, gp = np.empty(k_topics), np.empty(k_topics), np.empty(k_topics), np.empty(k_topics)
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
            g0[k] = alpha[k]
        for j in range(m):
            w, n = indices[start + j], data[start + j]
            counts[j] = n
            for k in range(k_topics):
                g0[k] += n * spread[w, k]
                beta[k, j] = exp_elog_beta[w, k]
        result = g0
        done = 0 if m > 0 else iterations
        while done < iterations:
            done += 1
            result = g1
            if _step(g0, g1, alpha, beta, counts, m, exp_theta, phinorm, weight) < tol or done == iterations:
                break
            done += 1
            result = g2
            if _step(g1, g2, alpha, beta, counts, m, exp_theta, phinorm, weight) < tol or done == iterations:
                break
            rr, vv = 0.0, 0.0
            for k in range(k_topics):
                step, bend = g1[k] - g0[k], g2[k] - 2.0 * g1[k] + g0[k]
                rr += step * step
                vv += bend * bend
            # every update's gamma sums to sum(alpha) + the row's count, and so does the
            # extrapolated point: at or above alpha it is bounded. The floor on |v| keeps the step
            # finite (fastmath assumes no inf or NaN, so they must not arise rather than be tested)
            a = -1.0
            if vv > 1e-12 * rr:
                a = min(-1.0, -math.sqrt(rr / vv))
            inside = True
            for k in range(k_topics):
                gp[k] = g0[k] - 2.0 * a * (g1[k] - g0[k]) + a * a * (g2[k] - 2.0 * g1[k] + g0[k])
                if gp[k] < alpha[k]:
                    inside = False
            if not inside:
                for k in range(k_topics):
                    gp[k] = g2[k]
            done += 1
            result = g0
            if _step(gp, g0, alpha, beta, counts, m, exp_theta, phinorm, weight) < tol:
                break
        total = 0.0
        for k in range(k_topics):
            total += result[k]
        for k in range(k_topics):
            out[r, k] = result[k] / total
    return out
