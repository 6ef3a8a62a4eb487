"""Overfit, save, reload, compare: spaCy's textcat test applied to the whole akhbar model."""

from __future__ import annotations

import numpy as np
import pytest

import akhbar
from akhbar.bundle import load_model, save
from akhbar.train import TrainConfig, TrainingError, train
from akhbar.corpus import Document



def test_overfit_save_reload_gives_identical_predictions(seed_docs, small_config, tmp_path):
    model = train(seed_docs, small_config)
    texts = [d.full_text for d in seed_docs]
    from akhbar.predictor import Predictor

    before = Predictor(model, {}).predict(texts)
    # overfitting: the model must at least learn its own training articles
    train_acc = np.mean([p.label == d.label for p, d in zip(before, seed_docs)])
    assert train_acc >= 0.95
    path = save(model, tmp_path / "m")
    after = akhbar.load(path).predict(texts)
    assert [p.label for p in before] == [p.label for p in after]
    for a, b in zip(before, after):
        assert a.probabilities.keys() == b.probabilities.keys()
        np.testing.assert_allclose(list(a.probabilities.values()), list(b.probabilities.values()), rtol=1e-6)
        assert a.topics == b.topics
        assert a.terms == b.terms


def test_batch_equals_one_by_one(predictor, seed_docs):
    texts = [d.full_text for d in seed_docs[::7]]
    batch = predictor.predict(texts)
    for text, b in zip(texts, batch):
        single = predictor.predict_one(text)
        assert single.label == b.label
        assert single.probabilities == b.probabilities
        assert single.topics == b.topics
        assert single.terms == b.terms
    # and in a different batch split and order
    small = predictor.predict(texts[::-1], batch_size=3)[::-1]
    assert [p.to_dict() for p in small] == [p.to_dict() for p in batch]


def test_prediction_fields(predictor, seed_docs):
    p = predictor.predict([seed_docs[0].full_text])[0]
    assert p.ok and p.error is None
    assert set(p.probabilities) == set(predictor.labels)
    assert abs(sum(p.probabilities.values()) - 1) < 1e-9
    assert p.label == max(p.probabilities, key=p.probabilities.get)
    assert 1 <= len(p.topics) <= 3 and all(0 <= w <= 1 for _, w in p.topics)
    assert p.terms and all(isinstance(t, str) and w > 0 for t, w in p.terms)


def test_same_seed_same_model_different_seed_different_split(seed_docs, small_config):
    a = train(seed_docs, small_config)
    b = train(seed_docs, small_config)
    np.testing.assert_array_equal(a.classifier.coef_, b.classifier.coef_)
    np.testing.assert_array_equal(a.topics.topic_word_, b.topics.topic_word_)
    assert a.training["fingerprint"] == b.training["fingerprint"]
    c = train(seed_docs, TrainConfig(**{**small_config.to_dict(), "seed": 1}))
    assert not np.array_equal(a.topics.topic_word_, c.topics.topic_word_)


def test_manifest_records_what_made_the_model(trained_dir, seed_docs):
    model, manifest = load_model(trained_dir)
    assert manifest["format_version"] == 2
    assert manifest["config"]["weighting"] == "word"
    assert set(manifest["versions"]) >= {"akhbar", "python", "numpy", "scikit-learn", "gensim"}
    assert manifest["config"]["seed"] == 0 and manifest["config"]["topics"] == 6
    assert manifest["training"]["documents"] == len(seed_docs)
    assert len(manifest["training"]["fingerprint"]) == 64
    assert manifest["labels"] == sorted({d.label for d in seed_docs})
    val = manifest["metrics"]["validation"]
    assert val["documents"] == manifest["training"]["validation_documents"] > 0
    assert 0 <= val["macro_f1"] <= 1


