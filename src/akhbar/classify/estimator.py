"""The classifier's estimator: a linear SVM fitted by scikit-learn, then its temperature.

Imported by training alone (a loaded model holds :class:`akhbar.classify.calibrated.FittedLinearCalibrated`).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from akhbar.classify.calibrated import FittedLinearCalibrated, fit_temperature

class LinearCalibrated(ClassifierMixin, BaseEstimator, FittedLinearCalibrated):
    """Linear SVM + temperature-scaled softmax probabilities (see :mod:`akhbar.classify`)."""

    def _svm(self):
        return LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)

    def fit(self, X, y, X_calibration=None, y_calibration=None, temperature=None):
        """Fit on (X, y); fit the temperature on the calibration part, or out-of-fold if none.

        A given *temperature* is used as is: the trainer passes the one fitted on its validation
        part when it refits the final model on all labelled documents.
        """
        y = np.asarray(y)
        svm = self._svm().fit(X, y)
        self.classes_ = svm.classes_
        self.coef_ = np.asarray(svm.coef_, dtype=np.float32)
        self.intercept_ = np.asarray(svm.intercept_, dtype=np.float64)
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
