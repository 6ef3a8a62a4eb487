"""Topic quality: coherence (NPMI of the top words) and diversity, measured as readers judge them.

Coherence is the mean normalized pointwise mutual information of every pair among a topic's
top ``n`` words, counted over documents: ``log(p(a, b) / (p(a) p(b))) / -log p(a, b)``, from
-1 (never together) through 0 (independent) to 1 (always together). It is the automatic score
that agrees best with people's judgements of topics (Röder et al., 2015; Lau et al., 2014).
A pair never seen together counts -1. Scored on articles the model did not train on, it
cannot be raised by memorising them, which is how ``choose`` compares K.

Diversity is the share of distinct words among all topics' top 25 (Dieng et al., 2020): 1.0
means no topic repeats another's words; a model whose topics all say "said, government, year"
scores low whatever its coherence.

Both read token lists in the topic model's own token space (the analyzer's stems), so they
need no second tokenizer; ``experiments/topics.md`` also scores with gensim's ``c_npmi``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp

TOP_COHERENCE = 10
TOP_DIVERSITY = 25


def presence(token_lists: Sequence[Sequence[str]], vocabulary: Sequence[str]) -> sp.csr_matrix:
    """(n_docs, V) 0/1 matrix: which vocabulary words each document holds."""
    index = {w: j for j, w in enumerate(vocabulary)}
    indptr, cols = [0], []
    for tokens in token_lists:
        ids = {index[t] for t in tokens if t in index}
        cols.extend(sorted(ids))
        indptr.append(len(cols))
    data = np.ones(len(cols), dtype=np.float64)
    return sp.csr_matrix((data, np.asarray(cols, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
                         shape=(len(indptr) - 1, len(vocabulary)))


def npmi(top_ids: Sequence[Sequence[int]], docs: sp.csr_matrix) -> np.ndarray:
    """Mean NPMI over the pairs of each topic's word ids (rows of *top_ids*), counted in *docs*
    (from :func:`presence`). A word no document holds makes its pairs count -1."""
    n_docs = max(docs.shape[0], 1)
    scores = []
    columns = docs.tocsc()
    for ids in top_ids:
        ids = list(ids)
        sub = columns[:, ids]
        together = (sub.T @ sub).toarray() / n_docs  # co-document probabilities; diagonal: p(w)
        p = np.diag(together).copy()
        values = []
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                joint = together[a, b]
                if joint <= 0.0 or p[a] <= 0.0 or p[b] <= 0.0:
                    values.append(-1.0)
                elif joint >= 1.0:
                    values.append(1.0)
                else:
                    values.append(float(np.log(joint / (p[a] * p[b])) / -np.log(joint)))
        scores.append(float(np.mean(values)) if values else 0.0)
    return np.asarray(scores)


def diversity(top_ids: Sequence[Sequence[int]]) -> float:
    """Share of distinct ids among all topics' top words (pass each topic's top 25)."""
    flat = [i for ids in top_ids for i in ids]
    return len(set(flat)) / len(flat) if flat else 0.0


def top_ids(topic_word: np.ndarray, n: int) -> np.ndarray:
    """(K, n) ids of each topic's most probable words, best first."""
    return np.argsort(-np.asarray(topic_word), axis=1, kind="stable")[:, :n]


def score_topics(topic_word: np.ndarray, vocabulary: Sequence[str],
                 token_lists: Sequence[Sequence[str]]) -> dict:
    """The quality block the model folder, ``akhbar topics`` and the report carry, with NPMI
    over the top 10 words counted in *token_lists* (held-out articles where there are any)."""
    return score_presence(topic_word, presence(token_lists, vocabulary))


def score_presence(topic_word: np.ndarray, docs: sp.csr_matrix) -> dict:
    """``{"coherence": mean NPMI, "per_topic": [...], "diversity": ..., "documents": n}`` with
    the documents given as a :func:`presence` matrix (or any count matrix: only non-zero counts)."""
    docs = sp.csr_matrix(docs, copy=True)
    docs.data[:] = 1.0
    per_topic = npmi(top_ids(topic_word, TOP_COHERENCE), docs)
    return {"measure": f"NPMI of the top {TOP_COHERENCE} words over documents",
            "coherence": round(float(per_topic.mean()), 4) if len(per_topic) else None,
            "per_topic": [round(float(x), 4) for x in per_topic],
            "diversity": round(diversity(top_ids(topic_word, TOP_DIVERSITY).tolist()), 4),
            "documents": int(docs.shape[0])}
