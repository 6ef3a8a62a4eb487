"""Feature blocks against their references: scikit-learn's char_wb and gensim's LDA inference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from akhbar.estimators import CharNgrams, LdaTopics, WordTfidf
from akhbar.fast.arrays import count_rows
from akhbar.features import FittedWordTfidf
from akhbar.features.words import _WordNgrams
from akhbar.text import Analyzer, normalize


@pytest.fixture(scope="module")
def normalized(seed_docs):
    return [normalize(d.full_text) for d in seed_docs]


def test_char_ngrams_equal_scikit_learn_char_wb(normalized):
    fit, new = normalized[:150], normalized[150:]
    ref = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False, min_df=2,
                          max_df=0.9, sublinear_tf=True)
    ours = CharNgrams(ngram_range=(2, 5), min_df=2, max_df=0.9, max_features=None)
    A, B = ref.fit_transform(fit), ours.fit_transform(fit)
    assert list(ref.get_feature_names_out()) == ours.vocabulary_
    np.testing.assert_allclose(A.toarray(), B.toarray(), atol=1e-6)
    np.testing.assert_allclose(ref.transform(new).toarray(), ours.transform(new).toarray(), atol=1e-6)


def test_char_ngrams_max_features_keeps_most_frequent(normalized):
    full = CharNgrams(max_features=None).fit(normalized)
    cut = CharNgrams(max_features=500).fit(normalized)
    assert len(cut.vocabulary_) == 500
    assert set(cut.vocabulary_) <= set(full.vocabulary_)


def test_word_tfidf_state_round_trip(normalized):
    an = Analyzer()
    tokens = [an.tokens_from_normalized(t) for t in normalized]
    w = WordTfidf(ngram_range=(1, 2)).fit(tokens[:150])
    again = FittedWordTfidf.from_state(w.get_params(), w.get_state())  # what loading builds
    assert (w.transform(tokens[150:]) != again.transform(tokens[150:])).nnz == 0
    assert any(" " in term for term in w.vocabulary_)  # bigrams are there
    assert again.get_params() == w.get_params()


@pytest.mark.parametrize("sublinear", [True, False])
def test_word_tfidf_transform_is_scikit_learns(normalized, sublinear):
    # the fitted half transforms without scikit-learn; the matrix must be TfidfVectorizer's
    an = Analyzer()
    tokens = [an.tokens_from_normalized(t) for t in normalized]
    w = WordTfidf(ngram_range=(1, 2), min_df=2, max_features=3000, sublinear_tf=sublinear).fit(tokens[:150])
    ref = TfidfVectorizer(analyzer=lambda t: _WordNgrams((1, 2))(t), min_df=2, max_df=0.9, max_features=3000,
                          sublinear_tf=sublinear, dtype=np.float32).fit(tokens[:150])
    assert w.vocabulary_ == list(ref.get_feature_names_out())
    ours, theirs = w.transform(tokens[150:] + [[], ["كلمة_لا_يعرفها"]]), ref.transform(tokens[150:] + [[], ["كلمة_لا_يعرفها"]])
    assert ours.dtype == theirs.dtype == np.float32 and ours.nnz == theirs.nnz > 0
    np.testing.assert_allclose(ours.toarray(), theirs.toarray(), rtol=1e-6, atol=1e-7)


def test_estimators_keep_scikit_learns_contract():
    from sklearn.base import clone, is_classifier

    from akhbar.estimators import LinearCalibrated

    for est in (WordTfidf(min_df=3), CharNgrams(ngram_range=(2, 4)), LdaTopics(num_topics=7),
                LinearCalibrated(C=0.5)):
        copy = clone(est)
        assert type(copy) is type(est) and copy.get_params() == est.get_params()
        if "random_state" in est.get_params():
            assert copy.set_params(random_state=3) is copy and copy.random_state == 3 != est.random_state
        assert type(est).__name__ in repr(est)
    assert is_classifier(LinearCalibrated())


def test_lda_inference_matches_gensim(normalized):
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    an = Analyzer()
    tokens = [an.tokens_from_normalized(t) for t in normalized]
    topics = LdaTopics(num_topics=5, passes=10, no_below=3, random_state=1).fit(tokens)
    # rebuild the same gensim model to ask it for the topics of new documents
    dictionary = Dictionary(tokens)
    dictionary.filter_extremes(no_below=3, no_above=0.5, keep_n=50_000)
    assert [dictionary[i] for i in range(len(dictionary))] == topics.vocabulary_
    lda = LdaModel(corpus=[dictionary.doc2bow(t) for t in tokens], id2word=dictionary, num_topics=5,
                   passes=10, iterations=50, chunksize=2000, random_state=1, alpha="symmetric", eval_every=None,
                   eta="symmetric", dtype=np.float64)
    np.testing.assert_allclose(lda.expElogbeta, topics.exp_elog_beta_)
    # the same fixed point: both run until an update moves gamma by less than 1e-10. (Stopped at
    # the default 1e-3, a slowly converging row can still be 0.1 from it, and ours, accelerated,
    # stops nearer it than gensim's plain loop: the next test.)
    lda.gamma_threshold, lda.iterations = 1e-10, 100_000
    topics.infer_tol, topics.infer_iterations = 1e-10, 100_000
    ours = topics.transform(tokens[:40])
    for row, toks in zip(ours, tokens[:40]):
        theirs = np.zeros(5)
        for k, p in lda.get_document_topics(dictionary.doc2bow(toks), minimum_probability=0):
            theirs[k] = p
        np.testing.assert_allclose(row, theirs, atol=1e-5)  # our sums over words are float32
        assert abs(row.sum() - 1) < 1e-9


def test_lda_empty_document_gets_the_prior(normalized):
    an = Analyzer()
    tokens = [an.tokens_from_normalized(t) for t in normalized]
    topics = LdaTopics(num_topics=4, passes=2, no_below=3).fit(tokens)
    theta = topics.transform([[], ["كلمةغيرموجودة"]])
    np.testing.assert_allclose(theta, np.full((2, 4), 0.25))


@pytest.mark.parametrize("no_below, no_above, keep_n", [(3, 0.5, 50_000), (1, 1.0, None), (2, 0.3, 40), (5, 0.9, 7)])
def test_bow_corpus_counts_like_gensim(normalized, no_below, no_above, keep_n):
    from gensim.corpora import Dictionary

    from akhbar.features import BowCorpus

    an = Analyzer()
    tokens = [an.tokens_from_normalized(t) for t in normalized] + [[], ["ب", "ا", "ب"]]
    dictionary = Dictionary(tokens)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    dictionary.compactify()
    ours = BowCorpus.from_tokens(tokens, no_below, no_above, keep_n)
    assert ours.vocabulary == [dictionary[i] for i in range(len(dictionary))]
    assert list(ours) == [dictionary.doc2bow(t) for t in tokens]


def test_stack_blocks_and_head_rows_equal_scipy():
    import scipy.sparse as sp

    from akhbar.features.matrices import head_rows, stack_blocks

    a, b = sp.random(9000, 7, density=0.3, format="csr", random_state=1, dtype=np.float32), \
        sp.random(9000, 5, density=0.2, format="csr", random_state=2, dtype=np.float32)
    c = sp.random(3, 12, density=0.5, format="csr", random_state=3, dtype=np.float32)
    ours = stack_blocks([[a, b], [c]], dtype=np.float64)
    theirs = sp.vstack([sp.hstack([a, b]), c], format="csr", dtype=np.float64)
    assert ours.dtype == np.float64 and ours.shape == theirs.shape
    assert (ours != theirs).nnz == 0
    head = head_rows(ours, 8999)
    assert (head != theirs[:8999]).nnz == 0 and np.shares_memory(head.data, ours.data)
    groups = [[a, b], [c]]
    released = stack_blocks(groups, dtype=np.float64, release=True)
    assert groups == [None, None] and (released != theirs).nnz == 0


def test_compiled_digamma_matches_scipy():
    from scipy.special import digamma

    from akhbar.fast.inference import _digamma

    for x in (1e-6, 0.01, 0.0333, 0.5, 1.0, 2.5, 5.999, 6.0, 30.0, 1234.5, 1e8):
        assert abs(_digamma(x) - digamma(x)) <= 1e-11 * max(1.0, abs(digamma(x))), x


def test_lda_rows_do_not_depend_on_their_batch(normalized):
    an = Analyzer()
    tokens = [an.tokens_from_normalized(t) for t in normalized]
    topics = LdaTopics(num_topics=6, passes=2, no_below=3, random_state=0).fit(tokens)
    counts = topics.bow_matrix(tokens[:30])
    whole = topics.infer(counts)
    one_by_one = np.vstack([topics.infer(counts[i:i + 1]) for i in range(30)])
    reversed_ = topics.infer(counts[::-1])[::-1]
    assert np.array_equal(whole, one_by_one) and np.array_equal(whole, reversed_)


def _plain_inference(topics, counts, tol: float, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    """gensim's update loop in numpy, unaccelerated, from the kernel's starting point: per row the
    normalized gamma and the updates it took."""
    from scipy.special import digamma

    beta, spread, alpha = topics._exp_elog_beta, topics._spread, topics.alpha_
    out, steps = np.zeros((counts.shape[0], alpha.size)), np.zeros(counts.shape[0], dtype=int)
    for r in range(counts.shape[0]):
        row = counts[r]
        ids, n = row.indices, row.data
        gamma = alpha + n @ spread[ids]
        for steps[r] in range(1, iterations + 1 if ids.size else 1):
            theta = np.exp(digamma(gamma) - digamma(gamma.sum()))
            new = alpha + theta * ((n / (beta[ids] @ theta + 1e-30)) @ beta[ids])
            change, gamma = np.abs(new - gamma).mean(), new
            if change < tol:
                break
        out[r] = gamma / gamma.sum()
    return out, steps


def test_accelerated_inference_gets_nearer_the_fixed_point_than_the_plain_loop(normalized):
    """The kernel's SQUAREM rounds against the plain loop it accelerates, both measured from where
    the plain loop ends up when run to 1e-10: stopping by the same rule (one update moves gamma
    less than the tolerance), and stopped after the same number of updates."""
    an = Analyzer()
    tokens = [an.tokens_from_normalized(t) for t in normalized]
    topics = LdaTopics(num_topics=8, passes=2, no_below=3, random_state=0).fit(tokens)
    counts = topics.bow_matrix(tokens)
    exact, _ = _plain_inference(topics, counts, 1e-10, 100_000)
    plain, plain_steps = _plain_inference(topics, counts, 1e-3, 50)
    ours = topics.infer(counts)
    assert np.abs(ours - exact).mean() < np.abs(plain - exact).mean()
    assert plain_steps.mean() > 4  # the loop had work to do; else there would be nothing to accelerate
    for updates in (1, 2, 12, 20):
        topics.infer_iterations = updates
        capped, plain_capped = topics.infer(counts), _plain_inference(topics, counts, 0.0, updates)[0]
        if updates <= 2:  # no round is complete yet: the same updates
            np.testing.assert_allclose(capped, plain_capped, atol=1e-6)
        else:  # (early on the extrapolation mostly falls back to the plain step; it gains later)
            assert np.abs(capped - exact).mean() < np.abs(plain_capped - exact).mean()


def _rows_by_strings(chars: CharNgrams, words: list[str]):
    return count_rows([chars.grams(w) for w in words], chars.gram_index_, len(chars.vocabulary_))


def test_gram_keys_equal_the_string_n_grams(normalized):
    """word_rows (n-grams keyed on code points) against cutting each word into strings."""
    chars = CharNgrams(ngram_range=(2, 5), min_df=1, max_df=1.0).fit(normalized[:40])
    assert chars._keys is not None
    words = sorted({w for t in normalized for w in t.split()})
    # words the vocabulary has never seen, characters it lacks, one letter, repeats, a surrogate
    words += ["و", "ب", "xyz", "سوريةسورية", "\U0001F600سلام", "كتاب\ud800", "ـــ", "a", "ووووو"]
    ours, theirs = chars.word_rows(words), _rows_by_strings(chars, words)
    assert ours.shape == theirs.shape and (ours != theirs).nnz == 0
    assert ours.nnz > 0
    assert chars.word_rows([]).shape == (0, len(chars.vocabulary_))


_FITTED = {"chars": CharNgrams(ngram_range=(2, 5), min_df=1, max_df=1.0).fit(
    ["سلام كتب ونيه ءأإآ", "كتاب سوريا ويكون", "yx xy سلامي"])}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("سلامكتبونيه ءأإآ\u064e\U0001F600xy"), min_size=1, max_size=9)
                .filter(lambda w: w.strip() == w and " " not in w), max_size=30))
def test_gram_keys_equal_the_string_n_grams_on_random_words(words):
    chars = _FITTED["chars"]
    ours, theirs = chars.word_rows(words), _rows_by_strings(chars, words)
    assert ours.shape == theirs.shape and (ours != theirs).nnz == 0


def test_gram_keys_fall_back_to_strings_for_a_huge_alphabet():
    """An alphabet too large for 63-bit keys (thousands of characters) takes the string path."""
    text = " ".join(chr(0x4E00 + i) + chr(0x4E00 + i + 1) for i in range(0, 6000, 2))
    chars = CharNgrams(ngram_range=(2, 5), min_df=1, max_df=1.0).fit([text, text])
    assert chars._keys is None
    words = text.split()[:50] + ["سلام"]
    assert (chars.word_rows(words) != _rows_by_strings(chars, words)).nnz == 0


def test_topic_inference_compiles_without_a_writable_cache(monkeypatch):
    """numba refuses cache=True where no cache folder is writable; the module still loads."""
    import importlib

    from numba.core import caching

    import akhbar.fast.inference as compiled

    monkeypatch.setattr(caching.CacheImpl, "_locator_classes", [])
    try:
        fresh = importlib.reload(compiled)
        assert type(fresh.infer_rows._cache).__name__ == "NullCache"  # compiled, not cached
        assert abs(fresh._digamma(1.0) + 0.5772156649015329) < 1e-10
    finally:
        monkeypatch.undo()
        importlib.reload(compiled)
