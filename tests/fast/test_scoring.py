"""The word weighting and scoring from per-word records (akhbar.fast.weighting.word_weighted,
akhbar.fast.scoring), against the definitions written out word by word and against ``X @ coef``."""

from __future__ import annotations

import math
import threading
from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp

from akhbar.fast.weighting import word_weighted
from akhbar.fast.featurizer import Featurizer
from akhbar.text import normalize_written, shown_forms, written_words
from akhbar.train import TrainConfig, train


def shown_form(word: str) -> str:
    return shown_forms([word])[0]


@pytest.mark.parametrize("written, shown", [
    ("سوريا", "سوريا"), ("سوريا،", "سوريا"), ("(سوريا).", "سوريا"), ("«الاقتصاد»", "الاقتصاد"),
    ("GDP-growth", "GDP-growth"), ("2024", "2024"), ("؟!", "؟!"), ("_x_", "x"),
])
def test_shown_form_drops_the_punctuation_around_a_word(written, shown):
    assert shown_form(written) == shown


def test_shown_forms_of_no_words_and_of_several():
    assert shown_forms([]) == []
    assert shown_forms(["سوريا،", "", "«غزة»"]) == ["سوريا", "", "غزة"]


def test_word_weighted_by_hand():
    # article 0: word 0 three times, word 1 once; article 1: word 2 only (no columns); idf 1, 2
    doc_words = sp.csr_matrix(np.array([[3, 1, 0], [0, 0, 1]], dtype=np.float32))
    word_rows = sp.csr_matrix(np.array([[1, 0], [2, 1], [0, 0]], dtype=np.float32))
    X = word_weighted(doc_words, word_rows, np.array([1.0, 2.0])).toarray()
    t0, t1 = 1 + math.log(3), 1.0
    e0, e1 = np.array([1.0, 0.0]), np.array([2.0, 2.0])
    z = math.sqrt(t0**2 * e0 @ e0 + t1**2 * e1 @ e1)
    np.testing.assert_allclose(X[0], (t0 * e0 + t1 * e1) / z)
    np.testing.assert_array_equal(X[1], [0.0, 0.0])


@pytest.fixture(scope="module")
def model(predictor):
    assert predictor.model.config.weighting == "word"  # the default
    return predictor.model


@pytest.fixture(scope="module")
def texts(seed_docs):
    extra = ["كَتَبَ الصَّحَفِيُّ مقالاً، عن «الاقتصاد» و الـــنفط!", "ﻻ ﺍﻟﺴﻼﻡ عليكم 2024 GDP-growth",
             "كلمةجديدةتماما وأخرى كلمةجديدةتماما", "٪٪ ، ؛", "في من على",
             "قالت سوريا، إن سوريا. لن تقبل ما تريده (سوريا) من المفاوضات في سوريا"]
    return [d.full_text for d in seed_docs] + extra


def _word_vectors(model, word):
    """A written word's idf-weighted rows of each block, straight from the analyzer and the
    vocabularies (dense, so the reference shares no code with the table)."""
    vocab = model.words.term_index_
    e_word = np.zeros(len(model.words.idf_))
    for token in model.analyzer.tokens_from_normalized(normalize_written(word)):
        if token in vocab:
            e_word[vocab[token]] += model.words.idf_[vocab[token]]
    e_char = np.zeros(len(model.chars.vocabulary_))
    for gram in model.chars.grams(word):
        if gram in model.chars.gram_index_:
            e_char[model.chars.gram_index_[gram]] += model.chars.idf_[model.chars.gram_index_[gram]]
    return e_word, e_char


def _reference(model, text):
    """The article's feature row and each written word's share of each label's score."""
    from akhbar.text import unfold_presentation_forms

    counts = Counter(written_words(unfold_presentation_forms(text)))
    parts = {w: (1 + math.log(n), *_word_vectors(model, w)) for w, n in counts.items()}
    z_word = math.sqrt(sum(t * t * (ew @ ew) for t, ew, _ in parts.values()))
    z_char = math.sqrt(sum(t * t * (ec @ ec) for t, _, ec in parts.values()))
    x_word = sum(t * ew for t, ew, _ in parts.values()) / (z_word or 1.0)
    x_char = sum(t * ec for t, _, ec in parts.values()) / (z_char or 1.0)
    coef = model.classifier.coef_.astype(np.float64)
    n_words = x_word.size
    shares = {w: t * ((coef[:, :n_words] @ ew) / (z_word or 1.0) + (coef[:, n_words:] @ ec) / (z_char or 1.0))
              for w, (t, ew, ec) in parts.items()}
    return np.concatenate([x_word, x_char]), shares


def test_word_weighted_rows_equal_the_definition(model, texts):
    X = model.featurizer().transform(texts).X.toarray()
    for row, text in zip(X, texts):
        np.testing.assert_allclose(row, _reference(model, text)[0], atol=1e-6)


