"""Prediction: ``akhbar.load(path) -> Predictor`` and ``Predictor.predict(texts) -> [Prediction]``.

A list in, a list out, same order, one :class:`Prediction` per input. An input that cannot be
labelled (``None``, not text, empty, no Arabic, undecodable bytes) gets ``label=None`` and an
``error`` saying why; the rest of the batch is labelled as usual. Text that has Arabic in it but
also noise (HTML, control characters, broken characters) is cleaned, labelled, and carries a
warning.

Every step after loading works row by row (TF-IDF rows, the linear classifier, LDA inference
frozen per row at convergence), so a text gets the same result alone or in any batch, and one
loaded Predictor can serve many threads: it holds no state that prediction changes.
"""

from __future__ import annotations

import gc
import html
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from akhbar.bundle import load_model
from akhbar.text import CONTROL_RE, SURROGATE_RE, arabic_letters, arabic_share, strip_html

MAX_CHARS = 200_000
"""Articles longer than this are cut (with a warning): no news article is near it, and it bounds
the time and memory one pasted file can take."""

MIN_ARABIC_SHARE = 0.2


@dataclass
class Prediction:
    """The result for one input text."""

    label: str | None
    probabilities: dict[str, float] = field(default_factory=dict)
    topics: list[tuple[int, float]] = field(default_factory=list)
    terms: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    topic_labels: list[str] = field(default_factory=list)  #: the label of each of ``topics``, when the model has labels

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict:
        return {"label": self.label, "probabilities": self.probabilities,
                "topics": [[t, w] for t, w in self.topics], "terms": [[t, w] for t, w in self.terms],
                "error": self.error, "warnings": self.warnings, "topic_labels": self.topic_labels}


class InputError(ValueError):
    """One input that cannot be labelled; its message becomes ``Prediction.error``."""


def clean_input(item) -> tuple[str, list[str]]:
    """Check and clean one input; return (text, warnings) or raise :class:`InputError`."""
    warnings: list[str] = []
    if item is None:
        raise InputError("input is None, not text")
    if isinstance(item, (bytes, bytearray)):
        try:
            item = bytes(item).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"bytes are not valid UTF-8 (undecodable byte at offset {exc.start}); "
                             "decode them to str first") from None
    if not isinstance(item, str):
        raise InputError(f"input is {type(item).__name__}, not text")
    text = item
    if len(text) > MAX_CHARS:
        warnings.append(f"text cut from {len(text)} to {MAX_CHARS} characters")
        text = text[:MAX_CHARS]
    if SURROGATE_RE.search(text):
        text = SURROGATE_RE.sub(" ", text)
        warnings.append("broken characters (lone surrogates) removed")
    if "\ufffd" in text:
        warnings.append(f"{text.count(chr(0xFFFD))} broken character(s) (U+FFFD) in the text")
    if "<" in text:
        text, found = strip_html(text)
        if found:
            warnings.append("HTML markup removed")
    if "&" in text:
        unescaped = html.unescape(text)
        if unescaped != text:
            text = unescaped
            warnings.append("HTML entities decoded")
    if CONTROL_RE.search(text):
        text = CONTROL_RE.sub(" ", text)
        warnings.append("control characters removed")
    if not text.strip():
        raise InputError("text is empty" if not item.strip() else "text is empty after cleaning")
    arabic = arabic_letters(text)
    if arabic == 0:
        raise InputError("text has no Arabic letters; akhbar labels Arabic news")
    # the other letters are at most the other characters, so when Arabic letters are a fifth of
    # the text their share is at least a fifth and counting the rest (the slow part) is skipped
    if arabic < MIN_ARABIC_SHARE * len(text) and (share := arabic_share(text)) < MIN_ARABIC_SHARE:
        warnings.append(f"only {share:.0%} of the letters are Arabic; the label may be unreliable")
    return text, warnings


