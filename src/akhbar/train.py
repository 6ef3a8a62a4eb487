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

The topic model needs nothing from the classifier, so it trains in a separate process beside it
(:mod:`akhbar.topics.fitting`).
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from itertools import chain
from typing import Callable, Iterable, Sequence

import numpy as np

from akhbar.classify import FittedLinearCalibrated
from akhbar.classify.metrics import evaluate_predictions  # noqa: F401 (akhbar.train.evaluate_predictions)
from akhbar.corpus import Document
from akhbar.fast.featurizer import Featurizer
from akhbar.fast.table import WordTable
from akhbar.fast.weighting import WEIGHTINGS
from akhbar.features import FittedCharNgrams, FittedLdaTopics, FittedWordTfidf
from akhbar.features.matrices import give_back_memory, head_rows, stack_blocks
from akhbar.text import (
    Analyzer,
    AnalyzerConfig,
    char_view,
    normalize,
    remove_diacritics,
    remove_tatweel,
    stopwords,
    written_words,
)
from akhbar.topics.fitting import TopicPlan
from akhbar.topics.fitting import begin as begin_topics


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
    # "word": tf per written word, so predict() scores from one record per word (the default:
    # level with "column" on all three evaluations, experiments/weighting.md); "column":
    # scikit-learn's TF-IDF per column, needed for word n-grams (features.WEIGHTINGS)
    weighting: str = "word"
    word_ngrams: tuple[int, int] = (1, 1)
    char_ngrams: tuple[int, int] | None = (2, 5)  # over char_view(text); None turns the block off
    min_df: int = 2
    max_df: float = 0.9
    # char n-grams found in more than 3% of articles are dropped: they carry little (idf is low)
    # but fill every row. On two validation splits of ant2 macro-F1 is unchanged (0.8925 ->
    # 0.8935 mean) with 66% fewer non-zeros in the training matrix (experiments/char_pruning.md),
    # and on outlets left out of training it is too (experiments/outlets.md)
    char_max_df: float = 0.03
    max_word_features: int = 300_000
    max_char_features: int = 300_000
    # classifier. C=0.1 over 0.2: on outlets left out of training (inside the train split, BBC
    # never used) macro-F1 rises on all four (mean 0.6981 -> 0.7033) and is level on random
    # validation splits (0.9027 -> 0.9026); experiments/outlets.md
    C: float = 0.1
    class_weight: str | None = "balanced"
    calibration_folds: int = 3
    # topic model; topics=None picks min(30, max(5, n_docs // 20)), 0 turns it off, "auto"
    # fits the K of topic_k_range ("10..60"; None: akhbar.topics.fitting.default_range) and
    # keeps the best held-out coherence x diversity (akhbar.topics.choose)
    topics: int | str | None = None
    topic_k_range: str | None = None
    # topic filler (verbs of saying, numbers, dates, outlet names: akhbar.topics.filler) is
    # dropped from the topic model's tokens, not the classifier's (experiments/topics.md)
    topic_filler: bool = True
    # guided topics: [{"name": ..., "words": [...]}], topic i steered by seed words i
    # (akhbar.topics.seeded; `akhbar train --seed-topics FILE` fills it from a file)
    seed_topics: list | None = None
    # "gibbs": tomotopy's collapsed Gibbs sampler, topic_sweeps sweeps over the corpus (the default);
    # "variational": gensim's online variational Bayes, lda_passes passes. On ant2 Gibbs with words
    # in 20+ and at most 10% of the articles gave the most coherent and diverse topics of every
    # recipe measured, in 0.8x plain gensim's time; on the built-in corpus too (experiments/topics.md)
    topic_sampler: str = "gibbs"
    topic_sweeps: int = 300
    lda_passes: int | None = None  # None: max(3, min(50, 20_000 // n_docs)): small corpora get more
    lda_iterations: int = 50
    n_jobs: int = 2  # 1: everything in one process; otherwise LDA trains beside the classifier
    lda_no_below: int = 20  # capped at n_docs // 50, so small corpora keep rarer words
    lda_no_above: float = 0.1  # words in more of the articles name no one subject (experiments/topics.md)
    lda_keep_n: int = 50_000
    # the most frequent written words of the corpus, analysed at training and saved with the model
    # so that prediction in a new process starts warm (featurize.WordTable); 0 turns it off.
    # On ant2 (341,000 distinct written words) 150,000 reaches words seen twice; against 50,000
    # it adds 13 MB to the model and about 0.3 s to loading, and a first pass over the test
    # articles meets 64,000 new words instead of 106,000 (about 1.4x its throughput)
    table_words: int = 150_000

    def __post_init__(self):
        if not (self.topics is None or self.topics == "auto" or (isinstance(self.topics, int) and self.topics >= 0)):
            raise ValueError(f"topics must be a number of topics (0 for none) or 'auto', not {self.topics!r}")
        for topic in self.seed_topics or []:
            if not (isinstance(topic, dict) and isinstance(topic.get("name"), str) and topic.get("words")
                    and all(isinstance(w, str) for w in topic["words"])):
                raise ValueError(f"each seed topic needs a name and a list of words, not {topic!r}")
        if self.topic_sampler not in ("variational", "gibbs"):
            raise ValueError(f"topic_sampler must be 'variational' or 'gibbs', not {self.topic_sampler!r}")
        if not (isinstance(self.topic_sweeps, int) and self.topic_sweeps > 0):
            raise ValueError(f"topic_sweeps must be a positive number of sweeps, not {self.topic_sweeps!r}")
        if self.weighting not in WEIGHTINGS:
            raise ValueError(f"weighting must be one of {', '.join(WEIGHTINGS)}, not {self.weighting!r}")
        if self.weighting == "word" and tuple(self.word_ngrams) != (1, 1):
            raise ValueError("word n-grams need weighting 'column' (the word weighting sums per written word)")

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

    def topic_plan(self) -> TopicPlan:
        return TopicPlan(topics=self.topics, k_range=self.topic_k_range, passes=self.lda_passes,
                         iterations=self.lda_iterations, no_below=self.lda_no_below, no_above=self.lda_no_above,
                         keep_n=self.lda_keep_n, seed=self.seed, parallel=self.n_jobs != 1,
                         filler=self.topic_filler, seed_topics=self.seed_topics,
                         sampler=self.topic_sampler, sweeps=self.topic_sweeps)