def test_validation_part_is_held_out_then_refit(seed_docs, small_config):
    held = train(seed_docs, TrainConfig(**{**small_config.to_dict(), "refit": False}))
    t = held.training
    assert t["fit_documents"] + t["validation_documents"] == len(seed_docs)
    assert t["validation_documents"] == pytest.approx(0.1 * len(seed_docs), abs=1)
    refit = train(seed_docs, small_config)
    assert refit.training["fit_documents"] == len(seed_docs)
    # the metrics describe the held-out run in both cases, and say so
    assert refit.metrics["validation"] == held.metrics["validation"]
    assert "before the refit" in refit.metrics["validation"]["model"]
    # the refit model keeps the validated temperature but has learned from more articles
    assert refit.classifier.temperature_ == held.classifier.temperature_
    assert refit.words.get_state()["vocabulary"] == held.words.get_state()["vocabulary"]
    assert not np.array_equal(refit.classifier.coef_, held.classifier.coef_)


@pytest.mark.parametrize("docs, message", [
    ([], "no documents"),
    ([Document(text="نص عربي", label="a")] * 5, "at least two labels"),
    ([Document(text="نص عربي", label="a")] * 5 + [Document(text="نص آخر", label="b")], "single document"),
])
def test_training_refuses_unlearnable_corpora(docs, message):
    with pytest.raises(TrainingError, match=message):
        train(docs, TrainConfig(topics=0))


def test_model_without_topics(seed_docs, tmp_path):
    model = train(seed_docs, TrainConfig(topics=0, char_ngrams=None))
    assert model.topics is None and model.chars is None
    p = akhbar.load(save(model, tmp_path / "m")).predict([seed_docs[3].full_text])[0]
    assert p.topics == [] and p.label is not None


def test_temperature_is_not_driven_to_zero_by_a_perfect_small_validation():
    from scipy.special import softmax

    from akhbar.classify import fit_temperature

    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 20)
    scores = rng.normal(-1, 0.2, (20, 3))
    scores[np.arange(20), y] = 1.0  # every article right, by a clear margin
    t = fit_temperature(scores, y)
    top = softmax(scores / t, axis=1).max(axis=1)
    assert 0.9 < top.min() and top.max() < 0.999  # confident, not certain


