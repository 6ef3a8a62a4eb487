"""The topics benchmark: akhbar's topic recipe against plain gensim, one run, one evaluator.

    python -m akhbar.bench topics --data ../shared/data --out experiments

Both models are fitted on the ant2 train split with K=30 topics. The *baseline* is what a user
gluing gensim by hand writes: the normalized written words (``normalize(text).split()``, Arabic or
Latin word tokens only), ``Dictionary`` + ``filter_extremes(no_below=5, no_above=0.3)``,
``LdaMulticore(num_topics=30, passes=3, random_state=0, workers=1)``. *akhbar* fits the
analyzer's tokens (light stems, stopwords dropped) with a recipe (:data:`RECIPES`): topic filler
dropped (:mod:`akhbar.topics.filler`), document-frequency bounds, priors, passes.

The evaluator is the same for every model: gensim's ``CoherenceModel(coherence="c_npmi",
topn=10)`` over the normalized written words of the train articles (the baseline's own tokens).
akhbar's topics are over stems, so each stem is scored by its readable form (the written word
that most often produced it, :func:`akhbar.train.display_forms`, normalized like the text): the
words a reader of ``akhbar topics`` sees. Beside it: akhbar's own NPMI
(:func:`akhbar.topics.quality.score_topics`) on the ant2 *test* articles, which no model saw, in
each model's own token space; diversity, the distinct share of the top-25 words across topics
(in each model's own token space, and over readable forms); and the seconds each fit takes
(from token lists to a fitted model; tokenizing is not counted for either).

``--ablation`` (the default) also fits each step from akhbar's first topic model (variational,
no filler pruning) to the chosen recipe, what ``akhbar train`` now runs, so the table says what
each change gave. Tokenized corpora are cached under
``--cache`` (a temporary folder by default), never in the project: they hold article text.
"""

from __future__ import annotations

import json
import logging
import pickle
import re
import shlex
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from akhbar.features.lda import BowCorpus, FittedLdaTopics
from akhbar.text import Analyzer, normalize
from akhbar.topics.filler import drop_filler, filler_stems
from akhbar.topics.quality import (
    TOP_COHERENCE,
    TOP_DIVERSITY,
    score_topics,
    top_ids,
)

WORD = re.compile(r"[\u0621-\u064a]+|[a-z]+")
"""A written word the evaluator and the baseline keep: Arabic letters, or Latin ones."""

DEFAULT_RECIPE = {
    "filler": False,      # drop akhbar.topics.filler's words before the dictionary
    "no_below": 5,        # keep words in at least this many documents
    "no_above": 0.5,      # ... and in at most this share of them
    "keep_n": 50_000,
    "bigrams": False,     # join frequent collocations (gensim Phrases, npmi scoring) into one token
    "alpha": "symmetric",  # gensim's alpha: "symmetric", "asymmetric", "auto" or a number
    "eta": "symmetric",    # gensim's eta: "symmetric" (1/K), "auto" or a number
    "passes": 3,
    "iterations": 50,
    "engine": "gensim",   # "gensim" (akhbar's, variational) or "tomotopy" (Gibbs sampling)
    "sweeps": 600,        # tomotopy only: Gibbs sweeps over the corpus (its examples train 1,000)
}
"""akhbar's first topic model (gensim's variational LDA, no filler pruning, no_above 0.5): where
the ablation starts. Each row of :data:`RECIPES` says what it changes from here."""

RECIPES: dict[str, dict] = {
    "a first model": {},
    "b + filler": {"filler": True},
    "c1 + no_above 0.1": {"filler": True, "no_above": 0.1},
    "c2 + no_above 0.05": {"filler": True, "no_above": 0.05},
    "c3 + no_above 0.1, no_below 20": {"filler": True, "no_above": 0.1, "no_below": 20},
    "g2 Gibbs, 300 sweeps": {"filler": True, "no_above": 0.1, "no_below": 20, "alpha": 0.1, "eta": 0.01,
                             "engine": "tomotopy", "sweeps": 300},
    "g3 Gibbs, 300 sweeps, b's words": {"filler": True, "alpha": 0.1, "eta": 0.01, "engine": "tomotopy",
                                        "sweeps": 300},
}
"""The ablation, in order: each row adds one change to a row above it."""