def test_scores_equal_the_features_times_the_coefficients(model, texts):
    featurizer = model.featurizer()
    X = featurizer.transform(texts).X
    scored = featurizer.score(texts)
    np.testing.assert_allclose(scored.scores, model.classifier.decision_function(X), atol=1e-5)
    np.testing.assert_array_equal(scored.best, np.argmax(scored.scores, axis=1))


def test_terms_are_the_largest_shares_of_the_winning_score(model, texts):
    scored = model.featurizer().score(texts, terms=4)
    intercept = model.classifier.intercept_
    for d, text in enumerate(texts):
        _, shares = _reference(model, text)
        best = scored.best[d]
        total = sum(s[best] for s in shares.values())
        assert total == pytest.approx(scored.scores[d, best] - intercept[best], abs=1e-4)
        by_form: dict[str, float] = {}  # a word with punctuation around it is shown without
        for w, s in shares.items():
            by_form[shown_form(w)] = by_form.get(shown_form(w), 0.0) + s[best]
        expected = sorted(((v, w) for w, v in by_form.items() if v > 0), key=lambda p: -p[0])[:4]
        got = [(v, shown_form(scored.words[r])) for r, v in zip(scored.term_rows[d], scored.term_values[d]) if r >= 0]
        assert [w for _, w in got] == [w for _, w in expected]
        np.testing.assert_allclose([v for v, _ in got], [v for v, _ in expected], atol=1e-5)


def test_topic_counts_and_token_counts_equal_the_table_sums(model, texts):
    featurizer = model.featurizer()
    features = featurizer.transform(texts)
    scored = featurizer.score(texts)
    difference = scored.topic_counts - features.topic_counts
    assert abs(difference).max() == 0
    np.testing.assert_array_equal(scored.n_tokens, features.n_tokens)
    assert featurizer.score(texts, topics=False).topic_counts is None


def test_a_text_scores_the_same_alone_and_in_any_batch(model, texts):
    featurizer = model.featurizer()
    batch = featurizer.score(texts, terms=5)
    again = model.featurizer().score(texts[::-1], terms=5)  # another table, other row ids
    for d in range(0, len(texts), 5):
        alone = featurizer.score([texts[d]], terms=5)
        np.testing.assert_array_equal(alone.scores[0], batch.scores[d])
        assert [shown_form(alone.words[r]) for r in alone.term_rows[0] if r >= 0] == \
               [shown_form(batch.words[r]) for r in batch.term_rows[d] if r >= 0]
        np.testing.assert_array_equal(again.scores[len(texts) - 1 - d], batch.scores[d])
        np.testing.assert_array_equal(alone.topic_counts.toarray()[0], batch.topic_counts.toarray()[d])


def test_a_full_table_starts_over_without_changing_scores(model, texts):
    reference = model.featurizer().score(texts).scores
    small = Featurizer(model.analyzer, model.words, model.chars, model.topics, capacity=50, weighting="word",
                       weights=(model.classifier.coef_, model.classifier.intercept_))
    first = small._table
    for start in range(0, len(texts), 10):
        np.testing.assert_array_equal(small.score(texts[start:start + 10]).scores, reference[start:start + 10])
    assert small._table is not first


def test_threads_sharing_a_cold_table_agree_with_one_thread(model, texts):
    reference = model.featurizer().score(texts, terms=3).scores
    shared = model.featurizer()
    shared._seed = None
    shared._table = shared._new_table()  # cold: every thread adds words at once
    out = [None] * 4
    barrier = threading.Barrier(4)

    def work(i):
        barrier.wait()
        out[i] = shared.score(texts[i::4], terms=3).scores

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(4):
        np.testing.assert_array_equal(out[i], reference[i::4])


def test_two_labels_score_one_margin(seed_docs):
    docs = [d for d in seed_docs if d.label in ("sport", "economy")]
    model = train(docs, TrainConfig(topics=0, seed=0))
    texts = [d.full_text for d in docs[:20]]
    featurizer = model.featurizer()
    scored = featurizer.score(texts, terms=3)
    margin = model.classifier.decision_function(featurizer.transform(texts).X)
    np.testing.assert_allclose(scored.scores[:, 0], margin, atol=1e-5)
    np.testing.assert_array_equal(scored.best, (margin > 0).astype(int))
    assert (scored.term_values[scored.term_rows >= 0] > 0).all()  # shares toward the label won


def test_a_word_written_with_punctuation_around_it_is_one_term(model, texts):
    scored = model.featurizer().score(texts, terms=10)
    terms = [shown_form(scored.words[r]) for r in scored.term_rows[-1] if r >= 0]
    assert len(terms) == len(set(terms)) and "سوريا" in terms


