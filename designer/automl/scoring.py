"""The primary metric of AutoML candidates, computed from (out-of-fold) predictions.

The same definitions as Evaluate Model (nodes/ops.py): binary precision/recall/f1/roc_auc use the
last of the sorted classes as the positive class; with more classes, macro averages and
one-vs-rest ROC AUC.
"""
from __future__ import annotations

import numpy as np

__all__ = ["CLASSIFICATION_METRICS", "REGRESSION_METRICS", "LOWER_IS_BETTER", "score",
           "greater_is_better", "default_metric", "needs_proba"]

CLASSIFICATION_METRICS = ("accuracy", "balanced_accuracy", "precision", "recall", "f1",
                          "roc_auc", "log_loss")
REGRESSION_METRICS = ("r2", "mae", "rmse", "mape")
LOWER_IS_BETTER = {"log_loss", "mae", "rmse", "mape"}


def greater_is_better(metric: str) -> bool:
    return metric not in LOWER_IS_BETTER


def default_metric(task: str, n_classes: int) -> str:
    if task == "regression":
        return "r2"
    return "roc_auc" if n_classes == 2 else "accuracy"


def needs_proba(metric: str) -> bool:
    return metric in ("roc_auc", "log_loss")


def score(metric: str, task: str, y_true, pred, classes=None) -> float:
    """`pred`: class probabilities (n, n_classes) in `classes` order for classification, or the
    predicted values for regression."""
    from sklearn import metrics as m
    if task == "regression":
        fn = {"r2": m.r2_score, "mae": m.mean_absolute_error,
              "rmse": m.root_mean_squared_error, "mape": m.mean_absolute_percentage_error}[metric]
        return float(fn(y_true, pred))
    classes = list(classes)
    proba = np.asarray(pred, dtype=float)
    labels = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
    y = np.asarray(y_true, dtype=object)
    binary = len(classes) == 2
    if metric == "accuracy":
        return float(m.accuracy_score(y, labels))
    if metric == "balanced_accuracy":
        return float(m.balanced_accuracy_score(y, labels))
    if metric in ("precision", "recall", "f1"):
        fn = {"precision": m.precision_score, "recall": m.recall_score, "f1": m.f1_score}[metric]
        kw = {"average": "binary", "pos_label": sorted(classes)[-1]} if binary else \
            {"average": "macro"}
        return float(fn(y, labels, zero_division=0.0, **kw))
    if metric == "roc_auc":
        if binary:
            positive = sorted(classes)[-1]
            return float(m.roc_auc_score(y == positive, proba[:, classes.index(positive)]))
        return float(m.roc_auc_score(y, proba, multi_class="ovr", average="macro",
                                     labels=classes))
    if metric == "log_loss":
        return float(m.log_loss(y, np.clip(proba, 1e-15, 1.0), labels=classes))
    raise ValueError(f"unknown metric {metric!r}")
