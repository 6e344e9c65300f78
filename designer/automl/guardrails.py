"""Data guardrails: what AutoML checks and reports before searching, and the errors that stop it.

Reported: missing values, class imbalance, high-cardinality and ID-like columns, constant
columns, date columns, leakage suspects (a feature almost identical to the label). Stops (with
a message naming the column and what to do): a single class, a text label for regression, too
few rows for the folds.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nodes.ops import DataError

__all__ = ["Guardrail", "Prepared", "prepare"]

HIGH_CARDINALITY = 50        # distinct values above which a text column is "high-cardinality"
ID_LIKE_SHARE = 0.9          # ... and dropped when nearly every row has its own value
IMBALANCE_RATIO = 0.2        # a class this much rarer than the commonest is reported
LEAKAGE_AGREEMENT = 0.99     # a feature that predicts the label this well alone is suspect


@dataclass(frozen=True)
class Guardrail:
    kind: str       # missing_values | class_imbalance | high_cardinality | id_like | constant |
    #                 datetime | leakage_suspect | label_missing | small_classes
    severity: str   # info | warning
    message: str
    column: str | None = None

    def to_json(self) -> dict:
        return {"kind": self.kind, "severity": self.severity, "message": self.message,
                "column": self.column}


@dataclass
class Prepared:
    X: pd.DataFrame
    y: pd.Series
    task: str
    features: list[str]
    numeric: list[str]
    categorical: list[str]
    classes: list = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    guardrails: list[Guardrail] = field(default_factory=list)


def _task(y: pd.Series, task: str, label: str) -> str:
    numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    if task == "auto":
        if not numeric:
            return "classification"
        integral = bool(np.all(np.mod(y.to_numpy(dtype=float), 1) == 0))
        return "classification" if integral and y.nunique() <= 20 else "regression"
    if task == "regression" and not numeric:
        raise DataError(f"The label column {label!r} holds {y.dtype} values (e.g. "
                        f"{y.iloc[0]!r}); a regression predicts numbers.",
                        "Set task to 'classification' (or 'auto'), or choose a numeric label.",
                        column=label, param="task")
    if task == "classification" and numeric and y.nunique() > max(50, len(y) // 2):
        raise DataError(f"The label column {label!r} holds {y.nunique()} distinct numbers; a "
                        "classification needs a few classes.", "Set task to 'regression' (or "
                        "'auto').", column=label, param="task")
    return task


def _leakage(X: pd.DataFrame, y: pd.Series, task: str, column: str) -> bool:
    x = X[column]
    if x.isna().mean() > 0.5 or x.nunique() > 0.5 * len(x):
        return False
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(x) or x.nunique() < 3:
            return False
        corr = np.corrcoef(x.fillna(x.median()).to_numpy(dtype=float), y.to_numpy(dtype=float))
        return bool(abs(corr[0, 1]) >= LEAKAGE_AGREEMENT)
    cx, _ = pd.factorize(x, use_na_sentinel=False)
    cy, classes = pd.factorize(y)
    counts = np.bincount(cx * len(classes) + cy, minlength=(cx.max() + 1) * len(classes))
    majority = counts.reshape(-1, len(classes)).max(axis=1).sum()
    return majority / len(y) >= LEAKAGE_AGREEMENT and len(classes) > 1


def prepare(df: pd.DataFrame, label: str, task: str = "auto", folds: int = 5) -> Prepared:
    """Check the data and choose the feature columns; raise DataError for what stops AutoML."""
    if label not in df.columns:
        raise DataError(f"There is no column {label!r}.", "Available columns: "
                        + ", ".join(map(repr, df.columns)) + ".", column=label,
                        param="label_column")
    notes: list[Guardrail] = []
    missing_label = int(df[label].isna().sum())
    if missing_label:
        notes.append(Guardrail("label_missing", "warning", f"{missing_label} row(s) have no "
                               f"label {label!r}; they are left out.", label))
        df = df[df[label].notna()]
    if len(df) < 2 * max(folds, 2):
        raise DataError(f"AutoML needs at least {2 * max(folds, 2)} labelled rows; the table has "
                        f"{len(df)}.", "Use more rows, or fewer folds.")
    y = df[label]
    task = _task(y, task, label)
    classes = []
    if task == "classification":
        counts = y.value_counts()
        if len(counts) < 2:
            raise DataError(f"The label column {label!r} has only one class ({counts.index[0]!r})"
                            "; a classification needs at least two.", "Check the label column "
                            "and the rows that reach AutoML.", column=label, param="label_column")
        classes = sorted(counts.index.tolist())
        share = counts.min() / counts.sum()
        if counts.min() / counts.max() < IMBALANCE_RATIO:
            notes.append(Guardrail("class_imbalance", "warning",
                                   f"Class imbalance: {counts.idxmin()!r} is {share:.1%} of the "
                                   "rows. roc_auc or balanced_accuracy are fairer metrics than "
                                   "accuracy; candidates with class_weight='balanced' are tried.",
                                   label))
        if counts.min() < 2:
            raise DataError(f"The class {counts.idxmin()!r} of {label!r} has a single row, too "
                            "few to validate on.", "Remove that row or merge it into another "
                            "class.", column=label)
    X = df.drop(columns=[label])
    if X.shape[1] == 0:
        raise DataError(f"The table has no column besides the label {label!r} to learn from.")
    dropped = []
    for column in X.columns:
        x = X[column]
        share = float(x.isna().mean())
        if x.nunique(dropna=True) <= 1:
            dropped.append(column)
            notes.append(Guardrail("constant", "info", f"Column {column!r} has a single value; "
                                   "it is left out.", column))
            continue
        if pd.api.types.is_datetime64_any_dtype(x):
            dropped.append(column)
            notes.append(Guardrail("datetime", "info", f"Column {column!r} holds dates; it is "
                                   "left out (derive numeric parts from it to use it).", column))
            continue
        if share > 0:
            notes.append(Guardrail("missing_values", "info", f"Column {column!r} has {share:.1%} "
                                   "missing values; each candidate imputes them, fitted inside "
                                   "each fold.", column))
        if not pd.api.types.is_numeric_dtype(x):
            distinct = x.nunique()
            if distinct > HIGH_CARDINALITY and distinct >= ID_LIKE_SHARE * x.notna().sum():
                dropped.append(column)
                notes.append(Guardrail("id_like", "warning", f"Column {column!r} has a different "
                                       "value in nearly every row (an identifier?); it is left "
                                       "out.", column))
                continue
            if distinct > HIGH_CARDINALITY:
                notes.append(Guardrail("high_cardinality", "warning", f"Column {column!r} has "
                                       f"{distinct} categories; one-hot encoding keeps the 20 "
                                       "most frequent and groups the rest.", column))
        if _leakage(X, y, task, column):
            notes.append(Guardrail("leakage_suspect", "warning", f"Leakage suspect: column "
                                   f"{column!r} alone predicts the label almost perfectly. Is it "
                                   "known at prediction time? If not, remove it.", column))
    X = X.drop(columns=dropped)
    if X.shape[1] == 0:
        raise DataError("No usable feature column is left after the guardrails (every column "
                        "was constant, a date or an identifier).", "Add informative columns.")
    features = list(X.columns)
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(X[c])]
    categorical = [c for c in features if c not in set(numeric)]
    return Prepared(X, y, task, features, numeric, categorical, classes, dropped, notes)
