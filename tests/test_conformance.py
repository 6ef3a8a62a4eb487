"""scikit-learn's own conformance suite on every public estimator (issue #21).

``LinearCalibrated`` takes numeric rows and passes every check with no expected failure (the
array-API one in a subprocess: scikit-learn runs it only under ``SCIPY_ARRAY_API=1``). The feature
blocks take text, not numbers: ``WordTfidf`` and ``LdaTopics`` token lists, ``CharNgrams`` and
``ArabicTfidf`` strings. Their checks run as they are; the ones that feed a numeric array fail
before reaching the property they test, and are listed below by name with why. Every other check
(cloning, parameters, tags, repr, ``NotFittedError``, sparse input refused by name) must pass, and
``xfail_strict`` turns an expected failure that passes into a failure. What the numeric checks test
(fit returns self, transform changes nothing, refit and pickling give the same rows) is tested
below on each block's own input; ``ArabicTfidf`` in pipelines in tests/features/test_raw_text.py.
(Tagging the blocks ``two_d_array=False`` would be accurate, but scikit-learn then runs no check.)
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from akhbar.estimators import ArabicTfidf, CharNgrams, LdaTopics, LinearCalibrated, WordTfidf
from akhbar.text import Analyzer, normalize

# the checks that fit on a numeric array, for all four text estimators
NUMERIC_INPUT = [
    "check_array_api_input", "check_complex_data", "check_dict_unchanged", "check_dont_overwrite_parameters",
    "check_dtype_object", "check_estimators_dtypes", "check_estimators_empty_data_messages",
    "check_estimators_fit_returns_self", "check_estimators_nan_inf", "check_estimators_overwrite_params",
    "check_estimators_pickle", "check_f_contiguous_array_estimator", "check_fit1d", "check_fit2d_1feature",
    "check_fit2d_1sample", "check_fit2d_predict1d", "check_fit_check_is_fitted", "check_fit_idempotent",
    "check_fit_score_takes_y", "check_methods_sample_order_invariance", "check_methods_subset_invariance",
    "check_n_features_in", "check_n_features_in_after_fitting", "check_pipeline_consistency",
    "check_readonly_memmap_input", "check_transformer_data_not_an_array", "check_transformer_general",
    "check_transformer_preserve_dtypes",
]
TAKES = {"WordTfidf": "token lists", "CharNgrams": "normalized strings",
         "LdaTopics": "token lists or a BowCorpus", "ArabicTfidf": "raw texts (a list of str)"}
# LdaTopics passes the negative-numbers check only because iris's repeated numbers survive as "words"
MORE = {"WordTfidf": ["check_positive_only_tag_during_fit"], "CharNgrams": ["check_positive_only_tag_during_fit"],
        "LdaTopics": [],
        "ArabicTfidf": ["check_positive_only_tag_during_fit"]}
WHY = {  # where the general reason says too little
    "check_complex_data": "the check wants complex numbers refused: documents hold no numbers",
    "check_estimators_nan_inf": "the check wants NaN and inf refused: documents hold no numbers",
    "check_estimators_empty_data_messages": "the check wants the '0 feature(s)' error of an (n, 0) array: "
                                            "documents have no columns, the features are learned",
    "check_fit2d_1feature": "the check wants the '1 feature(s)' error of a one-column array: documents have none",
    "check_fit1d": "the check wants a 1-D array refused as not 2-D: a 1-D sequence is what a list of documents is",
    "check_n_features_in": "n_features_in_ counts input columns: documents have none (so TfidfVectorizer has none)",
    "check_n_features_in_after_fitting": "n_features_in_ counts input columns: documents have none",
    "check_positive_only_tag_during_fit": "the check wants negative numbers (iris) fitted: they are not documents",
}


def expected_failures(estimator) -> dict[str, str]:
    name = type(estimator).__name__
    if name not in TAKES:
        return {}
    general = "the check fits on a numeric array to test something else, and numbers are not documents"
    return {check: f"{name} takes {TAKES[name]}: {WHY.get(check, general)}"
            for check in NUMERIC_INPUT + MORE[name]}


@parametrize_with_checks([LinearCalibrated(), WordTfidf(), CharNgrams(), LdaTopics(num_topics=2), ArabicTfidf()],
                         expected_failed_checks=expected_failures, xfail_strict=True)
def test_scikit_learn_conformance(estimator, check):
    check(estimator)


def test_the_classifier_has_no_expected_failure():
    assert expected_failures(LinearCalibrated()) == {}


def test_the_classifier_passes_the_array_api_check():
    """Skipped above: SCIPY_ARRAY_API must be set before scipy is imported, so in a new process."""
    code = ("from sklearn.utils.estimator_checks import check_array_api_input as check\n"
            "from akhbar.estimators import LinearCalibrated\n"
            "check('LinearCalibrated', LinearCalibrated(), array_namespace='numpy', expect_only_array_outputs=False)")
    run = subprocess.run([sys.executable, "-c", code], env={**os.environ, "SCIPY_ARRAY_API": "1"},
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr


@pytest.fixture(scope="module")
def documents(seed_docs):
    normalized = [normalize(d.full_text) for d in seed_docs[:120]]
    analyzer = Analyzer()
    wide = [" ".join(chr(0x4E00 + j) for j in range(i, 6000, 20)) for i in range(20)]  # 6,000 characters
    return {"tokens": [analyzer.tokens_from_normalized(t) for t in normalized], "normalized": normalized,
            "wide": wide, "raw": [d.full_text for d in seed_docs[:120]]}


@pytest.mark.parametrize("estimator, kind", [
    (WordTfidf(), "tokens"), (CharNgrams(), "normalized"), (LdaTopics(num_topics=3, passes=1, no_below=3), "tokens"),
    (CharNgrams(min_df=1, max_df=1.0), "wide"), (ArabicTfidf(), "raw"),  # an alphabet too large for integer n-gram keys: the string path
])
def test_text_blocks_keep_the_contract_on_their_own_input(estimator, kind, documents):
    X = documents[kind]
    est = clone(estimator)
    with pytest.raises(NotFittedError):
        est.transform(X[:2])
    with pytest.raises(TypeError, match="sparse"):
        est.fit(sp.csr_matrix(np.ones((3, 2))))
    params = est.get_params()
    assert est.fit(X) is est and est.get_params() == params
    assert kind != "wide" or est._keys is None
    state = joblib.hash(est.__dict__)
    rows = est.transform(X[:30])
    assert joblib.hash(est.__dict__) == state  # transforming leaves the fitted object as it is
    again = [clone(estimator).fit(X).transform(X[:30]), pickle.loads(pickle.dumps(est)).transform(X[:30])]
    for other in again:
        np.testing.assert_array_equal(*(r.toarray() if sp.issparse(r) else r for r in (rows, other)))