def clean_inputs(items: Sequence) -> list[tuple[str, list[str]] | InputError]:
    """:func:`clean_input` of every item, with the :class:`InputError` in place of a refused one.

    Most inputs are plain Arabic text that cleaning leaves alone. Those are recognised in one
    compiled pass over the batch (:func:`akhbar.fast.codes.text_checks`), which tells whether a
    text holds control characters or lone surrogates, how many Arabic letters it has and whether
    it is all white space; the C-level ``in`` tests rule out HTML, entities and U+FFFD. Anything
    else takes :func:`clean_input` itself, so the result is the same item for item (tested).
    """
    return clean_batch(items)[0]


def clean_batch(items: Sequence):
    """:func:`clean_inputs`, and the batch as :func:`akhbar.fast.codes.join` made it for the checks
    when every item passed them as it is (else None): the scan of the cleaned texts then reads
    that instead of joining and encoding the batch again."""
    from akhbar.fast.codes import join, text_checks

    out: list = [None] * len(items)
    plain = [i for i, item in enumerate(items) if type(item) is str and len(item) <= MAX_CHARS
             and "<" not in item and "&" not in item and "\ufffd" not in item]
    joined = join([items[i] for i in plain])
    unclean, arabic, visible = text_checks(joined)
    for i, bad, letters, shown in zip(plain, unclean.tolist(), arabic.tolist(), visible.tolist()):
        # clean_input returns a plain text unchanged and without warnings when it has nothing
        # to remove, is not all white space and a fifth of it is Arabic letters
        if not bad and shown and letters >= MIN_ARABIC_SHARE * len(items[i]):
            out[i] = (items[i], [])
    as_is = len(plain) == len(items) and all(done is not None for done in out)
    for i, done in enumerate(out):
        if done is None:
            try:
                out[i] = clean_input(items[i])
            except InputError as exc:
                out[i] = exc
    return out, joined if as_is else None