CHOSEN = "g2 Gibbs, 300 sweeps"
"""What ``akhbar train`` runs now (TrainConfig's defaults: filler dropped, words in 20+ and at most
10% of the articles, Gibbs sampling, 300 sweeps; a test checks they agree):
the row the goal of issue 19 is checked on. No other row met more of the goal (experiments/topics.md)."""


def recipe_of(recipe: dict | None) -> dict:
    """*recipe* with every key of :data:`DEFAULT_RECIPE` filled in (unknown keys refused)."""
    recipe = dict(recipe or {})
    unknown = set(recipe) - set(DEFAULT_RECIPE)
    if unknown:
        raise ValueError(f"unknown recipe key(s): {', '.join(sorted(unknown))}")
    return {**DEFAULT_RECIPE, **recipe}


def default_analyzer() -> Analyzer:
    from akhbar.train import TrainConfig

    return Analyzer(TrainConfig().analyzer_config())


def written_tokens(normalized: str) -> list[str]:
    """The evaluator's and the baseline's tokens: the words of normalized text, Arabic or Latin."""
    return [w for w in normalized.split() if WORD.fullmatch(w)]


# --- fitting ---------------------------------------------------------------------------------------


class Prepared:
    """What a recipe does to token lists before the dictionary: the filler stems it drops and
    the collocations it joins. Fitted on the training tokens, applied to any (held-out ones too)."""

    def __init__(self, recipe: dict, analyzer: Analyzer | None = None):
        self.recipe = recipe_of(recipe)
        self.stems = filler_stems(analyzer or default_analyzer()) if self.recipe["filler"] else frozenset()
        self.phrases = None

    def fit_transform(self, tokens: Sequence[Sequence[str]]) -> list[list[str]]:
        out = drop_filler(tokens, self.stems) if self.stems else [list(t) for t in tokens]
        if self.recipe["bigrams"]:
            from gensim.models.phrases import Phrases

            self.phrases = Phrases(out, min_count=20, threshold=0.5, scoring="npmi", delimiter="_").freeze()
            out = [self.phrases[t] for t in out]
        return out

    def transform(self, tokens: Sequence[Sequence[str]]) -> list[list[str]]:
        out = drop_filler(tokens, self.stems) if self.stems else [list(t) for t in tokens]
        if self.phrases is not None:
            out = [self.phrases[t] for t in out]
        return out


def fit_recipe(tokens: Sequence[Sequence[str]], recipe: dict | None, k: int, seed: int = 0, *,
               analyzer: Analyzer | None = None, prepared: Prepared | None = None) -> FittedLdaTopics:
    """Fit a topic model of *k* topics on the analyzer's token lists *tokens* by *recipe* (keys of
    :data:`DEFAULT_RECIPE`; missing ones take today's defaults), seeded by *seed*.

    Returns a :class:`~akhbar.features.lda.FittedLdaTopics` (``topic_word_``, ``vocabulary_``,
    ``alpha_``; ``display_`` left None) that infers like the one ``akhbar train`` saves, except
    for the ``tomotopy`` engine, fitted by ``akhbar train --topic-sampler gibbs``'s sampler. Pass a
    :class:`Prepared` to keep the filler stems and phrases for transforming held-out tokens.
    """
    recipe = recipe_of(recipe)
    prepared = prepared or Prepared(recipe, analyzer)
    tokens = prepared.fit_transform(tokens)
    bow = BowCorpus.from_tokens(tokens, recipe["no_below"], recipe["no_above"], recipe["keep_n"])
    if len(bow.vocabulary) < k:
        raise ValueError(f"only {len(bow.vocabulary)} words survive the frequency filter; too few for {k} topics")
    params = dict(num_topics=k, passes=recipe["passes"], iterations=recipe["iterations"],
                  no_below=recipe["no_below"], no_above=recipe["no_above"], keep_n=recipe["keep_n"],
                  workers=1, random_state=seed)
    if recipe["engine"] == "tomotopy":
        return _fit_tomotopy(bow, recipe, params)
    if recipe["engine"] != "gensim":
        raise ValueError(f"unknown engine {recipe['engine']!r}")
    if recipe["alpha"] == "symmetric" and recipe["eta"] == "symmetric":
        from akhbar.features.estimators import LdaTopics

        return LdaTopics(**params).fit(bow)  # exactly what akhbar train runs today
    from gensim.models import LdaModel

    logging.getLogger("gensim").setLevel(logging.WARNING)
    model = LdaModel(corpus=bow, id2word=dict(enumerate(bow.vocabulary)), num_topics=k, passes=recipe["passes"],
                     iterations=recipe["iterations"], chunksize=2000, random_state=seed, alpha=recipe["alpha"],
                     eta=recipe["eta"], dtype=np.float64, eval_every=None)
    state = {"vocabulary": bow.vocabulary, "alpha": np.asarray(model.alpha, dtype=np.float64),
             "topic_word": model.get_topics().astype(np.float64),
             "exp_elog_beta": np.asarray(model.expElogbeta, dtype=np.float64), "display": None}
    return FittedLdaTopics.from_state(params, state)


