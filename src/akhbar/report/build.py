"""The report's data: one payload from a loaded model (and, optionally, a corpus seen through it).

Every output of ``akhbar report`` (``report.html``, ``topics.json``, ``topics.md``) is drawn
from the one dictionary :func:`build_payload` returns, so the page, the file for programs and
the terminal table never disagree. Without a corpus it reads what the model folder keeps of its
training articles (``topics.summary.json``); with one, it infers each article's topics with the
model's own analyzer and inference, and the corpus's labels (or, where it has none, the labels
the model predicts) and dates give the categories and the timeline. Problems that leave part of
the report empty (no topic model, no dates, no labels, unknown topic names) become warnings on
the page, and the rest is still written.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from akhbar.text import normalize
from akhbar.topics.labels import relevance
from akhbar.topics.summary import summarize, word_frequencies

WORDS = 15        # top words with weights per topic
CANDIDATES = 40   # words the λ slider re-ranks
BATCH = 1000


def _kl(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * np.log(a / b), axis=-1)


def topic_map(topic_word: np.ndarray) -> list[list[float]]:
    """2-D positions of the topics: classical multidimensional scaling of their Jensen–Shannon
    distances, as LDAvis draws its map (nearer = more words in common)."""
    p = np.maximum(np.asarray(topic_word, dtype=np.float64), 1e-300)
    k = p.shape[0]
    if k < 2:
        return [[0.0, 0.0] for _ in range(k)]
    dist = np.zeros((k, k))
    for i in range(k):
        m = 0.5 * (p[i] + p)
        dist[i] = np.sqrt(np.maximum(0.5 * _kl(p[i][None, :], m) + 0.5 * _kl(p, m), 0.0))
    j = np.eye(k) - 1.0 / k
    b = -0.5 * j @ (dist ** 2) @ j
    values, vectors = np.linalg.eigh(b)
    order = np.argsort(values)[::-1][:2]
    coords = vectors[:, order] * np.sqrt(np.maximum(values[order], 0.0))
    return np.round(coords, 4).tolist()


def _candidates(topic_word: np.ndarray, p_word: np.ndarray, k: int) -> np.ndarray:
    """Word ids the slider needs: the best by relevance at λ = 0, 0.6 and 1."""
    ids: list[int] = []
    for lam in (1.0, 0.6, 0.0):
        ids.extend(np.argsort(-relevance(topic_word[k:k + 1], p_word, lam)[0], kind="stable")[:CANDIDATES // 2].tolist())
    return np.asarray(list(dict.fromkeys(ids)))


def infer_corpus(predictor, docs: Sequence, progress: Callable | None = None) -> tuple:
    """Topic shares, word counts and the kept documents of *docs* under the model; documents
    the model cannot read (no text, no known word) are left out and counted in the warnings."""
    topics, analyzer = predictor.model.topics, predictor.model.analyzer
    keep, rows, counts, warnings = [], [], [], []
    empty = 0
    batches = range(0, len(docs), BATCH)
    for start in (progress(batches) if progress else batches):
        part = docs[start:start + BATCH]
        tokens = [analyzer.tokens_from_normalized(normalize(d.full_text)) for d in part]
        matrix = topics.bow_matrix(tokens)
        known = np.flatnonzero(matrix.getnnz(axis=1) > 0)
        empty += len(part) - len(known)
        keep.extend(part[i] for i in known)
        rows.append(topics.infer(matrix[known]))
        counts.append(matrix[known])
    if empty:
        warnings.append(f"{empty} article(s) of the corpus have no word the topic model knows; left out")
    theta = np.vstack(rows) if rows else np.zeros((0, topics.topic_word_.shape[0]))
    matrix = sp.vstack(counts).tocsr() if counts else sp.csr_matrix((0, len(topics.vocabulary_)))
    return theta, matrix, keep, warnings


def corpus_summary(predictor, docs: Sequence, progress: Callable | None = None) -> tuple[dict, list[str]]:
    """The summary of *docs* seen through the model (see the module docstring)."""
    topics = predictor.model.topics
    theta, counts, kept, warnings = infer_corpus(predictor, list(docs), progress)
    if kept and not any(d.label for d in kept):
        labels = [p.label for p in predictor.predict([d.full_text for d in kept], top_topics=0, top_terms=0)]
        kept = [_relabelled(d, lab) for d, lab in zip(kept, labels)]
        warnings.append("the corpus has no labels: categories are the labels the model predicts")
    summary = summarize(theta, kept, topics.topic_word_, topics.display_ or topics.vocabulary_, counts)
    if summary.get("quality"):
        summary["quality"]["counted_over"] = "the articles of this corpus"
    return summary, warnings


def _relabelled(doc, label):
    from dataclasses import replace

    return replace(doc, label=label)


def build_payload(predictor, name: str, summary: dict | None = None, *, source: str = "training",
                  path: str | None = None, names: dict[int, str] | None = None,
                  warnings: Sequence[str] = ()) -> dict:
    """The report of the loaded model *predictor*: over *summary* (default: the training
    summary its folder keeps), with the user's topic *names* where given."""
    model, manifest = predictor.model, predictor.manifest
    warnings = list(warnings)
    payload = {"model": name, "created": manifest.get("created"), "akhbar": manifest.get("versions", {}).get("akhbar"),
               "corpus": {"source": source, "path": path}, "topics": [], "warnings": warnings,
               "categories": [], "periods": [], "period_unit": None, "map": None, "choose_k": None}
    topics = model.topics
    if topics is None:
        warnings.append("this model has no topic model (trained with --topics 0): nothing to report")
        return payload
    summary = summary if summary is not None else model.topic_summary
    if summary is None:
        warnings.append("the model folder keeps no summary of its training articles (saved by an older "
                        "akhbar): shares, articles and coherence need --corpus")
    training = manifest.get("training", {})
    k = topics.topic_word_.shape[0]
    display = topics.display_ or topics.vocabulary_
    share = np.asarray(summary["share"]) if summary else np.full(k, 1.0 / k)
    p_word = share @ topics.topic_word_ if summary else word_frequencies(topics.topic_word_, np.zeros((0, k)))
    quality = (summary or {}).get("quality") or {}
    categories = (summary or {}).get("categories") or {"names": [], "matrix": []}
    time = (summary or {}).get("timeline") or {"periods": [], "prevalence": [], "unit": None, "undated": 0}
    seeds = {i: s for i, s in enumerate(training.get("seed_topics") or [])}
    labels = predictor.topic_labels or (summary or {}).get("labels") or [f"topic {i}" for i in range(k)]
    for t in range(k):
        order = np.argsort(-topics.topic_word_[t], kind="stable")[:WORDS]
        cand = _candidates(topics.topic_word_, p_word, t)
        auto = ((model.topic_summary or summary or {}).get("labels") or labels)[t]
        entry = {"id": t, "label": (names or {}).get(t, labels[t]), "auto_label": auto,
                 "words": [[display[j], round(float(topics.topic_word_[t, j]), 5)] for j in order],
                 "relevance": {"words": [display[j] for j in cand],
                               "p_topic": [float(topics.topic_word_[t, j]) for j in cand],
                               "p_corpus": [float(p_word[j]) for j in cand]},
                 "coherence": (quality.get("per_topic") or [None] * k)[t],
                 "share": float(share[t]) if summary else None,
                 "categories": dict(zip(categories["names"], categories["matrix"][t])) if categories["names"] else {},
                 "timeline": dict(zip(time["periods"], time["prevalence"][t])) if time["periods"] else {},
                 "articles": (summary or {}).get("articles", [[]] * k)[t]}
        if t in seeds:
            entry["name"] = seeds[t]["name"]
            entry["seed"] = {"words": seeds[t]["words"], "found": seeds[t].get("in_top_10", 0),
                             "unknown": seeds[t].get("unknown", [])}
        payload["topics"].append(entry)
    payload.update(categories=categories["names"], periods=time["periods"], period_unit=time.get("unit"),
                   map=topic_map(topics.topic_word_), choose_k=training.get("choose_k"),
                   coherence=quality.get("coherence"), diversity=quality.get("diversity"),
                   quality=quality or None)
    payload["corpus"]["documents"] = (summary or {}).get("documents")
    if summary and not time["periods"]:
        warnings.append("no article has a readable date: no timeline")
    elif time.get("undated"):
        warnings.append(f"{time['undated']} article(s) have no readable date and are left out of the timeline")
    if summary and not categories["names"]:
        warnings.append("no article has a label: no categories")
    return payload