class Predictor:
    """A loaded model. Build it with :func:`load`."""

    def __init__(self, model, manifest: dict, path: Path | None = None):
        self.model = model
        self.manifest = manifest
        self.path = path
        self._featurizer = model.featurizer()
        self._labels = np.asarray(model.labels, dtype=object)
        self._word_terms = None
        self._topic_labels = list((model.topic_summary or {}).get("labels") or []) or None

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    @property
    def topic_labels(self) -> list[str] | None:
        """A short label per topic (its most distinctive words, or the user's names), or None
        for a model without a topic model or saved before topics had labels."""
        return list(self._topic_labels) if self._topic_labels else None

    def rename_topics(self, names: "dict[int, str] | str | Path") -> "Predictor":
        """Use the user's topic names (``{id: name}`` or a file of ``ID NAME`` lines, see
        :func:`akhbar.topics.labels.read_names`) for the topics they name; returns self."""
        from akhbar.topics.labels import read_names

        if self.model.topics is None:
            raise ValueError("this model has no topic model to rename")
        k = self.model.topics.topic_word_.shape[0]
        if not isinstance(names, dict):
            names = read_names(names, k)
        bad = [t for t in names if not (isinstance(t, int) and 0 <= t < k)]
        if bad:
            raise ValueError(f"topic id(s) {bad} do not exist (the model has {k}: 0-{k - 1})")
        labels = self._topic_labels or [f"topic {t}" for t in range(k)]
        self._topic_labels = [str(names.get(t, label)) for t, label in enumerate(labels)]
        return self

    def _terms(self) -> np.ndarray:
        if self._word_terms is None:
            shown = self.model.word_display or self.model.words.vocabulary_  # written forms when known
            self._word_terms = np.asarray(shown, dtype=object)
        return self._word_terms

    def predict(self, texts: Sequence, *, top_topics: int = 3, top_terms: int = 5,
                batch_size: int = 512, n_jobs: int = 1, label_map=None, labels=None) -> list[Prediction]:
        """Label every text in *texts*; see the module docstring for what bad inputs get.

        For a corpus whose labels differ from the model's (:mod:`akhbar.classify.labelmap`):
        *label_map* (``{"middleEast": "internationalNews"}``, the text ``"a=b,c=d"``, a list of
        such texts, or a :class:`~akhbar.classify.labelmap.LabelMap` built for this model) answers
        each FROM label as TO, its probability summed into TO's; *labels* (``["sport", ...]`` or
        ``"sport,economy"``) answers only those labels, their probabilities renormalised to sum
        to 1. Both combine (the map first, then the subset). ``label`` is the winner of the new
        probabilities, ``probabilities`` holds only the answered labels, and ``terms`` are the
        words behind the model label that leads the winning group (for ``middleEast`` answered
        as ``internationalNews``, middleEast's words): when the map or subset moves the answer
        to a group that does not hold the model's own winner, they are recomputed for the new
        group's leading label under the column weighting and left empty under the word
        weighting (the default; its compiled scoring explains the model's winner only). A map
        naming a label the model lacks, a malformed entry, an empty subset or a subset label
        unknown after the map raise ``ValueError`` naming it. The model is not changed;
        without either option nothing extra is done.

        A bare ``str`` is refused with ``TypeError`` (iterating it would label each character):
        wrap it in a list, or call :meth:`predict_one`.

        ``n_jobs > 1`` (or ``-1`` for every core) labels batches in that many threads of this
        process. They share the loaded model and its table of analysed words, and the heavy steps
        (the word scan, the row sums, LDA inference, the sparse products) run compiled code that
        releases the GIL, so the threads do use the cores. Results are the same, in the same
        order. It pays off from two batches up; below that it runs in the calling thread.
        """
        if isinstance(texts, (str, bytes, bytearray)):
            raise TypeError("predict() takes a list of texts, not a single string; "
                            "use [text] or predict_one(text)")
        if not isinstance(texts, Iterable):
            raise TypeError(f"predict() takes a list of texts, not {type(texts).__name__}")
        mapping = self._mapping(label_map, labels) if label_map is not None or labels is not None else None
        texts = list(texts)
        results: list[Prediction | None] = [None] * len(texts)
        starts = range(0, len(texts), batch_size)

        def label(start: int) -> None:  # each batch writes its own slots of results
            self._predict_batch(texts, start, min(start + batch_size, len(texts)), results,
                                top_topics, top_terms, mapping)

        jobs = min(_jobs(n_jobs), len(starts))
        if jobs > 1:
            with ThreadPoolExecutor(jobs) as pool:
                for _ in pool.map(label, starts):  # re-raises a batch's exception here
                    pass
        else:
            for start in starts:
                label(start)
        return results  # type: ignore[return-value]

    def predict_batches(self, batches: Iterable[list], *, n_jobs: int = 1, top_topics: int = 3,
                        top_terms: int = 5, label_map=None, labels=None) -> Iterator[list[Prediction]]:
        """Label a stream of batches, yielding each batch's results in input order.

        The batches are pulled lazily, so a corpus larger than memory streams through. With
        ``n_jobs > 1`` up to that many batches are labelled at once in threads (see
        :meth:`predict`), with at most two per thread read ahead. *label_map* and *labels* are
        :meth:`predict`'s, checked once when the first batch is asked for.
        """
        if label_map is not None or labels is not None:
            label_map, labels = self._mapping(label_map, labels), None  # checked and built once
        jobs = _jobs(n_jobs)
        if jobs == 1:
            for texts in batches:
                yield self.predict(texts, top_topics=top_topics, top_terms=top_terms,
                                   batch_size=max(1, len(texts)), label_map=label_map)
            return
        with ThreadPoolExecutor(jobs) as pool:
            pending: deque = deque()
            for texts in batches:
                pending.append(pool.submit(self.predict, texts, top_topics=top_topics,
                                           top_terms=top_terms, batch_size=max(1, len(texts)),
                                           label_map=label_map))
                if len(pending) >= 2 * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    def predict_one(self, text, **kwargs) -> Prediction:
        """:meth:`predict` of one text (the same keywords, *label_map* and *labels* too)."""
        return self.predict([text], **kwargs)[0]

    def _mapping(self, label_map, labels):
        """The checked :class:`~akhbar.classify.labelmap.LabelMap` of :meth:`predict`'s options."""
        from akhbar.classify.labelmap import LabelMap

        if not isinstance(label_map, LabelMap):
            return LabelMap.build(self._labels, label_map, labels)
        if labels is not None:
            raise ValueError("give the subset of labels to LabelMap.build, not beside a built LabelMap")
        if label_map.source != tuple(str(s) for s in self._labels):
            raise ValueError(f"this LabelMap was built for the labels {', '.join(label_map.source)}, "
                             f"not this model's ({', '.join(map(str, self._labels))})")
        return label_map

    def _predict_batch(self, texts, start, stop, results, top_topics, top_terms, mapping=None):
        good, cleaned, warnings = [], [], []
        outcomes, joined = clean_batch(texts[start:stop])  # joined: None unless all kept as they are
        for i, outcome in enumerate(outcomes, start):
            if isinstance(outcome, InputError):
                results[i] = Prediction(label=None, error=str(outcome))
                continue
            good.append(i)
            cleaned.append(outcome[0])
            warnings.append(outcome[1])
        if not good:
            return
        model = self.model
        if self._featurizer.scores_words:
            scored = self._featurizer.score(cleaned, terms=top_terms, topics=top_topics > 0, joined=joined)
            scores, X = scored.scores, None
            proba = model.classifier.proba_from_scores(scores) if mapping is None else None  # else: _mapped's
            topic_counts, n_tokens = scored.topic_counts, scored.n_tokens
            terms = self._scored_terms(scored, top_terms)
        else:
            features = self._featurizer.transform(cleaned, topics=top_topics > 0, joined=joined)
            if mapping is None:
                proba = model.classifier.predict_proba(features.X)
                terms = self._driving_terms(features.X, np.argmax(proba, axis=1), top_terms)
            else:  # the terms wait for the mapped winner
                scores, X, terms = model.classifier.decision_function(features.X), features.X, None
            topic_counts, n_tokens = features.topic_counts, features.n_tokens
        if mapping is None:
            labels = [str(lab) for lab in self._labels]
        else:
            labels, proba, terms = self._mapped(mapping, scores, terms, X, top_terms)
        best = np.argmax(proba, axis=1)
        theta = None
        if topic_counts is not None and top_topics > 0:
            theta = model.topics.infer(topic_counts)
        topics = self._top_topics(theta, top_topics, len(good))
        names = self._topic_labels
        for row, (i, p) in enumerate(zip(good, proba.tolist())):
            warns = warnings[row]
            if not n_tokens[row]:
                warns = warns + ["no known words after normalization; the label rests on character n-grams"]
            results[i] = Prediction(label=labels[best[row]], probabilities=dict(zip(labels, p)),
                                    topics=topics[row], terms=terms[row], warnings=warns,
                                    topic_labels=[names[t] for t, _ in topics[row]] if names else [])

    def _mapped(self, mapping, scores, terms, X, top_terms):
        """(answered labels, their probabilities, terms) of a batch under *mapping*: the
        probabilities from the log-probabilities (exact where some underflowed to 0), and the
        terms of the model label leading the winning group (see :meth:`predict`): *terms*, the
        compiled scoring's for the model's winner, are kept where that label leads and emptied
        elsewhere; with *X* instead they are computed for the leading label."""
        from akhbar.classify.calibrated import _as_matrix, log_softmax

        log_proba = log_softmax(_as_matrix(scores) / self.model.classifier.temperature_)
        mapped = mapping.apply_log(log_proba)
        leading = mapping.leading_source(log_proba, np.argmax(mapped, axis=1))
        if X is not None:
            terms = self._driving_terms(X, leading, top_terms)
        else:
            for row in np.flatnonzero(leading != np.argmax(log_proba, axis=1)).tolist():
                terms[row] = []
        return list(mapping.labels), mapped, terms

    @staticmethod
    def _top_topics(theta, n: int, rows: int) -> list[list[tuple[int, float]]]:
        """The *n* largest topic shares of each row, for the whole batch at once."""
        if theta is None or n <= 0:
            return [[] for _ in range(rows)]
        order = np.argsort(-theta, axis=1, kind="stable")[:, :n]
        shares = np.round(np.take_along_axis(theta, order, axis=1), 4)
        return [list(zip(o, s)) for o, s in zip(order.tolist(), shares.tolist())]

    @staticmethod
    def _scored_terms(scored, n: int) -> list[list[tuple[str, float]]]:
        """Per row, the written words with the largest positive share of the label's score,
        as the scoring pass found them (:mod:`akhbar.fast.scoring`)."""
        if n <= 0:
            return [[] for _ in range(scored.term_rows.shape[0])]
        from akhbar.fast.codes import shown_forms as compiled_shown_forms  # scoring has loaded numba

        words = scored.words
        rows = scored.term_rows.tolist()
        values = np.round(scored.term_values, 4).tolist()
        names = iter(compiled_shown_forms([words[r] for row in rows for r in row if r >= 0]))
        return [[(next(names), v) for r, v in zip(row, vals) if r >= 0] for row, vals in zip(rows, values)]

    def _driving_terms(self, X, best, n: int) -> list[list[tuple[str, float]]]:
        """Per row, the word features with the largest positive contribution (weight × tf-idf) to
        its label, computed for the whole batch with one gather and one sort."""
        rows = X.shape[0]
        if n <= 0:
            return [[] for _ in range(rows)]
        coef, n_words = self.model.classifier.coef_, len(self.model.words.vocabulary_)
        row_of = np.repeat(np.arange(rows), np.diff(X.indptr))
        words = X.indices < n_words
        row_of, cols, vals = row_of[words], X.indices[words], X.data[words]
        if coef.shape[0] > 1:
            weight = coef[best[row_of], cols]
        else:  # binary: one weight row, positive for the second label
            weight = coef[0, cols] * np.where(best[row_of] == 1, 1.0, -1.0)
        contrib = vals * weight
        positive = contrib > 0
        row_of, cols, contrib = row_of[positive], cols[positive], contrib[positive]
        order = np.lexsort((-contrib, row_of))  # by row, then largest contribution first
        first = np.searchsorted(row_of[order], np.arange(rows))
        top = order[np.arange(order.size) - np.repeat(first, np.diff(np.append(first, order.size))) < n]
        out: list[list[tuple[str, float]]] = [[] for _ in range(rows)]
        names = self._terms()[cols[top]].tolist()
        values = np.round(contrib[top].astype(np.float64), 4).tolist()
        for r, name, value in zip(row_of[top].tolist(), names, values):
            out[r].append((str(name), value))
        return out

    def topic_words(self, n: int = 10) -> list[list[tuple[str, float]]]:
        if self.model.topics is None:
            return []
        return self.model.topics.top_words(n)