def _fit_tomotopy(bow: BowCorpus, recipe: dict, params: dict) -> FittedLdaTopics:
    """What ``akhbar train --topic-sampler gibbs`` fits (:mod:`akhbar.features.gibbs`)."""
    from akhbar.features.estimators import LdaTopics
    from akhbar.features.gibbs import GIBBS_ALPHA, GIBBS_ETA

    if (recipe["alpha"], recipe["eta"]) != (GIBBS_ALPHA, GIBBS_ETA):
        raise ValueError(f"the gibbs sampler starts from alpha={GIBBS_ALPHA}, eta={GIBBS_ETA}")
    return LdaTopics(**params, sampler="gibbs", sweeps=int(recipe["sweeps"])).fit(bow)


def fit_baseline(written: Sequence[Sequence[str]], k: int, seed: int = 0, passes: int = 3) -> tuple:
    """Plain gensim on written words, as a user would write it: (topic_word, vocabulary)."""
    from gensim.corpora import Dictionary
    from gensim.models import LdaMulticore

    logging.getLogger("gensim").setLevel(logging.WARNING)
    dictionary = Dictionary(written)
    dictionary.filter_extremes(no_below=5, no_above=0.3)
    corpus = [dictionary.doc2bow(t) for t in written]
    model = LdaMulticore(corpus, id2word=dictionary, num_topics=k, passes=passes, random_state=seed, workers=1)
    vocabulary = [dictionary[i] for i in range(len(dictionary))]
    return model.get_topics().astype(np.float64), vocabulary


# --- scoring -------------------------------------------------------------------------------------


class Evaluator:
    """gensim's ``c_npmi`` (top 10, boolean sliding window of 10) over one fixed set of token
    lists, for every model alike. A topic word the texts never hold cannot be scored: it is
    counted in ``missing`` and left out of its topic (gensim drops it)."""

    def __init__(self, texts: Sequence[Sequence[str]]):
        from gensim.corpora import Dictionary

        self.texts = texts
        self.dictionary = Dictionary(texts)

    def c_npmi(self, topics: list[list[str]]) -> dict:
        from gensim.models.coherencemodel import CoherenceModel

        logging.getLogger("gensim").setLevel(logging.WARNING)
        known = self.dictionary.token2id
        missing = sum(1 for words in topics for w in words[:TOP_COHERENCE] if w not in known)
        scorable = [[w for w in words[:TOP_COHERENCE] if w in known] or [next(iter(known))] for words in topics]
        model = CoherenceModel(topics=scorable, texts=self.texts, dictionary=self.dictionary, coherence="c_npmi",
                               topn=TOP_COHERENCE, processes=1)
        per_topic = [float(x) for x in model.get_coherence_per_topic()]
        return {"c_npmi": round(float(np.mean(per_topic)), 4), "per_topic": [round(x, 4) for x in per_topic],
                "missing_words": missing}


