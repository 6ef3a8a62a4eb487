"""akhbar's analysis inside users' scikit-learn code: the analyzer as ``analyzer=``, the raw-text
transformer in Pipeline, GridSearchCV, cross_val_score and clone (issue #21)."""

from __future__ import annotations

import pickle

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from akhbar.estimators import ArabicAnalyzer, ArabicTfidf

DIACRITIZED = "ذَهَبَ الطُّلَّابُ إِلَى المَدْرَسَةِ"
BARE = "ذهب الطلاب الى المدرسه"


@pytest.fixture(scope="module")
def seeds(seed_docs):
    return [d.full_text for d in seed_docs], np.array([d.label for d in seed_docs])


def test_the_analyzer_keeps_diacritized_words_whole():
    tokens = ArabicAnalyzer()(DIACRITIZED)
    assert tokens == ArabicAnalyzer()(BARE) == ["ذهب", "طلاب", "مدرس"]  # الى: a stopword
    # scikit-learn's default token_pattern cuts the same words apart at every diacritic, and
    # drops the pieces shorter than two letters: not one of the three words survives whole
    default = CountVectorizer().build_analyzer()(DIACRITIZED)
    assert not {"ذهب", "الطلاب", "المدرسة"} & set(default), default


@pytest.mark.parametrize("vectorizer", [TfidfVectorizer, CountVectorizer])
def test_the_analyzer_inside_scikit_learn_vectorizers(vectorizer, seeds):
    texts, _ = seeds
    v = vectorizer(analyzer=ArabicAnalyzer(), min_df=2).fit(texts)
    vocabulary = set(v.get_feature_names_out())
    assert vocabulary and vocabulary <= {t for text in texts for t in ArabicAnalyzer()(text)}
    assert v.transform([DIACRITIZED]).shape == (1, len(vocabulary))


def test_the_analyzer_pickles_clones_and_compares_by_its_settings():
    a = ArabicAnalyzer(stemmer="none")
    for copy in (pickle.loads(pickle.dumps(a)), clone(TfidfVectorizer(analyzer=a)).analyzer):
        assert copy == a and copy(DIACRITIZED) == a(DIACRITIZED)
    assert a != ArabicAnalyzer() and repr(a) == "ArabicAnalyzer(stemmer='none')"
    assert ArabicAnalyzer(stemmer="none")("الطلاب") != ArabicAnalyzer()("الطلاب")  # the stemmer is used
    with pytest.raises(TypeError, match="one text"):
        a(["a list", "of texts"])
    with pytest.raises(ValueError, match="unknown stemmer"):
        ArabicAnalyzer(stemmer="porter")


def test_the_word_block_is_scikit_learns_tfidf_over_the_analyzer(seeds):
    texts, _ = seeds
    ours = ArabicTfidf(char_ngrams=None).fit_transform(texts)
    theirs = TfidfVectorizer(analyzer=ArabicAnalyzer(), sublinear_tf=True, min_df=2, max_df=0.9).fit_transform(texts)
    assert ours.shape == theirs.shape
    assert abs(ours - theirs).max() < 1e-6


def test_rows_are_unit_length_and_name_their_columns(seeds):
    texts, _ = seeds
    tfidf = ArabicTfidf().fit(texts[:150])
    X = tfidf.transform(texts[150:] + [""])
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    assert np.allclose(norms[:-1], 1, atol=1e-5) and norms[-1] == 0  # an empty text is a zero row
    names = tfidf.get_feature_names_out()
    assert len(names) == X.shape[1]
    assert any(n.startswith("word:") for n in names) and any(n.startswith("char:") for n in names)


def test_bad_input_is_named(seeds):
    texts, _ = seeds
    with pytest.raises(TypeError, match="not one str"):
        ArabicTfidf().fit(texts[0])
    tfidf = ArabicTfidf().fit(texts)
    with pytest.raises(TypeError, match="text 1 is a int"):
        tfidf.transform([texts[0], 7])
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        ArabicTfidf().transform(texts)


def test_a_pipeline_cross_validates_and_grid_searches(seeds):
    texts, y = seeds
    pipe = Pipeline([("tfidf", ArabicTfidf()), ("svm", LinearSVC(C=1.0, random_state=0))])
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(pipe, texts, y, cv=folds)
    # six labels: chance is 1/6; every fold is scored on articles its model never saw
    assert scores.min() > 0.5, scores
    search = GridSearchCV(pipe, {"tfidf__char_ngrams": [None, (2, 5)], "svm__C": [0.1, 1.0]}, cv=folds)
    search.fit(texts, y)
    assert set(search.best_params_) == {"tfidf__char_ngrams", "svm__C"}
    assert len(search.cv_results_["mean_test_score"]) == 4
    twin = clone(search.best_estimator_)
    assert twin.get_params()["tfidf__char_ngrams"] == search.best_params_["tfidf__char_ngrams"]


def test_a_fitted_pipeline_saves_and_predicts_the_same(seeds, tmp_path):
    texts, y = seeds
    pipe = Pipeline([("tfidf", ArabicTfidf()), ("svm", LinearSVC(random_state=0))]).fit(texts[::2], y[::2])
    joblib.dump(pipe, tmp_path / "pipe.joblib")
    again = joblib.load(tmp_path / "pipe.joblib")
    assert (again.predict(texts[1::2]) == pipe.predict(texts[1::2])).all()
