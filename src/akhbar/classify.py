"""The category classifier: a linear SVM whose margins become probabilities by temperature scaling.

Why a linear SVM: on sparse TF-IDF features of news text it was the most accurate classical model
we measured (logistic regression, complement NB, NB-SVM and SGD all scored lower on ant2; see
``experiments/``), and it trains in seconds.

Why temperature scaling (Guo et al., 2017): an SVM's margins are not probabilities. A softmax of
the margins divided by one fitted temperature ``T`` turns them into calibrated ones, and because
it is monotone it never changes which label wins. So ``T`` can be fitted on the trainer's held-out
validation part without making the validation accuracy and F1 any less honest: the labels scored
there do not depend on ``T``. (Per-class sigmoids, as in ``CalibratedClassifierCV``, can reorder
labels, and cost three extra SVM fits.) Without a validation part, ``T`` is fitted on 3-fold
out-of-fold margins instead.

After fitting, the classifier is two arrays and a number, so a saved model is arrays and JSON and
predicts with one sparse product.
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin

# scikit-learn's SVM and model selection, and scipy's optimizer, are imported where training
# uses them: a process that only loads a model and predicts never needs them


def _as_matrix(scores: np.ndarray) -> np.ndarray:
    """Binary SVMs give one margin per row; make it the two-column form softmax expects."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1:
        return np.column_stack([-scores / 2, scores / 2])
    return scores


def fit_temperature(scores: np.ndarray, y_index: np.ndarray) -> float:
    """The temperature minimising the cross-entropy against Laplace-smoothed true labels.

    Plain negative log-likelihood drives the temperature to zero (probabilities of exactly 1)
    whenever the calibration set happens to be classified perfectly, as a small one often is.
    Smoothing the targets by the rule of succession (error rate 1/(n+2) after n correct) keeps
    the probabilities as confident as the evidence allows and no more; with thousands of
    calibration articles the smoothing is negligible.
    """
    scores = _as_matrix(scores)
    n, k = scores.shape
    eps = 1.0 / (n + 2)
    target = np.full(scores.shape, eps / (k - 1))
    target[np.arange(n), y_index] = 1.0 - eps

    def loss(log_t: float) -> float:
        return -(target * log_softmax(scores / np.exp(log_t), axis=1)).sum(axis=1).mean()

    from scipy.optimize import minimize_scalar

    result = minimize_scalar(loss, bounds=(-5.0, 5.0), method="bounded", options={"xatol": 1e-4})
    return float(np.exp(result.x))


class LinearCalibrated(ClassifierMixin, BaseEstimator):
    """Linear SVM + temperature-scaled softmax probabilities."""

    def __init__(self, C=0.2, class_weight="balanced", calibration_folds=3, random_state=0):
        self.C = C
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def _svm(self):
        from sklearn.svm import LinearSVC

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
            from sklearn.model_selection import StratifiedKFold

            split = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            for fit_rows, held_rows in split.split(np.zeros(len(y)), y):
                scores[held_rows] = self._svm().fit(X[fit_rows], y[fit_rows]).decision_function(X[held_rows])
            y_cal = np.array([index[label] for label in y])
            self.calibrated_on_ = f"{folds}-fold out-of-fold margins"
        self.temperature_ = fit_temperature(scores, y_cal)
        return self

    def decision_function(self, X) -> np.ndarray:
        # A C-ordered transposed copy, made once: scipy would copy a transposed view on every
        # product, which for one article costs more than the product itself.
        coef_t = getattr(self, "_coef_t", None)
        if coef_t is None or coef_t.shape[::-1] != self.coef_.shape:
            coef_t = self._coef_t = np.ascontiguousarray(self.coef_.T)
        scores = np.asarray(X @ coef_t, dtype=np.float64) + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict_proba(self, X) -> np.ndarray:
        return self.proba_from_scores(self.decision_function(X))

    def proba_from_scores(self, scores: np.ndarray) -> np.ndarray:
        """Probabilities from decision values computed elsewhere (:mod:`akhbar.scoring`)."""
        return softmax(_as_matrix(scores) / self.temperature_, axis=1)

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def get_state(self) -> dict:
        return {"classes": [str(c) for c in self.classes_], "coef": self.coef_,
                "intercept": self.intercept_, "temperature": np.array([self.temperature_])}

    @classmethod
    def from_state(cls, params: dict, state: dict) -> "LinearCalibrated":
        self = cls(**params)
        self.classes_ = np.asarray(state["classes"], dtype=object)
        self.coef_ = np.asarray(state["coef"], dtype=np.float32)
        self.intercept_ = np.asarray(state["intercept"], dtype=np.float64)
        self.temperature_ = float(np.asarray(state["temperature"]).ravel()[0])
        if not (np.isfinite(self.temperature_) and self.temperature_ > 0):
            raise ValueError("temperature must be a positive number")
        return self