@pytest.mark.parametrize("first", ["سوريا، وصلت", "سوريا وصلت", "(سوريا). وصلت", None])
def test_forms_of_a_word_are_one_term_whatever_the_table_met_first(model, texts, first):
    featurizer = model.featurizer()
    featurizer._seed = None
    featurizer._table = featurizer._new_table()  # cold, so the order the forms arrive in counts
    if first is not None:
        featurizer.score([first], terms=3)
    scored = featurizer.score(texts[-1:], terms=10)
    terms = [shown_form(scored.words[r]) for r in scored.term_rows[0] if r >= 0]
    assert terms.count("سوريا") == 1 and len(terms) == len(set(terms))
    np.testing.assert_allclose(scored.term_values[0], model.featurizer().score(texts[-1:], terms=10).term_values[0],
                               atol=1e-9)


def test_a_saved_table_carries_the_shown_form_of_each_of_its_words(model):
    table = model.word_table
    assert table.shown is not None and table.forms  # saved, reloaded; the seeds end sentences
    words = table.words
    assert [shown_form(words[r]) for r in table.shown.tolist()] == shown_forms(words)
    assert all(shown_form(words[r]) == form and form not in set(words) for form, r in table.forms.items())


def test_the_saved_shown_forms_give_the_terms_worked_out_at_predict_time(model, texts):
    import dataclasses

    lazy = model.featurizer()
    lazy._seed = dataclasses.replace(model.word_table, shown=None, forms=None)
    lazy._table = lazy._new_table()
    saved = model.featurizer()
    form = next(iter(model.word_table.forms))  # the table has it only with punctuation around it
    more = texts + [f"{form} وصلت {form} و{form}"]
    a, b = lazy.score(more, terms=10), saved.score(more, terms=10)
    assert [[shown_form(a.words[r]) for r in row if r >= 0] for row in a.term_rows] == \
           [[shown_form(b.words[r]) for r in row if r >= 0] for row in b.term_rows]
    np.testing.assert_allclose(a.term_values, b.term_values, atol=1e-9)
    assert [shown_form(b.words[r]) for r in b.term_rows[-1] if r >= 0].count(form) <= 1


def test_predict_uses_the_scores_and_names_written_words(predictor, texts):
    results = predictor.predict(texts, top_terms=3)
    scored = predictor.model.featurizer().score(texts, terms=3)
    for r, best, rows in zip(results, scored.best, scored.term_rows):
        if r.ok:
            assert r.label == predictor.labels[best]
            assert [t for t, _ in r.terms] == [shown_form(scored.words[j]) for j in rows if j >= 0]


@pytest.mark.parametrize("options, message", [
    ({"weighting": "tfidf"}, "weighting must be one of word, column"),
    ({"word_ngrams": (1, 2)}, "word n-grams need weighting 'column'"),
])
def test_config_refuses_what_the_word_weighting_cannot_do(options, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**options)


def test_column_weighting_still_trains_and_predicts(seed_docs):
    model = train(seed_docs[:90], TrainConfig(topics=0, weighting="column", seed=0))
    featurizer = model.featurizer()
    assert not featurizer.scores_words
    from akhbar.predictor import Predictor

    results = Predictor(model, {}).predict([d.full_text for d in seed_docs[90:100]], top_terms=2)
    assert all(r.ok and r.label in model.labels for r in results)


def test_a_format_1_model_loads_with_the_column_weighting(trained_dir, tmp_path, seed_docs):
    import json
    import shutil

    import akhbar
    from akhbar.bundle import _sha256

    copy = tmp_path / "format1"
    shutil.copytree(trained_dir, copy)
    manifest = json.loads((copy / "manifest.json").read_text("utf-8"))
    manifest["format_version"] = 1
    del manifest["config"]["weighting"]  # format 1 had no such option: it weighed per column
    # and it kept the table's tokens as a list of lists, without a file of counts
    flat = json.loads((copy / "table.tokens.json").read_text("utf-8"))
    ends = np.cumsum(np.load(copy / "table.token_counts.npy"))
    nested = [flat[end - n:end] for end, n in zip(ends.tolist(), np.diff(ends, prepend=0).tolist())]
    (copy / "table.tokens.json").write_text(json.dumps(nested, ensure_ascii=False), "utf-8")
    (copy / "table.token_counts.npy").unlink()
    del manifest["files"]["table.token_counts.npy"]
    manifest["files"]["table.tokens.json"] = {"sha256": _sha256(copy / "table.tokens.json"),
                                              "bytes": (copy / "table.tokens.json").stat().st_size}
    (copy / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    old = akhbar.load(copy)
    assert old.model.config.weighting == "column" and not old._featurizer.scores_words
    assert old.model.word_table.tokens[5] == flat[ends[4]:ends[5]]
    result = old.predict_one(seed_docs[0].full_text)
    assert result.ok and result.label in old.labels
