"""Scores of predicted labels: accuracy, macro-F1, per-label figures and the confusion matrix."""

from __future__ import annotations

from typing import Sequence


def evaluate_predictions(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None,
                         known_labels: Sequence[str] = ()) -> dict:
    """Accuracy, macro-F1, per-label precision/recall/F1/support and the confusion matrix.

    ``labels`` fixes which labels the macro average runs over (default: those in ``y_true``);
    a label the model predicts but the test set lacks then counts only as errors. The confusion
    matrix covers those labels, the predicted ones and *known_labels* (say, all the model's).
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    labels = list(labels) if labels is not None else sorted(set(y_true))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    all_labels = sorted(set(labels) | set(y_pred) | set(known_labels))
    return {
        "documents": len(y_true),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "per_label": {lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                            "support": int(s[i])} for i, lab in enumerate(labels)},
        "confusion": {"labels": all_labels,
                      "matrix": confusion_matrix(y_true, y_pred, labels=all_labels).tolist()},
    }