@dataclass
class Model:
    """Everything a trained akhbar model is made of; :mod:`akhbar.bundle` saves and loads it."""

    config: TrainConfig
    # fitted halves (akhbar.features, akhbar.classify): a trained model holds the estimators
    # that fitted them, a loaded one the halves alone
    words: FittedWordTfidf
    chars: FittedCharNgrams | None
    classifier: FittedLinearCalibrated | None
    topics: FittedLdaTopics | None
    metrics: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    word_display: list[str] | None = None  #: readable form of each word feature, for explanations
    word_table: WordTable | None = None  #: common written words, analysed in advance (featurize.py)
    topic_summary: dict | None = None  #: the training articles through the topic model (akhbar.topics.summary)

    @property
    def analyzer(self) -> Analyzer:
        return Analyzer(self.config.analyzer_config())

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self.classifier.classes_]

    def featurizer(self) -> Featurizer:
        """The one path from cleaned texts to features (validation here, prediction later)."""
        weights = None
        if self.classifier is not None:
            weights = (self.classifier.coef_, self.classifier.intercept_)
        return Featurizer(self.analyzer, self.words, self.chars, self.topics, seed=self.word_table,
                          weighting=self.config.weighting, weights=weights)


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


def _progress(iterable, total: int, desc: str, enabled: bool):
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="doc", file=sys.stderr, leave=False,
                mininterval=0.5)


_RAW_WORD = re.compile("[\u0621-\u064a\u064b-\u065f\u0670\u0640]+")


DISPLAY_SAMPLE = 5000
"""Articles scanned for the written form of each stem (see :func:`display_forms`)."""


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


FEATURE_CHUNK = 2000
"""Articles featurized at a time while training: a batch's scan holds a few arrays per word
occurrence, so the whole corpus at once would set training's memory peak."""


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