def _jobs(n_jobs: int) -> int:
    return (os.cpu_count() or 1) if n_jobs == -1 else max(1, int(n_jobs))


def load(path: str | Path, topic_names: "dict[int, str] | str | Path | None" = None) -> Predictor:
    """Load the model folder at *path* (manifest and checksums checked first).

    Ends with a collection of the young generations (``gc.collect(1)``, 0.05 s): a loaded
    model is a few large lists (vocabularies, the table's 150,000 words), all still young when
    loading returns, and every young collection walks each of their entries until they are
    promoted. Left to happen during the first ``predict()``, that was a fifth of a first pass
    over the ant1 articles (0.09 s of 0.5 s). Promoted here, they are walked once and then only
    by the rare full collections.
    """
    model, manifest = load_model(path)
    predictor = Predictor(model, manifest, Path(path))
    if topic_names is not None:
        predictor.rename_topics(topic_names)
    gc.collect(1)
    return predictor


def predict(texts, model: str | Path = "models/default", **kwargs) -> list[Prediction]:
    """One-line convenience: ``akhbar.predict(["..."], model="models/NAME")``; the keywords are
    :meth:`Predictor.predict`'s, e.g. ``label_map={"middleEast": "internationalNews"}`` or
    ``labels=["sport", "economy"]``."""
    return load(model).predict(texts, **kwargs)