def readable_top_words(topic_word: np.ndarray, display: Sequence[str], n: int) -> list[list[str]]:
    """Each topic's top *n* words as readers see them: ``display[j]`` for its best vocabulary
    entries, a readable form that two entries share shown once (the next entry fills in)."""
    out = []
    order = np.argsort(-np.asarray(topic_word), axis=1, kind="stable")
    for row in order:
        words: list[str] = []
        for j in row:
            w = display[j]
            if w not in words:
                words.append(w)
            if len(words) == n:
                break
        out.append(words)
    return out


def filler_share(topics: list[list[str]], stems: frozenset, analyzer: Analyzer, n: int = TOP_COHERENCE) -> dict:
    """How much of the top-*n* words (written forms) is topic filler by :mod:`akhbar.topics.filler`'s
    list, analysed: the share of words, and the topics with three or more of them."""
    counts = []
    for words in topics:
        counts.append(sum(1 for w in words[:n] if any(t in stems for t in analyzer.tokens_from_normalized(
            normalize(w.replace("_", " "))))))
    return {"filler_word_share": round(sum(counts) / max(1, n * len(topics)), 4),
            "topics_with_3_filler_words": sum(1 for c in counts if c >= 3)}


def stem_top_words(topic_word: np.ndarray, vocabulary: list[str], analyzer: Analyzer | None,
                   n: int = TOP_COHERENCE) -> list[list[str]]:
    """Each topic's top *n* words in the analyzer's token space (light stems): the vocabulary
    itself for akhbar's models (*analyzer* None); for the baseline each written word is analysed,
    a word the analyzer drops (a stopword) is skipped and a stem two words share is counted once."""
    out = []
    for row in np.argsort(-np.asarray(topic_word), axis=1, kind="stable"):
        words: list[str] = []
        for j in row:
            w = vocabulary[j]
            if analyzer is not None:
                parts = analyzer.tokens_from_normalized(normalize(w))
                if not parts:
                    continue
                w = parts[0]
            if w not in words:
                words.append(w)
            if len(words) == n:
                break
        out.append(words)
    return out


def describe(name: str, topic_word: np.ndarray, vocabulary: list[str], display: list[str],
             held_out: Sequence[Sequence[str]], seconds: float, stems: frozenset, analyzer: Analyzer,
             written: bool = False) -> dict:
    """Every figure of one fitted model but c_npmi (:func:`score_c_npmi` adds it, for all models
    in one pass over the texts): held-out NPMI, diversity, filler, the readable top words and
    the top words as stems (*written*: the vocabulary is written words, to be analysed)."""
    readable = readable_top_words(topic_word, display, TOP_DIVERSITY)
    own = score_topics(topic_word, vocabulary, held_out)
    flat = [w for words in readable for w in words[:TOP_DIVERSITY]]
    return {"name": name, "fit_seconds": round(seconds, 1), "vocabulary": len(vocabulary),
            "held_out_npmi": own["coherence"], "held_out_npmi_per_topic": own["per_topic"],
            "diversity": own["diversity"],
            "diversity_readable": round(len(set(flat)) / max(1, len(flat)), 4),
            **filler_share(readable, stems, analyzer),
            "top_words": [words[:TOP_COHERENCE] for words in readable],
            "top_stems": stem_top_words(topic_word, vocabulary, analyzer if written else None)}


def score_c_npmi_stems(rows: list[dict], evaluator: Evaluator) -> None:
    """Add ``c_npmi_stems``: the same gensim ``c_npmi`` over the analyzer's tokens of the train
    articles (light stems, stopwords out), every model's ``top_stems`` alike. It asks whether
    the topics' *lemmas* co-occur, which the written-word evaluator cannot for a stem model:
    there a stem is scored by one written form and its other forms count as absent."""
    scored = evaluator.c_npmi([words for r in rows for words in r["top_stems"]])
    at = 0
    for r in rows:
        n = len(r["top_stems"])
        per_topic = scored["per_topic"][at:at + n]
        at += n
        r["c_npmi_stems"] = round(float(np.mean(per_topic)), 4)
        r["c_npmi_stems_per_topic"] = per_topic