class _Stages:
    """Seconds per stage of training, for the manifest (``training.stage_seconds``)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 2)
        self._last = now


def _labelled(docs: list[Document]) -> tuple[list[int], Counter]:
    """The positions of the labelled documents and the count of each label, or TrainingError
    for a corpus that cannot train a classifier."""
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
    return labelled, counts


def _validation_split(y: np.ndarray, n_labels: int, config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """Positions (among the labelled documents) to fit on and to validate on: a stratified
    split by ``config.seed``, or no validation part when it would not hold every label."""
    from sklearn.model_selection import train_test_split

    fit_idx, val_idx = np.arange(len(y)), np.array([], dtype=int)
    if config.validation_fraction > 0 and len(y) * config.validation_fraction >= n_labels:
        fit_idx, val_idx = train_test_split(np.arange(len(y)), test_size=config.validation_fraction,
                                            random_state=config.seed, stratify=y)
        fit_idx, val_idx = np.sort(fit_idx), np.sort(val_idx)
    return fit_idx, val_idx


def _fit_blocks(tokens: list[list[str]], texts: list[str], config: TrainConfig) -> tuple:
    """Fit the word block on *tokens* and the char block on *texts* (the fit part's); return
    (words, chars, the column weighting's feature blocks or []). *tokens* is emptied once the
    word block is fitted, so the token lists are not held while the char block is."""
    from akhbar.features.estimators import CharNgrams, WordTfidf

    by_column = config.weighting == "column"  # else the blocks' own transforms are not wanted
    words = WordTfidf(ngram_range=config.word_ngrams, min_df=config.min_df, max_df=config.max_df,
                      max_features=config.max_word_features)
    blocks = [words.fit_transform(tokens)] if by_column else []
    if not by_column:
        words.fit(tokens)
    tokens.clear()
    chars = None
    if config.char_ngrams:
        chars = CharNgrams(ngram_range=config.char_ngrams, min_df=config.min_df,
                           max_df=config.char_max_df, max_features=config.max_char_features)
        views = [char_view(t) for t in texts]
        if by_column:
            blocks.append(chars.fit_transform(views))
        else:
            chars.fit(views)
    return words, chars, blocks


def _feature_groups(model: Model, blocks: list, fit_texts: list[str], val_texts: list[str]) -> list[list]:
    """The rows of the fit part, then of the validation part, as groups of blocks to stack."""
    if model.config.weighting == "column":
        groups = [blocks]
        if val_texts:
            groups.append([model.featurizer().transform(val_texts).X])
        return groups
    # the word weighting's rows come from the written words, through one table for the whole
    # corpus (each word analysed once), a chunk of articles at a time
    featurizer = Featurizer(model.analyzer, model.words, model.chars, None, capacity=2**62, weighting="word")
    return [[featurizer.transform(part, topics=False).X]
            for texts in (fit_texts, val_texts) for part in _chunks(texts, FEATURE_CHUNK)]


def _common_words(texts: list[str], n: int) -> list[str]:
    """The *n* most frequent written words of *texts*: the word table saved with the model."""
    if not n:
        return []
    return [w for w, _ in Counter(chain.from_iterable(map(written_words, texts))).most_common(n)]


def _fit_classifier(model: Model, X_all, y_fit, y_val, log, stages: _Stages) -> dict:
    """Fit the classifier on the fit rows (its temperature on the validation rows), score it
    there, and refit it on every row when ``config.refit``; return the metrics."""
    from akhbar.classify.estimator import LinearCalibrated

    config = model.config

    def new_classifier():
        return LinearCalibrated(C=config.C, class_weight=config.class_weight,
                                calibration_folds=config.calibration_folds, random_state=config.seed)

    X, X_val = head_rows(X_all, len(y_fit)), (X_all[len(y_fit):] if len(y_val) else None)
    model.classifier = new_classifier().fit(X, y_fit, X_val, y_val if len(y_val) else None)
    stages.lap("features_classifier")
    metrics = {}
    if X_val is None:
        return metrics
    metrics["validation"] = evaluate_predictions(list(y_val), list(model.classifier.predict(X_val)))
    metrics["validation"]["model"] = f"fit on {len(y_fit)} documents, before the refit"
    metrics["calibration"] = {"method": "temperature scaling", "temperature": model.classifier.temperature_,
                              "fitted_on": model.classifier.calibrated_on_}
    if config.refit:
        # The vocabularies and idf weights stay those fitted on the fit part (the validation
        # part only adds rows): refitting them too redoes the costliest step for +0.0005
        # macro-F1 on ant2. The SVM is refit on every labelled row with the validated temperature.
        log(f"refit the classifier on all {len(y_fit) + len(y_val)} labelled documents")
        model.classifier = new_classifier().fit(X_all, np.concatenate([y_fit, y_val]),
                                                temperature=model.classifier.temperature_)
        stages.lap("refit")
    return metrics


def train(docs: Sequence[Document], config: TrainConfig | None = None, *, progress: bool = False,
          log: Callable[[str], None] | None = None) -> Model:
    """Fit the classifier (on labelled documents) and the topic model (on all documents).

    The steps, in order: check the labels; normalize and tokenize every document once; hold out
    the validation part; start the topic model (beside the rest); fit the feature blocks and
    stack the feature rows; fit, validate and refit the classifier; find readable forms of the
    words; collect the topic model and build the word table saved with the model.
    """
    config = config or TrainConfig()
    log = log or (lambda msg: None)
    started, stages = time.perf_counter(), _Stages()
    docs = list(docs)
    labelled, counts = _labelled(docs)

    analyzer = Analyzer(config.analyzer_config())
    texts = [d.full_text for d in docs]
    normalized = [normalize(t) for t in _progress(texts, len(docs), "normalize", progress)]
    tokens = [analyzer.tokens_from_normalized(t) for t in _progress(normalized, len(docs), "tokenize", progress)]
    del normalized
    stages.lap("normalize_tokenize")

    y = np.array([docs[i].label for i in labelled], dtype=object)
    fit_idx, val_idx = _validation_split(y, len(counts), config)
    pick = lambda seq, idx: [seq[labelled[i]] for i in idx]  # noqa: E731
    try:
        topic_job = begin_topics(tokens, config.topic_plan(), analyzer, log)
    except ValueError as exc:  # TopicFitError, ChooseKError: the corpus or options cannot give topics
        raise TrainingError(str(exc)) from None
    topic_vocabulary = topic_job.bow.vocabulary if topic_job else []
    give_back_memory()

    log(f"features and classifier on {len(fit_idx)} training documents")
    fit_tokens = pick(tokens, fit_idx)
    del tokens  # the word block is the last to read them: the featurizer reads the text itself
    words, chars, blocks = _fit_blocks(fit_tokens, pick(texts, fit_idx), config)
    model = Model(config=config, words=words, chars=chars, classifier=None, topics=None)
    groups = _feature_groups(model, blocks, pick(texts, fit_idx), pick(texts, val_idx))
    # One float64 matrix, fit rows then validation rows, built chunk by chunk: LinearSVC would
    # copy a float32 matrix to float64 before liblinear makes its own copy, and stacking with
    # scipy makes full-size temporaries; each chunk is let go once copied. The fit part is a
    # view of the first rows, and the refit uses the whole matrix as it is, so no second copy
    # is ever made.
    del blocks  # the column weighting's blocks are groups[0]: releasing it must free them
    X_all = stack_blocks(groups, dtype=np.float64, release=True)
    del groups
    common = _common_words(texts, config.table_words)
    texts = texts[:DISPLAY_SAMPLE]  # all the rest needs of the text
    give_back_memory()
    model.metrics = _fit_classifier(model, X_all, y[fit_idx], y[val_idx], log, stages)
    del X_all

    # readable (written) forms of the word features and the topic words, in one scan of the text
    unigrams = sorted({part for term in words.vocabulary_ for part in term.split(" ")} | set(topic_vocabulary))
    readable = dict(zip(unigrams, display_forms(analyzer, texts, unigrams)))
    model.word_display = [" ".join(readable.get(p, p) for p in term.split(" ")) for term in words.vocabulary_]
    topic_record = {"num_topics": 0, "lda_passes": 0, "lda_no_below": None}
    if topic_job is not None:
        try:
            model.topics, model.topic_summary, topic_record = topic_job.finish(
                docs, lambda vocabulary: [readable.get(w, w) for w in vocabulary])
        except ValueError as exc:
            raise TrainingError(str(exc)) from None
        stages.lap("topics (waited for, then summarized)")
    if common:
        model.word_table = model.featurizer().export(common)
        stages.lap("word_table")
    model.training = {
        "documents": len(docs),
        "labelled_documents": len(labelled),
        "fit_documents": int(len(labelled) if config.refit and len(val_idx) else len(fit_idx)),
        "validation_documents": int(len(val_idx)),
        "label_counts": dict(sorted(counts.items())),
        "fingerprint": fingerprint(docs),
        **topic_record,
        "seconds": round(time.perf_counter() - started, 2),
        "stage_seconds": stages.seconds,
    }
    return model

