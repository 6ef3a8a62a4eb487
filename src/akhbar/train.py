"""Training: one config, one corpus in, a fitted :class:`Model` out (classifier + topic model).

The :class:`TrainConfig` is a flat dataclass of plain values: it is written whole into every
model's manifest, and a model can be retrained from that record alone. Randomness (the
validation split, the SVM's dual coordinate descent, LDA's initialisation) all comes from
``seed``.

The validation part is held out *before* any feature is fitted: features, SVM and the probability
temperature are fitted without it, and the metrics in the manifest are that model's scores on it.
Then (``refit=True``, the default) features and SVM are refit on every labelled document with the
same settings and temperature, as scikit-learn's ``GridSearchCV(refit=True)`` does, so no labelled
article is wasted; the manifest says which model the metrics describe. ``refit=False`` saves the
validated model itself.

The topic model needs nothing from the classifier, so it trains in a forked process beside it.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from typing import Callable, Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import train_test_split

from akhbar.classify import LinearCalibrated
from akhbar.corpus import Document
from akhbar.features import CharNgrams, LdaTopics, WordTfidf
from akhbar.featurize import Featurizer
from akhbar.text import Analyzer, AnalyzerConfig, char_view, normalize, remove_diacritics, remove_tatweel, stopwords


@dataclass
class TrainConfig:
    """Every knob of training. Defaults are the measured defaults (see ``experiments/``)."""

    seed: int = 0
    validation_fraction: float = 0.1
    refit: bool = True  # after validating, refit on every labelled document (metrics stay those of the held-out run)
    # analyzer
    stemmer: str = "light"
    keep_latin: bool = True
    keep_numbers: bool = False
    remove_stopwords: bool = True
    # features
    word_ngrams: tuple[int, int] = (1, 1)
    char_ngrams: tuple[int, int] | None = (2, 5)  # over char_view(text); None turns the block off
    min_df: int = 2
    max_df: float = 0.9
    max_word_features: int = 300_000
    max_char_features: int = 300_000
    # classifier
    C: float = 0.2
    class_weight: str | None = "balanced"
    calibration_folds: int = 3
    # topic model; topics=None picks min(30, max(5, n_docs // 20)), 0 turns it off
    topics: int | None = None
    lda_passes: int | None = None  # None: max(3, min(50, 20_000 // n_docs)): small corpora get more
    lda_iterations: int = 50
    n_jobs: int = 2  # 1: everything in one process; otherwise LDA trains beside the classifier
    lda_no_below: int = 5
    lda_no_above: float = 0.5
    lda_keep_n: int = 50_000

    def analyzer_config(self) -> AnalyzerConfig:
        return AnalyzerConfig(keep_latin=self.keep_latin, keep_numbers=self.keep_numbers,
                              remove_stopwords=self.remove_stopwords, stemmer=self.stemmer)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown training option(s): {', '.join(sorted(unknown))}")
        values = dict(data)
        for key in ("word_ngrams", "char_ngrams"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        return cls(**values)

    def num_passes(self, n_docs: int) -> int:
        if self.lda_passes is not None:
            return self.lda_passes
        return max(3, min(50, 20_000 // max(n_docs, 1)))

    def num_topics(self, n_docs: int) -> int:
        if self.topics is not None:
            return self.topics
        return min(30, max(5, n_docs // 20))


@dataclass
class Model:
    """Everything a trained akhbar model is made of; :mod:`akhbar.bundle` saves and loads it."""

    config: TrainConfig
    words: WordTfidf
    chars: CharNgrams | None
    classifier: LinearCalibrated | None
    topics: LdaTopics | None
    metrics: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    word_display: list[str] | None = None  #: readable form of each word feature, for explanations

    @property
    def analyzer(self) -> Analyzer:
        return Analyzer(self.config.analyzer_config())

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self.classifier.classes_]

    def featurizer(self) -> Featurizer:
        """The one path from cleaned texts to features (validation here, prediction later)."""
        return Featurizer(self.analyzer, self.words, self.chars, self.topics)


class TrainingError(ValueError):
    """The corpus cannot train a model (too few labels, no documents): one-line message."""


def fingerprint(docs: Iterable[Document]) -> str:
    """SHA-256 over the texts and labels in order: identifies the training data exactly."""
    h = hashlib.sha256()
    for doc in docs:
        for part in (doc.title or "", doc.text, doc.label or ""):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
    return h.hexdigest()


def evaluate_predictions(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None,
                         known_labels: Sequence[str] = ()) -> dict:
    """Accuracy, macro-F1, per-label precision/recall/F1/support and the confusion matrix.

    ``labels`` fixes which labels the macro average runs over (default: those in ``y_true``);
    a label the model predicts but the test set lacks then counts only as errors. The confusion
    matrix covers those labels, the predicted ones and *known_labels* (say, all the model's).
    """
    labels = list(labels) if labels is not None else sorted(set(y_true))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    all_labels = sorted(set(labels) | set(y_pred) | set(known_labels))
    return {
        "documents": len(y_true),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "per_label": {lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                            "support": int(s[i])} for i, lab in enumerate(labels)},
        "confusion": {"labels": all_labels,
                      "matrix": confusion_matrix(y_true, y_pred, labels=all_labels).tolist()},
    }


def _progress(iterable, total: int, desc: str, enabled: bool):
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="doc", file=sys.stderr, leave=False,
                mininterval=0.5)


_RAW_WORD = re.compile("[\u0621-\u064a\u064b-\u065f\u0670\u0640]+")


def display_forms(analyzer: Analyzer, texts: Sequence[str], vocabulary: Sequence[str]) -> list[str]:
    """For each stem in *vocabulary*, the written word (undiacritized) that most often produced it.

    Readers should see مسؤولية, not the normalized stem مسءول: so words are counted as written
    in the raw text, and each is normalized and stemmed once (cached) to find its stem.
    """
    wanted = set(vocabulary)
    stop = stopwords() if analyzer.config.remove_stopwords else frozenset()

    @lru_cache(maxsize=None)
    def stem_of(word: str) -> str | None:
        norm = normalize(word)
        if len(norm) < analyzer.config.min_token_length or norm in stop or " " in norm:
            return None
        stem = analyzer.stem(norm)
        return stem if stem in wanted else None

    by_stem: dict[str, Counter] = {}
    for text in texts:
        for raw in _RAW_WORD.findall(text):
            word = remove_tatweel(remove_diacritics(raw))
            stem = stem_of(word)
            if stem is not None:
                by_stem.setdefault(stem, Counter())[word] += 1
    return [by_stem[w].most_common(1)[0][0] if w in by_stem else w for w in vocabulary]


def _fit_topics(lda: LdaTopics, tokens, analyzer: Analyzer, docs) -> LdaTopics:
    lda.fit(tokens)
    lda.display_ = display_forms(analyzer, [d.full_text for d in docs[:5000]], lda.vocabulary_)
    return lda


def _start_topics(lda: LdaTopics, tokens, analyzer: Analyzer, docs, parallel: bool):
    """Fit the topic model, in a forked process when *parallel*; return a function that waits.

    LDA and the classifier need nothing from each other, so on a machine with two cores they run
    side by side. The child inherits the tokens through ``fork`` (nothing is copied up front)
    and sends back only the learned arrays. Where ``fork`` is unavailable it runs in line.
    """
    import multiprocessing as mp

    if not parallel or "fork" not in mp.get_all_start_methods():
        fitted = _fit_topics(lda, tokens, analyzer, docs)
        return lambda: fitted
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child():
        try:
            fitted = _fit_topics(lda, tokens, analyzer, docs)
            send.send(("ok", fitted.get_params(), fitted.get_state()))
        except BaseException as exc:  # report, never hang the parent
            send.send(("error", f"{type(exc).__name__}: {exc}", None))
        finally:
            send.close()

    process = ctx.Process(target=child, name="akhbar-lda", daemon=True)
    process.start()
    send.close()

    def wait() -> LdaTopics:
        try:
            status, params, state = receive.recv()
        except EOFError:
            process.join()
            raise TrainingError(f"the topic model process died (exit code {process.exitcode})") from None
        finally:
            process.join()
        if status != "ok":
            raise TrainingError(f"topic model failed: {params}")
        return LdaTopics.from_state(params, state)

    return wait


def train(docs: Sequence[Document], config: TrainConfig | None = None, *, progress: bool = False,
          log: Callable[[str], None] | None = None) -> Model:
    """Fit the classifier (on labelled documents) and the topic model (on all documents)."""
    config = config or TrainConfig()
    log = log or (lambda msg: None)
    started = time.perf_counter()
    docs = list(docs)
    if not docs:
        raise TrainingError("the corpus has no documents")
    labelled = [i for i, d in enumerate(docs) if d.label]
    counts = Counter(docs[i].label for i in labelled)
    if len(counts) < 2:
        raise TrainingError(
            f"need at least two labels to train a classifier, found {len(counts)} "
            f"({', '.join(counts) or 'no labelled documents'}); check --label-field"
        )
    rare = sorted(lab for lab, n in counts.items() if n < 2)
    if rare:
        raise TrainingError(f"label(s) with a single document cannot be learned: {', '.join(rare)}")

    stages: dict[str, float] = {}
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        stages[name] = round(now - clock[0], 2)
        clock[0] = now

    analyzer = Analyzer(config.analyzer_config())
    texts = [d.full_text for d in docs]
    normalized = [normalize(t) for t in _progress(texts, len(docs), "normalize", progress)]
    tokens = [analyzer.tokens_from_normalized(t) for t in _progress(normalized, len(docs), "tokenize", progress)]
    del normalized

    lap("normalize_tokenize")
    y = np.array([docs[i].label for i in labelled], dtype=object)
    fit_idx, val_idx = np.arange(len(labelled)), np.array([], dtype=int)
    n_labels = len(counts)
    if config.validation_fraction > 0 and len(labelled) * config.validation_fraction >= n_labels:
        fit_idx, val_idx = train_test_split(np.arange(len(labelled)), test_size=config.validation_fraction,
                                            random_state=config.seed, stratify=y)
        fit_idx, val_idx = np.sort(fit_idx), np.sort(val_idx)
    pick = lambda seq, idx: [seq[labelled[i]] for i in idx]  # noqa: E731

    k = config.num_topics(len(docs))
    no_below = min(config.lda_no_below, max(1, len(docs) // 50))  # small corpora keep rarer words
    topic_job = None
    if k:
        passes = config.num_passes(len(docs))
        log(f"topic model: {k} topics, {passes} passes over {len(docs)} documents"
            + (" (in a parallel process)" if config.n_jobs != 1 else ""))
        lda = LdaTopics(num_topics=k, passes=passes, iterations=config.lda_iterations,
                        workers=1, no_below=no_below,
                        no_above=config.lda_no_above, keep_n=config.lda_keep_n, random_state=config.seed)
        topic_job = _start_topics(lda, tokens, analyzer, docs, parallel=config.n_jobs != 1)

    log(f"features and classifier on {len(fit_idx)} training documents")
    words = WordTfidf(ngram_range=config.word_ngrams, min_df=config.min_df, max_df=config.max_df,
                      max_features=config.max_word_features)
    blocks = [words.fit_transform(pick(tokens, fit_idx))]
    chars = None
    if config.char_ngrams:
        chars = CharNgrams(ngram_range=config.char_ngrams, min_df=config.min_df,
                           max_df=config.max_df, max_features=config.max_char_features)
        blocks.append(chars.fit_transform([char_view(t) for t in pick(texts, fit_idx)]))
    # float64 from the start: LinearSVC would otherwise copy a float32 matrix to float64 before
    # liblinear makes its own copy, three matrices of the largest object in training at once.
    X = sp.hstack(blocks, format="csr", dtype=np.float64)
    del blocks
    model = Model(config=config, words=words, chars=chars, classifier=None, topics=None)
    X_val = None
    if len(val_idx):
        X_val = model.featurizer().transform(pick(texts, val_idx)).X.astype(np.float64)

    def new_classifier():
        return LinearCalibrated(C=config.C, class_weight=config.class_weight,
                                calibration_folds=config.calibration_folds, random_state=config.seed)

    model.classifier = new_classifier().fit(X, y[fit_idx], X_val, y[val_idx] if len(val_idx) else None)
    lap("features_classifier")

    vocabulary = words.vocabulary_
    unigrams = sorted({part for term in vocabulary for part in term.split(" ")})
    readable = dict(zip(unigrams, display_forms(analyzer, texts[:5000], unigrams)))
    model.word_display = [" ".join(readable.get(p, p) for p in term.split(" ")) for term in vocabulary]

    metrics = {}
    if X_val is not None:
        val_pred = model.classifier.predict(X_val)
        metrics["validation"] = evaluate_predictions(list(y[val_idx]), list(val_pred))
        metrics["validation"]["model"] = f"fit on {len(fit_idx)} documents, before the refit"
        metrics["calibration"] = {"method": "temperature scaling",
                                  "temperature": model.classifier.temperature_,
                                  "fitted_on": model.classifier.calibrated_on_}
        if config.refit:
            # The vocabularies and idf weights stay those fitted on the fit part (the validation
            # part only adds rows): refitting them too redoes the costliest step for +0.0005
            # macro-F1 on ant2. The SVM is refit on every labelled row with the validated temperature.
            log(f"refit the classifier on all {len(labelled)} labelled documents")
            X = sp.vstack([X, X_val], format="csr")
            del X_val
            y_all = np.concatenate([y[fit_idx], y[val_idx]])
            model.classifier = new_classifier().fit(X, y_all, temperature=model.classifier.temperature_)
            lap("refit")
    del X
    model.metrics = metrics
    if topic_job is not None:
        model.topics = topic_job()
        lap("topics (waited for)")
    model.training = {
        "documents": len(docs),
        "labelled_documents": len(labelled),
        "fit_documents": int(len(labelled) if config.refit and len(val_idx) else len(fit_idx)),
        "validation_documents": int(len(val_idx)),
        "label_counts": dict(sorted(counts.items())),
        "fingerprint": fingerprint(docs),
        "num_topics": k,
        "lda_passes": config.num_passes(len(docs)) if k else 0,
        "lda_no_below": no_below if k else None,
        "seconds": round(time.perf_counter() - started, 2),
        "stage_seconds": stages,
    }
    return model