def score_c_npmi(rows: list[dict], evaluator: Evaluator) -> None:
    """Add ``c_npmi`` (mean and per topic) to each row, every model's topics in one
    CoherenceModel: a topic's score depends only on its own words (gensim's windows keep the
    positions of the words it does not count), so this is the same as one call per model."""
    topics = [[normalize(w).replace(" ", "_") for w in words] for r in rows for words in r["top_words"]]
    scored = evaluator.c_npmi(topics)
    at = 0
    for r in rows:
        n = len(r["top_words"])
        per_topic = scored["per_topic"][at:at + n]
        at += n
        r["c_npmi"] = round(float(np.mean(per_topic)), 4)
        r["c_npmi_per_topic"] = per_topic
        r["missing_words"] = sum(1 for words in r["top_words"] for w in words
                                 if normalize(w).replace(" ", "_") not in evaluator.dictionary.token2id)


# --- the run ------------------------------------------------------------------------------------


def load_tokens(data: Path, cache: Path | None = None) -> dict:
    """Train and test token lists of ant2 (the evaluation "ant2-random"), both ways, and the raw
    texts :func:`akhbar.train.display_forms` scans. Cached as a pickle in *cache* (outside the
    project: it holds article text), keyed by the corpus file's size and time."""
    from akhbar.bench.data import load_evaluation

    source = data / "ant2.jsonl.gz"
    stat = source.stat()
    path = None
    if cache is not None:
        path = cache / f"ant2-tokens-{stat.st_size}-{int(stat.st_mtime)}.pkl"
        if path.exists():
            with open(path, "rb") as f:
                return pickle.load(f)
    train, test, _ = load_evaluation("ant2-random", data)
    out = tokenize([d.full_text for d in train], [d.full_text for d in test])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            pickle.dump(out, f, protocol=pickle.HIGHEST_PROTOCOL)
    return out


def tokenize(train: Sequence[str], test: Sequence[str]) -> dict:
    """The token lists every model and evaluator reads, from raw train and test texts."""
    from akhbar.train import DISPLAY_SAMPLE

    analyzer = default_analyzer()
    out: dict = {}
    for name, texts in (("train", train), ("test", test)):
        normalized = [normalize(t) for t in texts]
        out[f"{name}_written"] = [written_tokens(n) for n in normalized]
        out[f"{name}_stems"] = [analyzer.tokens_from_normalized(n) for n in normalized]
    out["display_texts"] = list(train[:DISPLAY_SAMPLE])
    return out


def _display(analyzer: Analyzer, texts: list[str], topic_word: np.ndarray, vocabulary: list[str]) -> list[str]:
    """``display_`` as ``akhbar train`` sets it, worked out for the top words only (the form of a
    stem does not depend on which other stems are looked up); bigrams joined from their parts."""
    from akhbar.train import display_forms

    wanted = sorted({vocabulary[j] for j in top_ids(topic_word, TOP_DIVERSITY + 10).ravel()})
    parts = sorted({p for w in wanted for p in w.split("_")})
    forms = dict(zip(parts, display_forms(analyzer, texts, parts)))
    show = {w: "_".join(forms.get(p, p) for p in w.split("_")) for w in wanted}
    return [show.get(w, w) for w in vocabulary]


def run_akhbar(name: str, recipe: dict, tokens: dict, k: int, seed: int, analyzer: Analyzer,
               stems: frozenset) -> dict:
    prepared = Prepared(recipe, analyzer)
    t0 = time.perf_counter()
    model = fit_recipe(tokens["train_stems"], recipe, k, seed, prepared=prepared)
    seconds = time.perf_counter() - t0
    display = _display(analyzer, tokens["display_texts"], model.topic_word_, model.vocabulary_)
    held_out = prepared.transform(tokens["test_stems"]) if recipe_of(recipe)["bigrams"] else tokens["test_stems"]
    row = describe(name, model.topic_word_, model.vocabulary_, display, held_out, seconds, stems, analyzer)
    row["recipe"] = recipe_of(recipe)
    return row


