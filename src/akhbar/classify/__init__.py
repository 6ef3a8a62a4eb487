"""The category classifier: a linear SVM whose margins become probabilities by temperature scaling.

``calibrated`` is the fitted half a loaded model holds (scores, probabilities, its state);
``estimator`` fits it with scikit-learn (training only); ``metrics`` scores predictions.
"""

from akhbar.classify.calibrated import FittedLinearCalibrated, fit_temperature, log_softmax, softmax

__all__ = ["FittedLinearCalibrated", "fit_temperature", "log_softmax", "softmax"]
