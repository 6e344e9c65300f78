"""AutoML benchmark: held-out score of MLWire's AutoML against FLAML and default models.

`python -m bench automl [30 60] [--datasets a,b] [--flaml PYTHON]`. For each data set (four
that ship with scikit-learn, and generated 50,000-row classification and regression sets) one
train/test split (75/25, seed 0, stratified for classification); each contestant gets the same
wall-clock budget on the training rows, and is scored on the test rows. FLAML runs only when a
Python with flaml installed is given (default /tmp/flaml-venv/bin/python, never a dependency
of MLWire); its runner is written to a temporary file and fed CSV files.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from .timing import machine, write_section

FLAML_PYTHON = "/tmp/flaml-venv/bin/python"
DATASETS = ("breast_cancer", "wine", "digits", "diabetes", "generated_classification",
            "generated_regression")

_FLAML_RUNNER = r'''
import json, sys, time
import numpy as np, pandas as pd
from flaml import AutoML
from sklearn import metrics as m
train, test, label, task, metric, budget = sys.argv[1:7]
tr, te = pd.read_csv(train), pd.read_csv(test)
X, y = tr.drop(columns=label), tr[label]
automl = AutoML()
started = time.monotonic()
automl.fit(X, y, task=task, metric=metric, time_budget=float(budget), seed=0, verbose=0)
seconds = time.monotonic() - started
Xt, yt = te.drop(columns=label), te[label]
if metric == "roc_auc":
    proba = automl.predict_proba(Xt)
    positive = sorted(automl.classes_)[-1]
    value = m.roc_auc_score(yt == positive, proba[:, list(automl.classes_).index(positive)])
elif metric == "accuracy":
    value = m.accuracy_score(yt, automl.predict(Xt))
else:
    value = m.r2_score(yt, automl.predict(Xt))
trials = len(getattr(automl, "config_history", {}) or {})
print(json.dumps({"score": float(value), "seconds": seconds, "trials": trials,
                  "best": automl.best_estimator}))
'''


def load(name: str):
    """(frame, label, task, metric)."""
    import numpy as np
    import pandas as pd
    from nodes import ops
    if name.startswith("generated"):
        from sklearn.datasets import make_classification, make_regression
        if name.endswith("classification"):
            X, y = make_classification(50_000, 20, n_informative=10, n_redundant=4,
                                       flip_y=0.03, class_sep=0.8, random_state=0)
            task, metric = "classification", "roc_auc"
            y = np.where(y == 1, "yes", "no")
        else:
            X, y = make_regression(50_000, 20, n_informative=10, noise=25.0, random_state=0)
            y = y + 0.02 * (X[:, 0] * X[:, 1]) * np.abs(y).mean()  # a little interaction
            task, metric = "regression", "r2"
        df = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        df["target"] = y
        return df, "target", task, metric
    df = ops.load_sample_dataset(name)
    if name == "diabetes":
        return df, "target", "regression", "r2"
    return df, "target", "classification", "roc_auc" if name == "breast_cancer" else "accuracy"


def split(df, label, task):
    from sklearn.model_selection import train_test_split
    return train_test_split(df, test_size=0.25, random_state=0,
                            stratify=df[label] if task == "classification" else None)


def held_out(model, test, label, task, metric) -> float:
    from designer.automl.scoring import score
    X, y = test.drop(columns=label), test[label]
    if task == "regression":
        return score(metric, task, y, model.predict(X))
    classes = sorted(y.unique().tolist())
    proba = model.predict_proba(X)
    order = [list(model.classes_).index(c) for c in classes]
    return score(metric, task, y.to_numpy(), proba[:, order], classes)


def defaults(train, test, label, task, metric) -> dict[str, float]:
    from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                                  RandomForestClassifier, RandomForestRegressor)
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    clf = task == "classification"
    models = {
        "LogisticRegression" if clf else "Ridge":
            make_pipeline(StandardScaler(), LogisticRegression() if clf else Ridge()),
        "HistGradientBoosting": (HistGradientBoostingClassifier if clf
                                 else HistGradientBoostingRegressor)(random_state=0),
        "RandomForest": (RandomForestClassifier if clf else RandomForestRegressor)(
            random_state=0, n_jobs=2),
    }
    X, y = train.drop(columns=label), train[label]
    return {name: held_out(model.fit(X, y), test, label, task, metric)
            for name, model in models.items()}


def mlwire(train, test, label, task, metric, budget) -> dict:
    from designer.automl import Settings, run_search
    started = time.monotonic()
    result = run_search(train, label, Settings(task=task, metric=metric, time_budget=budget))
    seconds = time.monotonic() - started
    return {"score": held_out(result.model, test, label, task, metric), "seconds": seconds,
            "trials": sum(t["status"] == "ok" for t in result.trials),
            "best": result.winner["candidate"]}


def flaml(train, test, label, task, metric, budget, python: str) -> dict | None:
    if not Path(python).exists():
        return None
    with tempfile.TemporaryDirectory(prefix="mlwire-flaml-") as tmp:
        folder = Path(tmp)
        train.to_csv(folder / "train.csv", index=False)
        test.to_csv(folder / "test.csv", index=False)
        (folder / "run.py").write_text(_FLAML_RUNNER)
        started = time.monotonic()
        done = subprocess.run([python, "run.py", "train.csv", "test.csv", label, task, metric,
                               str(budget)], cwd=folder, capture_output=True, text=True,
                              env={**os.environ, "PYTHONWARNINGS": "ignore"})
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            return None
        out = json.loads(done.stdout.strip().splitlines()[-1])
        out["wall"] = time.monotonic() - started
        return out


def run(budgets=(30, 60), names=DATASETS, python=FLAML_PYTHON) -> str:
    load_at_start = os.getloadavg()[0]
    rows = []
    for name in names:
        df, label, task, metric = load(name)
        train, test = split(df, label, task)
        base = defaults(train, test, label, task, metric)
        best_name = max(base, key=base.get)
        for budget in budgets:
            print(f"{name}, {budget} s: MLWire ...", file=sys.stderr, flush=True)
            ours = mlwire(train, test, label, task, metric, budget)
            print(f"{name}, {budget} s: FLAML ...", file=sys.stderr, flush=True)
            theirs = flaml(train, test, label, task, metric, budget, python)
            rows.append((name, metric, budget, base, best_name, ours, theirs))
            print(f"  {name} {budget}s: mlwire {ours['score']:.4f} ({ours['trials']} trials, "
                  f"{ours['seconds']:.1f} s), flaml "
                  + (f"{theirs['score']:.4f}" if theirs else "-")
                  + f", best default {best_name} {base[best_name]:.4f}", file=sys.stderr)
    return report(rows, load_at_start)


def report(rows, load_at_start: float) -> str:
    lines = [f"## AutoML quality under a time budget ({date.today()}, {machine()})", "",
             "Held-out score (25% test rows, seed 0) after searching the training rows for the "
             "budget; higher is better. `mlwire` is designer.automl.run_search (what the AutoML "
             "node runs), `flaml` is FLAML's AutoML in its own environment; defaults are "
             "scikit-learn's (LogisticRegression/Ridge after StandardScaler). Trials: "
             "candidates fully validated within the budget; seconds: wall clock, refit "
             f"included. Load average when the run started: {load_at_start:.1f} on 2 cores "
             "(other work on the machine cuts the trials every contestant gets).", "",
             "| data set | metric | budget s | best default | MLWire | trials | seconds | FLAML | "
             "FLAML trials | MLWire winner |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, metric, budget, base, best_name, ours, theirs in rows:
        flaml_score = f"{theirs['score']:.4f}" if theirs else "n/a"
        flaml_trials = str(theirs.get("trials", "")) if theirs else ""
        lines.append(f"| {name} | {metric} | {budget} | {base[best_name]:.4f} ({best_name}) | "
                     f"{ours['score']:.4f} | {ours['trials']} | {ours['seconds']:.1f} | "
                     f"{flaml_score} | {flaml_trials} | {ours['best'][:70].replace('|', '/')} |")
    return "\n".join(lines)


def main(args: list[str]) -> None:
    budgets = tuple(float(a) for a in args if a.replace(".", "", 1).isdigit()) or (30.0, 60.0)
    names = DATASETS
    python = FLAML_PYTHON
    for i, a in enumerate(args):
        if a == "--datasets":
            names = tuple(args[i + 1].split(","))
        if a == "--flaml":
            python = args[i + 1]
    text = run(budgets, names, python)
    print(text)
    write_section("automl", text)
