"""Scoring one candidate on one fold: build it from its spec, fit, predict the held-out rows.

Runs in the fold workers (designer/automl/workers.py) and, for small data, in-process.
"""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass

import numpy as np

from nodes.automl_ops import build_candidate

from .scoring import score

__all__ = ["Problem", "FoldResult", "evaluate_fold"]


@dataclass
class Problem:
    """What every fold evaluation needs; sent once to each worker."""

    X: object           # pandas DataFrame of the feature columns
    y: object           # numpy array of labels / targets
    folds: list         # [(train index array, test index array)]
    task: str
    metric: str
    classes: list
    numeric: list
    categorical: list
    seed: int


@dataclass
class FoldResult:
    trial: int
    fold: int
    score: float | None
    predictions: object      # held-out predictions: probabilities or values
    seconds: float
    error: str = ""


def predictions(model, X, task, classes):
    """Probabilities in `classes` order (classification) or predicted values (regression)."""
    if task == "regression":
        return np.asarray(model.predict(X), dtype=float)
    proba = np.asarray(model.predict_proba(X), dtype=float)
    order = [list(model.classes_).index(c) for c in classes]
    return proba[:, order]


def evaluate_fold(problem: Problem, trial: int, fold: int, spec: dict) -> FoldResult:
    started = time.perf_counter()
    train, test = problem.folds[fold]
    try:
        model = build_candidate(spec, problem.numeric, problem.categorical, problem.seed)
        model.fit(problem.X.iloc[train], problem.y[train])
        pred = predictions(model, problem.X.iloc[test], problem.task, problem.classes)
        value = score(problem.metric, problem.task, problem.y[test], pred, problem.classes)
        if not np.isfinite(value):
            raise ValueError(f"the {problem.metric} is not a finite number")
        return FoldResult(trial, fold, value, pred, time.perf_counter() - started)
    except Exception as exc:  # a failing candidate is recorded, never stops the search
        text = f"{type(exc).__name__}: {exc}".strip()
        return FoldResult(trial, fold, None, None, time.perf_counter() - started,
                          text + "\n" + traceback.format_exc(limit=3))
