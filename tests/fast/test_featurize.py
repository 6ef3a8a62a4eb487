"""The word table (akhbar.fast.featurizer) against the block transforms it replaces at prediction time."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.fast.featurizer import Featurizer
from akhbar.text import Analyzer, char_view, normalize, normalize_written, written_words
from akhbar.train import TrainConfig, train


def _reference(model, texts):
    """What the blocks give one by one: word TF-IDF of analyzer tokens, char n-grams of char_view."""
    analyzer = model.analyzer
    tokens = [analyzer.tokens_from_normalized(normalize(t)) for t in texts]
    X = sp.hstack([model.words.transform(tokens), model.chars.transform([char_view(t) for t in texts])],
                  format="csr")
    return X, model.topics.bow_matrix(tokens), np.array([len(t) for t in tokens])


@pytest.fixture(scope="module")
def model(predictor):
    return predictor.model


@pytest.fixture(scope="module")
def texts(seed_docs):
    # seeds plus texts with what the table must get right: unknown words, diacritics, tatweel,
    # punctuation glued to words, Latin, digits, presentation forms, a word-less text
    extra = ["كَتَبَ الصَّحَفِيُّ مقالاً، عن «الاقتصاد» و الـــنفط!", "ﻻ ﺍﻟﺴﻼﻡ عليكم 2024 GDP-growth",
             "كلمةجديدةتماما وأخرى", "٪٪ ، ؛"]
    return [d.full_text for d in seed_docs] + extra


def test_table_equals_the_block_transforms(model, texts):
    features = Featurizer(model.analyzer, model.words, model.chars, model.topics).transform(texts)
    X, counts, n_tokens = _reference(model, texts)
    assert features.X.shape == X.shape
    np.testing.assert_allclose(features.X.toarray(), X.toarray(), atol=1e-6)
    assert (features.topic_counts != counts).nnz == 0
    assert list(features.n_tokens) == list(n_tokens)


def test_warm_table_and_batches_give_the_same_rows(model, texts):
    featurizer = Featurizer(model.analyzer, model.words, model.chars, model.topics)
    cold = featurizer.transform(texts).X.toarray()
    warm = featurizer.transform(texts).X.toarray()
    one_by_one = np.vstack([featurizer.transform([t]).X.toarray() for t in texts[::7]])
    np.testing.assert_array_equal(cold, warm)
    np.testing.assert_allclose(one_by_one, cold[::7], atol=1e-7)


def test_a_full_table_starts_over_without_changing_results(model, texts):
    small = Featurizer(model.analyzer, model.words, model.chars, model.topics, capacity=50)
    reference = Featurizer(model.analyzer, model.words, model.chars, model.topics).transform(texts).X
    first = small._table
    for start in range(0, len(texts), 10):
        part = small.transform(texts[start:start + 10]).X
        np.testing.assert_allclose(part.toarray(), reference[start:start + 10].toarray(), atol=1e-7)
    assert small._table is not first  # it did start over
    assert len(small._table.ids) < 50 + 10 * 400  # bounded by capacity plus one batch's words


def test_threads_sharing_a_cold_table_agree_with_one_thread(model, texts):
    expected = Featurizer(model.analyzer, model.words, model.chars, model.topics).transform(texts).X.toarray()
    shared = Featurizer(model.analyzer, model.words, model.chars, model.topics)
    results, errors = {}, []

    def work(k):
        try:
            order = list(range(len(texts)))[k::4] + list(range(len(texts)))
            for i in order:
                results[(k, i)] = shared.transform([texts[i]]).X.toarray()[0]
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for (k, i), row in results.items():
        np.testing.assert_allclose(row, expected[i], atol=1e-7)


def test_word_bigrams_go_through_the_token_lists(seed_docs):
    model = train(seed_docs[:80], TrainConfig(topics=0, word_ngrams=(1, 2), weighting="column", seed=0))
    texts = [d.full_text for d in seed_docs[80:120]]
    features = model.featurizer().transform(texts)
    tokens = [model.analyzer.tokens_from_normalized(normalize(t)) for t in texts]
    X = sp.hstack([model.words.transform(tokens), model.chars.transform([char_view(t) for t in texts])],
                  format="csr")
    np.testing.assert_allclose(features.X.toarray(), X.toarray(), atol=1e-6)
    assert features.topic_counts is None


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80) | st.lists(
    st.sampled_from(["ال", "كتاب", "،", " ", "\n", "ـ", "َ", "ﻻ", "İ", "Σ", "A", "٣", "!", "\u200c", "ة", "أ"]),
    max_size=30).map("".join)


@settings(max_examples=400)
@given(_TEXT)
def test_word_by_word_analysis_equals_whole_text(text):
    assert written_words(text) == char_view(text).split()
    analyzer = Analyzer()
    by_word = [t for w in written_words(text) for t in analyzer.tokens_from_normalized(normalize_written(w))]
    assert by_word == analyzer.tokens_from_normalized(normalize(text))
    words = written_words(text)  # the table finishes new words in one pass, joined by newlines
    assert normalize_written("\n".join(words)).split("\n") == [normalize_written(w) for w in words] or not words
    # and tokenizes them in one pass: one tuple per word, the word's own tokens
    if words:
        assert analyzer.tokens_per_line(normalize_written("\n".join(words))) == [
            tuple(analyzer.tokens_from_normalized(normalize_written(w))) for w in words]


def test_a_saved_word_table_gives_the_same_features_and_starts_warm(model, texts, predictor):
    assert model.word_table is not None and len(model.word_table.words) > 100  # saved, reloaded
    seeded = Featurizer(model.analyzer, model.words, model.chars, model.topics, seed=model.word_table)
    empty = Featurizer(model.analyzer, model.words, model.chars, model.topics)
    assert len(seeded._table.ids) == len(model.word_table.words) and not empty._table.ids
    a, b = seeded.transform(texts), empty.transform(texts)
    np.testing.assert_allclose(a.X.toarray(), b.X.toarray(), atol=1e-7)
    assert (a.topic_counts != b.topic_counts).nnz == 0 and list(a.n_tokens) == list(b.n_tokens)


def test_a_full_seeded_table_starts_over_from_the_seed(model, texts):
    small = Featurizer(model.analyzer, model.words, model.chars, model.topics, capacity=50, seed=model.word_table)
    first = small._table
    unseen = [f"خبر{i} عاجل{i} من المراسل{i}" for i in range(60)]  # 180 words no seed has
    for start in range(0, len(unseen), 10):
        small.transform(unseen[start:start + 10])
    assert small._table is not first
    assert set(model.word_table.words) <= set(small._table.ids)


def test_word_table_must_fit_the_model(model):
    from akhbar.fast.table import WordTable

    table = model.word_table
    broken = WordTable(words=table.words, tokens=table.tokens[:-1], blocks=table.blocks)
    with pytest.raises(ValueError, match="one token list per word"):
        Featurizer(model.analyzer, model.words, model.chars, model.topics, seed=broken)
    fewer = WordTable(words=table.words, tokens=table.tokens, blocks={"words": table.blocks["words"]})
    with pytest.raises(ValueError, match="blocks"):
        Featurizer(model.analyzer, model.words, model.chars, model.topics, seed=fewer)


def test_compiled_and_python_analysis_of_new_words_fill_the_table_alike(model, texts):
    compiled = Featurizer(model.analyzer, model.words, model.chars, model.topics)
    python = Featurizer(model.analyzer, model.words, model.chars, model.topics)
    python._compiled = False  # what a model whose analyzer the compiled path cannot serve gets
    a, b = compiled.transform(texts), python.transform(texts)
    assert compiled._compiled_analysis() is not None and python._compiled_analysis() is None
    assert (a.X != b.X).nnz == 0 and (a.topic_counts != b.topic_counts).nnz == 0
    assert a.n_tokens.tolist() == b.n_tokens.tolist()


def test_new_words_get_their_rows_when_another_batch_added_some_of_them_first(model):
    """A batch that found words missing may add them after another batch added some: each word
    joins the table once, and every one gets its own row."""
    featurizer = Featurizer(model.analyzer, model.words, model.chars, model.topics)
    table = featurizer._current_table()
    featurizer._index(table)
    known = len(table.ids)
    first = ["كلمةأولى", "كلمةثانية"]
    assert featurizer._add(table, first, known).tolist() == [known, known + 1]
    later = ["كلمةثالثة", "كلمةثانية", "كلمةأولى"]  # scanned when the table had *known* words
    rows = featurizer._add(table, later, known)
    assert rows.tolist() == [table.ids[w] for w in later] == [known + 2, known + 1, known]
    assert len(table.ids) == len(table.words) == len(table.index) == known + 3
    assert featurizer._add(table, later).tolist() == rows.tolist()  # all present: nothing added
    assert len(table.words) == known + 3