def run_baseline(tokens: dict, k: int, seed: int, analyzer: Analyzer, stems: frozenset) -> dict:
    t0 = time.perf_counter()
    topic_word, vocabulary = fit_baseline(tokens["train_written"], k, seed)
    seconds = time.perf_counter() - t0
    return describe("gensim", topic_word, vocabulary, vocabulary, tokens["test_written"], seconds, stems, analyzer,
                    written=True)


def run_choose_k(tokens: dict, recipe: dict, k_range: str, seed: int, analyzer: Analyzer, log) -> dict:
    """``akhbar train --topics auto``'s curve on the train articles under *recipe* (its filler
    pruning, frequency bounds and sampler): :func:`akhbar.topics.choose.choose_k`, which holds out
    a fifth of them, plus the seconds it took."""
    from akhbar.topics.choose import choose_k, parse_range

    recipe = recipe_of(recipe)
    if recipe["bigrams"]:
        raise ValueError("the choose-K curve is measured without bigrams (akhbar train has none)")
    stems = Prepared(recipe, analyzer).fit_transform(tokens["train_stems"])
    sampler = "gibbs" if recipe["engine"] == "tomotopy" else "variational"
    t0 = time.perf_counter()
    curve = choose_k(stems, parse_range(k_range, len(stems)), seed=seed, passes=recipe["passes"],
                     iterations=recipe["iterations"], no_below=recipe["no_below"], no_above=recipe["no_above"],
                     keep_n=recipe["keep_n"], sampler=sampler, sweeps=recipe["sweeps"], log=log)
    return {**curve, "range": k_range, "sampler": sampler, "seconds": round(time.perf_counter() - t0, 1)}


def run_topics(data: Path, out: Path, k: int = 30, seed: int = 0, ablation: bool = True,
               recipes: dict[str, dict] | None = None, chosen: str = CHOSEN, cache: Path | None = None,
               name: str = "topics", command: str | None = None, log=None, tokens: dict | None = None,
               choose_range: str | None = "10..60") -> dict:
    """Fit plain gensim and akhbar's recipe(s) on ant2 train in one run, score them with one
    evaluator, and (unless *choose_range* is None) draw the choose-K curve of the chosen recipe;
    write ``out/NAME.md`` and ``out/NAME.json``. *tokens* (from :func:`tokenize`) replaces ant2,
    for tests on a corpus made for them."""
    from akhbar.bench.jobs import machine, write_result

    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    recipes = dict(recipes or RECIPES)
    if chosen not in recipes:
        raise ValueError(f"the chosen recipe {chosen!r} is not among {', '.join(recipes)}")
    if not ablation:
        recipes = {chosen: recipes[chosen]}
    cache = cache or Path(tempfile.gettempdir()) / "akhbar-bench-cache"
    t0 = time.perf_counter()
    tokens = tokens or load_tokens(data, cache)
    log(f"tokens: {len(tokens['train_stems'])} train / {len(tokens['test_stems'])} test articles "
        f"({time.perf_counter() - t0:.0f} s)")
    analyzer = default_analyzer()
    stems = filler_stems(analyzer)
    baseline = run_baseline(tokens, k, seed, analyzer, stems)
    log(f"gensim: fit {baseline['fit_seconds']} s, held-out NPMI {baseline['held_out_npmi']}, "
        f"diversity {baseline['diversity']}")
    rows = []
    for label, recipe in recipes.items():
        try:
            row = run_akhbar(label, recipe, tokens, k, seed, analyzer, stems)
        except ImportError as e:  # tomotopy, measured only where it is installed
            log(f"{label}: skipped ({e})")
            continue
        rows.append(row)
        log(f"{label}: fit {row['fit_seconds']} s, held-out NPMI {row['held_out_npmi']}, "
            f"diversity {row['diversity']}")
    t1 = time.perf_counter()
    score_c_npmi([baseline, *rows], Evaluator(tokens["train_written"]))
    log(f"c_npmi of {1 + len(rows)} models: {time.perf_counter() - t1:.0f} s; gensim {baseline['c_npmi']}, "
        + ", ".join(f"{r['name']} {r['c_npmi']}" for r in rows))
    t1 = time.perf_counter()
    score_c_npmi_stems([baseline, *rows], Evaluator(tokens["train_stems"]))
    log(f"c_npmi over stems: {time.perf_counter() - t1:.0f} s; gensim {baseline['c_npmi_stems']}, "
        + ", ".join(f"{r['name']} {r['c_npmi_stems']}" for r in rows))
    ours = next(r for r in rows if r["name"] == chosen)
    result = {"command": command, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(),
              "corpus": "ant2 train split (ant2.jsonl.gz, split == 'train')",
              "train_documents": len(tokens["train_stems"]), "held_out_documents": len(tokens["test_stems"]),
              "num_topics": k, "seed": seed, "chosen": chosen,
              "goal": {"c_npmi_over_gensim": round(ours["c_npmi"] - baseline["c_npmi"], 4),
                       "met_c_npmi": ours["c_npmi"] >= baseline["c_npmi"] + 0.05,
                       "met_diversity": ours["diversity"] >= 0.90,
                       "met_fit_time": ours["fit_seconds"] <= baseline["fit_seconds"]},
              "baseline": baseline, "akhbar": ours, "ablation": rows, "choose_k": None}
    if choose_range:
        result["choose_k"] = run_choose_k(tokens, recipes[chosen], choose_range, seed, analyzer, log)
        log(result["choose_k"]["why"])
    return write_result(out, name, result, render_topics(result))


