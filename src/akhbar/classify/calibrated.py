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
predicts with one sparse product. This module holds that fitted half and the temperature fit;
:class:`akhbar.classify.estimator.LinearCalibrated` adds the SVM fit.
"""

from __future__ import annotations

import numpy as np

from akhbar.features.base import Params

# The estimator that fits the SVM is in akhbar.estimators, and scipy's optimizer is imported where
# the temperature is fitted: a process that only loads a model and predicts imports neither
# scikit-learn nor more of scipy than its sparse matrices.


def log_softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise log-softmax, shifted by each row's maximum so that no exponential overflows."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax (see :func:`log_softmax`)."""
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


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
        return -(target * log_softmax(scores / np.exp(log_t))).sum(axis=1).mean()

    from scipy.optimize import minimize_scalar

    result = minimize_scalar(loss, bounds=(-5.0, 5.0), method="bounded", options={"xatol": 1e-4})
    return float(np.exp(result.x))


class FittedLinearCalibrated(Params):
    """Linear scores + temperature-scaled softmax probabilities: the fitted half of
    :class:`akhbar.classify.estimator.LinearCalibrated` (a linear SVM), which is what a loaded model holds."""

    def __init__(self, C=0.1, class_weight="balanced", calibration_folds=3, random_state=0):
        self.C = C
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def _cache_coef_t(self) -> None:
        # A C-ordered transposed copy, made once when coef_ is set (fit, from_state), so that
        # predicting leaves the object as it is: scipy would copy a transposed view on every
        # product, which for one article costs more than the product itself.
        self._coef_t = np.ascontiguousarray(self.coef_.T)

    def decision_function(self, X) -> np.ndarray:
        coef_t = getattr(self, "_coef_t", None)
        if coef_t is None or coef_t.shape[::-1] != self.coef_.shape:  # coef_ set by hand since
            self._cache_coef_t()
            coef_t = self._coef_t
        scores = np.asarray(X @ coef_t, dtype=np.float64) + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict_proba(self, X) -> np.ndarray:
        return self.proba_from_scores(self.decision_function(X))

    def proba_from_scores(self, scores: np.ndarray) -> np.ndarray:
        """Probabilities from decision values computed elsewhere (:mod:`akhbar.fast.scoring`)."""
        return softmax(_as_matrix(scores) / self.temperature_)

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def get_state(self) -> dict:
        return {"classes": [str(c) for c in self.classes_], "coef": self.coef_,
                "intercept": self.intercept_, "temperature": np.array([self.temperature_])}

    @classmethod
    def from_state(cls, params: dict, state: dict) -> "FittedLinearCalibrated":
        self = cls(**params)
        self.classes_ = np.asarray(state["classes"], dtype=object)
        self.coef_ = np.asarray(state["coef"], dtype=np.float32)
        self.intercept_ = np.asarray(state["intercept"], dtype=np.float64)
        self._cache_coef_t()
        self.temperature_ = float(np.asarray(state["temperature"]).ravel()[0])
        if not (np.isfinite(self.temperature_) and self.temperature_ > 0):
            raise ValueError("temperature must be a positive number")
        return self
