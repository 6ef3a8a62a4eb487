"""The Gibbs sampler (``sampler="gibbs"``, tomotopy): what it hands to akhbar's inference, that
it finds planted topics and follows seed words, and that a model it trained saves, loads and
predicts like any other (made-up words: ``made_up``)."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from scipy.special import digamma

from akhbar.corpus import Document
from akhbar.features.gibbs import GIBBS_ETA, sample, state_of
from akhbar.features.lda import BowCorpus
from made_up import GROUPS, planted


def test_state_is_the_dirichlet_posterior_of_the_sampled_counts():
    """lambda - eta recovered from tomotopy's smoothed distribution equals the topic-word counts
    of the final sample, and exp(E[log beta]) is computed from that lambda."""
    bow = BowCorpus.from_tokens(planted(3), 1, 1.0)
    model, extra = sample(bow, 3, 50, random_state=1)
    state = state_of(model, bow.vocabulary, extra)
    column = {w: j for j, w in enumerate(bow.vocabulary)}
    counts = np.zeros((3, len(bow.vocabulary)))
    for doc in model.docs:
        for word_id, topic in zip(doc.words, doc.topics):
            counts[topic, column[model.vocabs[word_id]]] += 1
    lam = state["topic_word"] * (counts.sum(axis=1, keepdims=True) + GIBBS_ETA * len(bow.vocabulary))
    np.testing.assert_allclose(lam - GIBBS_ETA, counts, atol=1e-3)
    expected = np.exp(digamma(counts + GIBBS_ETA) - digamma((counts + GIBBS_ETA).sum(axis=1, keepdims=True)))
    np.testing.assert_allclose(state["exp_elog_beta"], np.maximum(expected, 1e-30), rtol=1e-4)
    assert state["alpha"].shape == (3,) and np.all(state["alpha"] > 0)


def test_gibbs_finds_planted_topics_and_a_seed_gives_the_same_model():
    from akhbar.estimators import LdaTopics

    tokens = planted(4)
    fit = lambda seed: LdaTopics(num_topics=4, sampler="gibbs", sweeps=100, no_below=1, no_above=1.0,
                                 random_state=seed).fit(tokens)
    lda = fit(0)
    groups = [{next(g for g, words in enumerate(GROUPS) if w in words) for w, _ in row} for row in lda.top_words(10)]
    assert all(len(g) == 1 for g in groups) and set().union(*groups) == {0, 1, 2, 3}
    np.testing.assert_array_equal(fit(0).topic_word_, lda.topic_word_)
    assert not np.array_equal(fit(1).topic_word_, lda.topic_word_)
    # the planted topic of each document is found again by akhbar's own inference
    theta = lda.transform(tokens)
    best = theta.argmax(axis=1)
    assert all(len(set(best[d::4])) == 1 for d in range(4)) and len(set(best[:4])) == 4


def test_guided_gibbs_topics_put_their_seed_words_in_their_top_words():
    from akhbar.text import Analyzer, normalize
    from akhbar.topics.fitting import TopicPlan, begin

    rng = np.random.default_rng(3)
    docs = []
    for d in range(200):  # two mixed subjects in every article
        words = list(rng.choice(GROUPS[d % 3], 20)) + list(rng.choice(GROUPS[3 + d % 3], 20))
        docs.append(Document(text=" ".join(words), label="x", id=str(d)))
    analyzer = Analyzer()
    tokens = [analyzer.tokens_from_normalized(normalize(d.text)) for d in docs]
    seeds = [{"name": "هواتف", "words": GROUPS[5][:4]}, {"name": "مسرح", "words": GROUPS[2][:4]}]
    plan = TopicPlan(topics=6, k_range=None, passes=None, iterations=50, no_below=2, no_above=0.9, keep_n=50_000,
                     seed=0, parallel=False, filler=False, seed_topics=seeds, sampler="gibbs", sweeps=150)
    topics, summary, record = begin(tokens, plan, analyzer, lambda m: None).finish(docs, list)
    assert [s["in_top_10"] for s in record["seed_topics"]] == [4, 4]
    assert record["topic_sampler"] == "gibbs" and record["topic_sweeps"] == 150


def test_a_gibbs_model_trains_from_the_cli_saves_loads_and_predicts(tmp_path, seed_docs):
    import akhbar
    from akhbar.cli import main

    out = tmp_path / "gibbs"
    assert main(["train", "--topics", "6", "--topic-sampler", "gibbs", "--topic-sweeps", "100", "--out", str(out),
                 "--topics-dir", str(tmp_path / "topics"), "--quiet"]) == 0
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["estimators"]["topics"]["sampler"] == "gibbs"
    assert manifest["training"]["topic_sampler"] == "gibbs"
    predictor = akhbar.load(out)
    texts = [d.full_text for d in seed_docs[:12]]
    batch = predictor.predict(texts, top_topics=3)
    one_by_one = [predictor.predict([t], top_topics=3)[0] for t in texts]
    assert [p.topics for p in batch] == [p.topics for p in one_by_one]
    assert all(len(p.topics) == 3 and 0 < sum(w for _, w in p.topics) <= 1 + 1e-9 for p in batch)
    assert [p.label for p in batch] == [p.label for p in one_by_one]


def test_without_tomotopy_the_sampler_says_how_to_install_it(monkeypatch, seed_docs):
    from akhbar.train import TrainConfig, TrainingError, train

    monkeypatch.setitem(sys.modules, "tomotopy", None)  # import tomotopy now raises ImportError
    with pytest.raises(TrainingError, match=r"needs tomotopy.*pip install tomotopy"):
        train(seed_docs[:60], TrainConfig(topics=3, topic_sampler="gibbs", n_jobs=1))


def test_bad_sampler_settings_are_refused_by_name():
    from akhbar.estimators import LdaTopics
    from akhbar.train import TrainConfig

    with pytest.raises(ValueError, match="topic_sampler"):
        TrainConfig(topic_sampler="mcmc")
    with pytest.raises(ValueError, match="topic_sweeps"):
        TrainConfig(topic_sampler="gibbs", topic_sweeps=0)
    with pytest.raises(ValueError, match="sampler"):
        LdaTopics(num_topics=2, sampler="mcmc", no_below=1).fit(planted(2, n_docs=20))


def test_the_spark_engine_refuses_gibbs_by_name():
    from akhbar.cli import main

    with pytest.raises(SystemExit):
        main(["train", "--engine", "spark", "--corpus", "x.jsonl", "--topic-sampler", "gibbs"])