# --- the report ---------------------------------------------------------------------------------


def _recipe_text(recipe: dict) -> str:
    changed = {k: v for k, v in recipe.items() if DEFAULT_RECIPE.get(k) != v}
    return ", ".join(f"{k}={v}" for k, v in changed.items()) or "akhbar's first topic model"


def render_topics(result: dict) -> str:
    base, ours = result["baseline"], result["akhbar"]
    lines = [f"# Topics: akhbar against plain gensim on ant2 (K={result['num_topics']})", ""]
    if result.get("command"):
        lines += ["```", result["command"], "```", ""]
    lines += [
        f"Written by `akhbar.bench.topics` on {result['created']}. Both models fit the "
        f"{result['train_documents']} articles of {result['corpus']}; held-out scores are over the "
        f"{result['held_out_documents']} test articles.",
        "",
        "- **c_npmi**: gensim `CoherenceModel(coherence=\"c_npmi\", topn=10)` over the normalized written words "
        "of the train articles, the same texts for every model; akhbar's stems are scored by their readable "
        "forms (`display_`, normalized).",
        "- **held-out NPMI**: `akhbar.topics.quality.score_topics` on the test articles, each model in its own "
        "token space (document co-occurrence).",
        "- **diversity**: distinct share of the top-25 words across topics, own token space (readable forms "
        "in brackets).",
        "- **filler**: share of the top-10 words that `akhbar.topics.filler`'s list names, and topics with 3+ "
        "of them.",
        "- **fit s**: token lists to a fitted model (dictionary, filters and LDA; tokenizing not counted), "
        "one core.",
        "",
        "- **c_npmi stems**: the same gensim `c_npmi` over the analyzer's tokens of the train articles (light "
        "stems, stopwords out); the baseline's written top words are analysed the same way (stopwords skipped, "
        "a shared stem counted once). It scores lemmas, which the written-word column cannot do for a stem "
        "model: there each stem stands for one written form and its other forms count as absent.",
        "",
        "| model | recipe | vocabulary | c_npmi | c_npmi stems | held-out NPMI | diversity | filler | fit s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(r, recipe):
        return (f"| {r['name']} | {recipe} | {r['vocabulary']} | {r['c_npmi']:.4f} | {r['c_npmi_stems']:.4f} | "
                f"{r['held_out_npmi']:.4f} | "
                f"{r['diversity']:.3f} ({r['diversity_readable']:.3f}) | {r['filler_word_share']:.3f} / "
                f"{r['topics_with_3_filler_words']} | {r['fit_seconds']} |")

    lines.append(row(base, "Dictionary no_below=5 no_above=0.3, LdaMulticore passes=3"))
    for r in result["ablation"]:
        name = f"**{r['name']}** (chosen)" if r["name"] == result["chosen"] else r["name"]
        lines.append(row({**r, "name": name}, _recipe_text(r["recipe"])))
    goal = result["goal"]
    lines += [
        "",
        f"Chosen recipe: `{json.dumps(ours['recipe'], ensure_ascii=False)}`.",
        "",
        f"Against the goal of issue 19: c_npmi {ours['c_npmi']:.4f} vs gensim {base['c_npmi']:.4f} "
        f"({goal['c_npmi_over_gensim']:+.4f}, goal +0.05: {'met' if goal['met_c_npmi'] else 'not met'}); "
        f"diversity {ours['diversity']:.3f} (goal 0.90: {'met' if goal['met_diversity'] else 'not met'}); "
        f"fit {ours['fit_seconds']} s vs {base['fit_seconds']} s "
        f"({'met' if goal['met_fit_time'] else 'not met'}).",
        "",
    ]
    lines += ["Each row against plain gensim (differences; fit time as a ratio):", "",
              "| model | c_npmi | c_npmi stems | held-out NPMI | diversity | fit time |",
              "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in result["ablation"]:
        lines.append(f"| {r['name']} | {r['c_npmi'] - base['c_npmi']:+.4f} | {r['c_npmi_stems'] - base['c_npmi_stems']:+.4f} | "
                     f"{r['held_out_npmi'] - base['held_out_npmi']:+.4f} | {r['diversity'] - base['diversity']:+.3f} | "
                     f"{r['fit_seconds'] / base['fit_seconds']:.2f}× |")
    lines.append("")
    lines += _render_curve(result.get("choose_k"), result["chosen"])
    shown = [("plain gensim", base), (f"akhbar ({result['chosen']})", ours)]
    shown += [(f"akhbar ({r['name']})", r) for r in result["ablation"]
              if r["recipe"]["engine"] != "gensim" and r["name"] != result["chosen"]]
    for title, r in shown:
        lines += [f"## Top 10 words per topic: {title}", "", "| # | c_npmi | held-out | words |",
                  "| ---: | ---: | ---: | --- |"]
        for t, words in enumerate(r["top_words"]):
            lines.append(f"| {t} | {r['c_npmi_per_topic'][t]:.3f} | {r['held_out_npmi_per_topic'][t]:.3f} | "
                         f"{' '.join(w.replace('_', ' ') for w in words)} |")
        lines.append("")
    m = result["machine"]
    lines += ["## Machine", "", ", ".join(f"{k} {v}" for k, v in m.items()), ""]
    return "\n".join(lines)


def _render_curve(curve: dict | None, chosen: str) -> list[str]:
    if not curve:
        return []
    lines = [f"## Choosing K: {chosen}, K in {curve['range']}", "",
             f"`akhbar train --topics auto --k-range {curve['range']}` on the train articles: each K fitted on "
             f"{curve['fit_documents']} of them and scored on the other {curve['held_out_documents']} "
             f"({curve['rule']}); {curve['seconds']} s for the whole curve.", "",
             "| K | held-out NPMI | diversity | quality | |", "| ---: | ---: | ---: | ---: | --- |"]
    for k, c, d, q in zip(curve["k"], curve["coherence"], curve["diversity"], curve["quality"]):
        lines.append(f"| {k} | {c:.4f} | {d:.3f} | {q:.4f} | {'chosen' if k == curve['chosen'] else ''} |")
    return lines + ["", curve["why"] + ".", ""]


def command_line(argv: Sequence[str] | None) -> str:
    """The command that made a result, for the top of the report."""
    args = list(sys.argv[1:] if argv is None else argv)
    return "python -m akhbar.bench " + " ".join(shlex.quote(a) for a in args)
