"""The classifier's estimator: a linear SVM fitted by scikit-learn, then its temperature.

Imported by training alone (a loaded model holds :class:`akhbar.classify.calibrated.FittedLinearCalibrated`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from akhbar.classify.calibrated import FittedLinearCalibrated, fit_temperature

_FLOATS = (np.float64, np.float32)
_CSR = (sp.csr_matrix, sp.csr_array)

class LinearCalibrated(ClassifierMixin, BaseEstimator, FittedLinearCalibrated):
    """Linear SVM + temperature-scaled softmax probabilities (see :mod:`akhbar.classify`).

    On scikit-learn's whole estimator contract (all 56 ``check_estimator`` checks pass with no
    expected failure, the array-API one under ``SCIPY_ARRAY_API=1``: tests/test_conformance.py):
    inputs are validated here, the fitted half
    (:class:`~akhbar.classify.calibrated.FittedLinearCalibrated`) that a loaded model holds trusts them.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # sparse TF-IDF rows are what it is fitted on
        return tags

    def _svm(self):
        return LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)

    def fit(self, X, y, X_calibration=None, y_calibration=None, temperature=None):
        """Fit on (X, y); fit the temperature on the calibration part, or out-of-fold if none.

        A given *temperature* is used as is: the trainer passes the one fitted on its validation
        part when it refits the final model on all labelled documents.
        """
        # CSR kept as it is (float32 rows are not copied here; LinearSVC takes them as before)
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=_FLOATS)
        check_classification_targets(y)
        svm = self._svm().fit(X, y)
        self.classes_ = svm.classes_
        self.coef_ = np.asarray(svm.coef_, dtype=np.float32)
        self.intercept_ = np.asarray(svm.intercept_, dtype=np.float64)
        self._cache_coef_t()
        index = {label: i for i, label in enumerate(self.classes_)}
        if temperature is not None:
            self.temperature_ = float(temperature)
            self.calibrated_on_ = "given"
            return self
        if X_calibration is not None and len(y_calibration):
            scores = self.decision_function(X_calibration)
            y_cal = np.array([index[label] for label in y_calibration])
            self.calibrated_on_ = "validation"
        else:
            folds = min(self.calibration_folds, int(np.min(np.unique(y, return_counts=True)[1])))
            if folds < 2:
                raise ValueError("every label needs at least two examples to calibrate probabilities")
            scores = np.zeros((len(y), len(self.classes_)) if len(self.classes_) > 2 else len(y))
            split = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            for fit_rows, held_rows in split.split(np.zeros(len(y)), y):
                scores[held_rows] = self._svm().fit(X[fit_rows], y[fit_rows]).decision_function(X[held_rows])
            y_cal = np.array([index[label] for label in y])
            self.calibrated_on_ = f"{folds}-fold out-of-fold margins"
        self.temperature_ = fit_temperature(scores, y_cal)
        return self

    def decision_function(self, X) -> np.ndarray:
        """The fitted half's scores, after checking that this is fitted and *X* fits it: finite,
        2-D, ``n_features_in_`` columns (dense, or sparse as CSR)."""
        check_is_fitted(self)
        return super().decision_function(self._validated(X))

    def _validated(self, X):
        """``validate_data(self, X, reset=False)``, but for the rows prediction passes (CSR or
        ndarray of floats, finite, of the fitted width), which are returned as they are: there
        validate_data's dataframe probing would cost ~150 us a call, ten times the product of
        one article. Anything else, invalid input included, goes through validate_data."""
        if ((type(X) in _CSR or type(X) is np.ndarray)
                and X.ndim == 2 and X.dtype in _FLOATS and X.shape[0] > 0
                and X.shape[1] == getattr(self, "n_features_in_", None)
                and not hasattr(self, "feature_names_in_")
                and np.isfinite(X.data if type(X) in _CSR else X).all()):
            return X
        return validate_data(self, X, accept_sparse="csr", dtype=_FLOATS, reset=False)

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self)  # before the fitted half reads classes_ (predict_proba checks in decision_function)
        return super().predict(X)
