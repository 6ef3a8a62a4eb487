"""What a corpus looks like through a topic model: the facts every report shows, in one pass.

Given documents' topic shares (``theta``, one row per article), :func:`summarize` gives each
topic's share of the corpus, its spread over the corpus's categories and over time, its most
representative articles, a readable label and its coherence. Training calls it on the training
articles and keeps the result in the model folder (``topics.summary.json``), so ``akhbar report``
can draw a model without its corpus; the report calls it again on any corpus it is given.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from akhbar.topics.labels import topic_labels
from akhbar.topics.quality import score_presence
from akhbar.topics.timeline import timeline

ARTICLES = 5
TITLE_CHARS = 120


def _title(doc) -> str:
    """The title, or the opening of the text for an article without one."""
    text = (doc.title or "").strip() or " ".join(doc.text.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"


def _categories(theta: np.ndarray, labels: Sequence[str | None]) -> dict:
    """For each topic, the share of its weight that falls on each category's articles."""
    names = sorted({lab for lab in labels if lab})
    if not names:
        return {"names": [], "matrix": []}
    column = {n: j for j, n in enumerate(names)}
    rows = [i for i, lab in enumerate(labels) if lab]
    mass = np.zeros((theta.shape[1], len(names)))
    np.add.at(mass.T, [column[labels[i]] for i in rows], theta[rows])
    mass /= np.maximum(mass.sum(axis=1, keepdims=True), 1e-300)
    return {"names": names, "matrix": np.round(mass, 4).tolist()}


def _articles(theta: np.ndarray, docs: Sequence, n: int) -> list[list[dict]]:
    order = np.argsort(-theta, axis=0, kind="stable")[:n].T  # (K, n) best first
    return [[{"id": docs[i].id, "title": _title(docs[i]), "weight": round(float(theta[i, k]), 4)}
             for i in row] for k, row in enumerate(order.tolist())]


def word_frequencies(topic_word: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """p(w) of the corpus as the model sees it, ``sum_k share_k p(w|k)``: what the relevance of
    labels and the report's λ slider divide by."""
    share = theta.mean(axis=0) if len(theta) else np.full(topic_word.shape[0], 1.0 / topic_word.shape[0])
    return share @ topic_word


def summarize(theta: np.ndarray, docs: Sequence, topic_word: np.ndarray,
              display: Sequence[str], counts=None, unit: str | None = None,
              articles: int = ARTICLES) -> dict:
    """The summary of *docs* (``akhbar.corpus.Document``) whose topic shares are *theta*.

    *counts* (the documents' (n, V) word counts over the topic vocabulary) score coherence;
    without them the summary has no quality block. Categories come from the documents' labels, periods from their dates.
    """
    theta = np.asarray(theta, dtype=np.float64)
    k = topic_word.shape[0]
    share = theta.mean(axis=0) if len(theta) else np.zeros(k)
    p_word = word_frequencies(topic_word, theta)
    time = timeline(theta, [d.date for d in docs], unit)
    summary = {
        "documents": len(docs),
        "share": np.round(share, 5).tolist(),
        "labels": topic_labels(topic_word, p_word, list(display)),
        "categories": _categories(theta, [d.label for d in docs]),
        "timeline": {"unit": time["unit"], "periods": time["periods"],
                     "prevalence": np.round(time["prevalence"], 5).tolist(),
                     "documents": time["documents"], "undated": time["undated"]},
        "articles": _articles(theta, docs, articles) if len(docs) else [[] for _ in range(k)],
    }
    if counts is not None:
        summary["quality"] = score_presence(topic_word, counts)
    return summary