def test_softmax_without_scipy_matches_scipys():
    # prediction computes probabilities without importing scipy.special; the same numbers, and
    # no overflow for margins far beyond exp's range
    from scipy import special

    from akhbar.classify import log_softmax, softmax

    rng = np.random.default_rng(1)
    for scores in (rng.normal(0, 3, (50, 6)), rng.normal(0, 1, (5, 2)) * 1e4, np.zeros((3, 4))):
        np.testing.assert_allclose(softmax(scores), special.softmax(scores, axis=1), rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(log_softmax(scores), special.log_softmax(scores, axis=1), rtol=1e-12)
        assert np.all(np.isfinite(log_softmax(scores)))


def test_parallel_predict_equals_serial(predictor, seed_docs):
    texts = [d.full_text for d in seed_docs] * 3 + [None, ""]
    serial = predictor.predict(texts, batch_size=64)
    parallel = predictor.predict(texts, batch_size=64, n_jobs=2)
    assert [p.to_dict() for p in parallel] == [p.to_dict() for p in serial]


def test_topic_process_gives_the_in_process_model(seed_docs):
    """The topic model trained in its own process (n_jobs=2) equals the one trained in line."""
    config = dict(topics=5, lda_passes=3, seed=3, char_ngrams=None)
    apart = train(seed_docs, TrainConfig(n_jobs=2, **config)).topics
    inline = train(seed_docs, TrainConfig(n_jobs=1, **config)).topics
    assert apart.vocabulary_ == inline.vocabulary_
    np.testing.assert_array_equal(apart.exp_elog_beta_, inline.exp_elog_beta_)
    assert apart.display_ == inline.display_
    assert any(d != v for d, v in zip(apart.display_, apart.vocabulary_))  # written forms, not stems


def test_a_failed_topic_process_is_reported(seed_docs, monkeypatch):
    monkeypatch.setattr("sys.executable", "/bin/false")
    with pytest.raises(TrainingError, match="topic model process failed .exit code 1"):
        train(seed_docs, TrainConfig(topics=5, lda_passes=1, n_jobs=2, char_ngrams=None))


def test_driving_terms_are_the_largest_positive_contributions(seed_docs):
    """Under the column weighting; the word weighting's terms are tested in test_scoring.py."""
    from akhbar.predictor import Predictor

    predictor = Predictor(train(seed_docs, TrainConfig(topics=4, lda_passes=2, weighting="column", seed=0)), {})
    texts = [d.full_text for d in seed_docs[:40]]
    X = predictor._featurizer.transform(texts).X
    coef = predictor.model.classifier.coef_
    n_words = len(predictor.model.words.vocabulary_)
    shown = predictor._terms()
    for text, row, p in zip(texts, range(40), predictor.predict(texts, top_terms=4)):
        best = predictor.labels.index(p.label)
        x = X[row].toarray().ravel()[:n_words]
        contrib = x * coef[best, :n_words]
        top = [j for j in np.argsort(-contrib, kind="stable")[:4] if contrib[j] > 0]
        assert [t for t, _ in p.terms] == [str(shown[j]) for j in top]
        assert [v for _, v in p.terms] == pytest.approx([contrib[j] for j in top], abs=1e-4)


def test_training_that_fails_after_starting_the_topic_process_leaves_nothing(seed_docs, monkeypatch):
    import gc
    import glob
    import tempfile

    import akhbar.estimators as estimators

    def boom(*args, **kwargs):
        raise RuntimeError("disk full while fitting the classifier")

    before = set(glob.glob(f"{tempfile.gettempdir()}/akhbar-lda-*"))
    monkeypatch.setattr(estimators.LinearCalibrated, "fit", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        train(seed_docs, TrainConfig(topics=5, lda_passes=50, n_jobs=2, char_ngrams=None))
    gc.collect()
    assert set(glob.glob(f"{tempfile.gettempdir()}/akhbar-lda-*")) == before  # folder removed, process killed


@pytest.mark.parametrize("text, warned", [
    ("قال الوزير إن الاقتصاد سينمو " + "1234567890 ،.؟! " * 40, False),  # few letters, all Arabic
    ("قال الوزير " + "the minister said the economy will grow " * 5, True),  # about a tenth Arabic
    ("قال الوزير إن الاقتصاد " + "economy grows ", False),  # most letters Arabic
    ("قال " + "x" * 16, True),  # 3 of 19 letters: 16 %
    ("قال " + "x" * 11, False),  # 3 of 14 letters: 21 %
])
def test_low_arabic_share_warning_counts_letters_only(text, warned):
    from akhbar.predictor import MIN_ARABIC_SHARE, clean_input
    from akhbar.text import arabic_share

    _, warnings = clean_input(text)
    assert (arabic_share(text) < MIN_ARABIC_SHARE) == warned
    assert any("letters are Arabic" in w for w in warnings) == warned


def test_loading_never_imports_numba_predicting_does(trained_dir):
    # numba and its compiler take ~0.45 s and ~100 MB: a process that loads a model to look at
    # it (its manifest, labels, topics) should not pay for them; the word table's records are numpy.
    # scikit-learn (with the scipy.stats it imports, 1.5-2 s) is for training: neither loading
    # nor predicting imports it, nor gensim
    import subprocess
    import sys

    script = f"""
import sys
import akhbar
predictor = akhbar.load({str(trained_dir)!r})
heavy = lambda: [m in sys.modules for m in ("numba", "sklearn", "scipy.stats", "gensim")]
print(*heavy(), len(predictor.labels))
p = predictor.predict_one("قالت الحكومة السورية إن المفاوضات مستمرة")
print(p.ok, len(p.topics) > 0 and len(p.terms) > 0, *heavy())
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, check=True)
    assert out.stdout.split() == ["False", "False", "False", "False", "6",
                                  "True", "True", "True", "False", "False", "False"]
