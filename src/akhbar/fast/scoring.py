"""Scores of a linear classifier straight from an article's written words, compiled.

Why: under the ``"word"`` weighting (:data:`akhbar.fast.weighting.WEIGHTINGS`) an article's feature
row is ``sum_w t_w e_w / Z`` per block, so its score for label l is

    sum_w t_w (e_w . coef_l) / Z + intercept_l,   Z^2 = sum_w t_w^2 |e_w|^2.

Everything that depends on the word alone (``e_w . coef_l`` per block and label, ``|e_w|^2``
per block, its analyzer tokens) is one *record* per word of the table, computed once when the
word joins it (:func:`akhbar.fast.weighting.records`, kept there because training and loading build
them without numba). Scoring an article then reads one record per distinct word: no feature
row is built, no column is touched, no sparse product is made. Against summing the
column rows and multiplying (:func:`akhbar.fast.sums.sum_rows`, then ``X @ coef``), that is one
memory read per word instead of about five.

The same pass gives what ``predict()`` returns beside the label: each word's share of the
winning label's score (``t_w (e_w . coef_l) / Z``, which add up to the score less the
intercept), the largest of them as the explaining terms, the article's counts over the topic
model's vocabulary, and its token count. Sums run in the order of the words' first occurrence
in the article, which depends on the text alone, so an article scores the same alone or in any
batch. ``tests/fast/test_scoring.py`` checks all of it against the feature rows and ``X @ coef``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from akhbar.fast.jit import compiled
from akhbar.fast.sums import _LOGS


@dataclass
class Scores:
    """What :func:`score_rows` gives for a batch (one row per article)."""

    scores: np.ndarray       #: (articles, K) decision values, float64 (K = 1 for two labels)
    best: np.ndarray         #: the winning label's index per article
    term_rows: np.ndarray    #: (articles, n) rows standing for the shown forms that pushed hardest, -1 past the last
    term_values: np.ndarray  #: (articles, n) their shares of the winning score
    topic_counts: sp.csr_matrix | None  #: counts over the topic vocabulary (None if not asked)
    n_tokens: np.ndarray     #: analyzer tokens per article
    words: list[str] | None = None  #: the table's words by row: ``text.shown_forms`` of them names ``term_rows``


@compiled(nogil=True)
def _score(ids, doc_indptr, recs, k, intercept, counts, touched, logs, n_terms, shown, stamp, shown_share,
           t_indptr, t_indices, t_data, t_width, t_area, want_topics):
    n_docs = doc_indptr.size - 1
    scores = np.empty((n_docs, k))
    best = np.zeros(n_docs, dtype=np.int64)
    term_rows = np.full((n_docs, max(n_terms, 1)), -1, dtype=np.int64)
    term_values = np.zeros((n_docs, max(n_terms, 1)))
    n_tokens = np.zeros(n_docs, dtype=np.int64)
    topic_indptr = np.zeros(n_docs + 1, dtype=np.int64)
    topic_cols = np.empty(1024 if want_topics else 0, dtype=np.int32)
    topic_vals = np.empty(1024 if want_topics else 0, dtype=np.float64)
    weight = np.empty(touched.size)
    touched_forms = np.empty(touched.size if n_terms > 0 else 0, dtype=np.int64)
    word_sum, char_sum = np.empty(k), np.empty(k)
    nnz = 0
    for d in range(n_docs):
        distinct = 0
        for j in range(doc_indptr[d], doc_indptr[d + 1]):
            r = ids[j]
            if counts[r] == 0:
                touched[distinct] = r
                distinct += 1
            counts[r] += 1
        for label in range(k):
            word_sum[label], char_sum[label] = 0.0, 0.0
        word_z, char_z, tokens = 0.0, 0.0, 0.0
        for q in range(distinct):
            r = touched[q]
            n = counts[r]
            t = logs[n] if n < logs.size else math.log(n) + 1.0
            weight[q] = t
            for label in range(k):
                word_sum[label] += t * recs[r, label]
                char_sum[label] += t * recs[r, k + label]
            word_z += t * t * recs[r, 2 * k]
            char_z += t * t * recs[r, 2 * k + 1]
            tokens += n * recs[r, 2 * k + 2]
        word_scale = 1.0 / math.sqrt(word_z) if word_z > 0.0 else 0.0
        char_scale = 1.0 / math.sqrt(char_z) if char_z > 0.0 else 0.0
        top = 0
        for label in range(k):
            scores[d, label] = word_sum[label] * word_scale + char_sum[label] * char_scale + intercept[label]
            if scores[d, label] > scores[d, top]:
                top = label
        # two labels: one margin, positive for the second; each word's share is signed to match
        sign = 1.0
        if k == 1:
            top = 1 if scores[d, 0] > 0.0 else 0
            sign = 1.0 if top == 1 else -1.0
        best[d] = top
        column = top if k > 1 else 0
        n_tokens[d] = np.int64(tokens + 0.5)
        if n_terms > 0:
            # each word's share, summed per shown form (سوريا, سوريا. and سوريا، are one term),
            # the forms in the order the text first has them
            forms = 0
            for q in range(distinct):
                r = touched[q]
                g = shown[r]
                if stamp[g] == 0:
                    stamp[g] = 1
                    shown_share[g] = 0.0
                    touched_forms[forms] = g
                    forms += 1
                shown_share[g] += sign * weight[q] * (recs[r, column] * word_scale + recs[r, k + column] * char_scale)
            filled = 0
            for q in range(forms):
                g = touched_forms[q]
                share = shown_share[g]
                if share <= 0.0 or (filled == n_terms and share <= term_values[d, n_terms - 1]):
                    continue
                p = filled if filled < n_terms else n_terms - 1  # insert, keeping the largest first
                while p > 0 and term_values[d, p - 1] < share:
                    term_values[d, p], term_rows[d, p] = term_values[d, p - 1], term_rows[d, p - 1]
                    p -= 1
                term_values[d, p], term_rows[d, p] = share, g
                if filled < n_terms:
                    filled += 1
            for q in range(forms):
                stamp[touched_forms[q]] = 0
        if want_topics:
            first = nnz
            for q in range(distinct):
                r = touched[q]
                for p in range(t_indptr[r], t_indptr[r + 1]):
                    col = t_indices[p]
                    if t_area[col] == 0.0:  # counts are positive, so zero means untouched
                        if nnz == topic_cols.size:
                            topic_cols = _doubled(topic_cols)
                            topic_vals = _doubled(topic_vals)
                        topic_cols[nnz] = col
                        nnz += 1
                    t_area[col] += t_data[p] * counts[r]
            for p in range(first, nnz):
                topic_vals[p] = t_area[topic_cols[p]]
                t_area[topic_cols[p]] = 0.0
            topic_indptr[d + 1] = nnz
        for q in range(distinct):
            counts[touched[q]] = 0
    return scores, best, term_rows[:, :n_terms], term_values[:, :n_terms], n_tokens, \
        topic_indptr, topic_cols[:nnz].copy(), topic_vals[:nnz].copy()


@compiled()
def _doubled(array):
    bigger = np.empty(2 * array.size, dtype=array.dtype)
    bigger[:array.size] = array
    return bigger


@dataclass
class Areas:
    """One thread's scratch for :func:`score_rows`: a count per table row, the topic sums, and
    per shown form its summed share and whether the article touched it (all zero between
    calls: the kernel leaves them as it found them)."""

    counts: np.ndarray
    touched: np.ndarray
    topics: np.ndarray
    stamp: np.ndarray
    shown_share: np.ndarray

    @classmethod
    def make(cls, rows: int, topic_width: int) -> "Areas":
        return cls(np.zeros(rows, dtype=np.int32), np.zeros(rows, dtype=np.int64),
                   np.zeros(topic_width, dtype=np.float64), np.zeros(rows, dtype=np.int64),
                   np.zeros(rows, dtype=np.float64))


def score_rows(ids: np.ndarray, doc_indptr: np.ndarray, recs: np.ndarray, intercept: np.ndarray,
               areas: Areas, n_terms: int = 0, shown: np.ndarray | None = None,
               topic_rows: tuple | None = None, topic_width: int = 0) -> Scores:
    """Score the articles whose words (table rows) are ``ids[doc_indptr[d]:doc_indptr[d+1]]``.

    *recs* holds a :func:`akhbar.fast.weighting.records` row for every table row the ids name; *areas* must be this
    thread's and cover them. With *n_terms*, *shown* gives each row's shown form (an id below
    the table's rows), and the terms are those forms. *topic_rows* (CSR indptr, indices, data
    of the table's topic block) asks for topic counts.
    """
    k = intercept.size
    if areas.counts.size < recs.shape[0] or areas.topics.size < topic_width:
        raise ValueError("the work areas are smaller than the table")
    # the kernel does not check its indices, so every one is checked here (a few ms a batch)
    if np.max(ids, initial=-1) >= min(recs.shape[0], areas.counts.size) or np.min(ids, initial=0) < 0:
        raise ValueError("a word's row is outside the records or the work areas")
    if n_terms > 0:
        if shown is None or shown.size <= np.max(ids, initial=-1):
            raise ValueError("terms need the shown form of every row")
        standing = shown[ids]
        if np.min(standing, initial=0) < 0 or np.max(standing, initial=-1) >= areas.stamp.size:
            raise ValueError("a shown form's row is outside the work areas")
    if shown is None or n_terms <= 0:
        shown = np.zeros(0, dtype=np.int64)
    want = topic_rows is not None
    t_indptr, t_indices, t_data = topic_rows if want else (np.zeros(1, np.int64), np.zeros(0, np.int32),
                                                           np.zeros(0, np.float32))
    (scores, best, term_rows, term_values, n_tokens, t_ptr, t_cols,
     t_vals) = _score(np.asarray(ids, dtype=np.int64), np.asarray(doc_indptr, dtype=np.int64), recs, k,
                      np.asarray(intercept, dtype=np.float64), areas.counts, areas.touched, _LOGS, int(n_terms),
                      np.asarray(shown, dtype=np.int64), areas.stamp, areas.shown_share,
                      np.asarray(t_indptr, dtype=np.int64), np.asarray(t_indices, dtype=np.int32),
                      np.asarray(t_data, dtype=np.float32), int(topic_width), areas.topics, want)
    topic_counts = None
    if want:
        topic_counts = sp.csr_matrix((t_vals, t_cols, t_ptr), shape=(doc_indptr.size - 1, topic_width))
    return Scores(scores, best, term_rows, term_values, topic_counts, n_tokens)
