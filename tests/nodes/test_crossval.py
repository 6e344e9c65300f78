"""Cross Validate Model: scikit-learn's numbers, preprocessing refitted per fold, leakage check."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline

from designer.engine.checker import check
from designer.model import pipeline_from_json
from nodes import ops, selection_ops
from tests.nodes.inprocess import run_pipeline

COLUMNS = ["mean radius", "mean texture", "mean smoothness", "worst area", "target"]


@pytest.fixture
def folder(tmp_path):
    df = ops.load_sample_dataset("breast_cancer")[COLUMNS].iloc[:300]
    rng = np.random.default_rng(0)
    df.loc[rng.choice(len(df), 60, replace=False), "mean radius"] = np.nan
    df.to_csv(tmp_path / "cancer.csv", index=False)
    return tmp_path


def _pipeline(raw: bool):
    edges = [("src", "data", "clean", "data"), ("clean", "data", "scale", "data"),
             ("scale", "data", "cv", "data"), ("learner", "learner", "cv", "learner")]
    if raw:
        edges.append(("src", "data", "cv", "raw_data"))
    return pipeline_from_json({
        "format": "mlwire.pipeline/1", "name": "cv",
        "nodes": [{"id": "src", "type": "import_csv", "params": {"path": "cancer.csv"}},
                  {"id": "clean", "type": "clean_missing_data", "params": {}},
                  {"id": "scale", "type": "normalize_data", "params": {}},
                  {"id": "learner", "type": "logistic_regression", "params": {}},
                  {"id": "cv", "type": "cross_validate_model",
                   "params": {"label_column": "target", "folds": 5, "seed": 3}}],
        "edges": [{"source": a, "source_port": b, "target": c, "target_port": d}
                  for a, b, c, d in edges]})


def test_metrics_equal_cross_validate_on_the_same_pipeline(folder):
    outputs = run_pipeline(_pipeline(raw=True), folder)
    folds = outputs["cv"]["folds"].df
    metrics = outputs["cv"]["metrics"]
    raw = outputs["src"]["data"].df
    steps = [(s.step_id, clone(s.estimator)) for s in outputs["scale"]["data"].lineage]
    features = [c for c in raw.columns if c != "target"]
    reference = Pipeline(steps + [("features", selection_ops.features_step(features)),
                                  ("estimator", LogisticRegression(random_state=0))])
    expected = cross_validate(reference, raw[features], raw["target"],
                              cv=StratifiedKFold(5, shuffle=True, random_state=3),
                              scoring=["accuracy", "roc_auc", "balanced_accuracy"])
    for name in ("accuracy", "roc_auc", "balanced_accuracy"):
        np.testing.assert_allclose(folds[name], expected[f"test_{name}"], rtol=1e-12)
        assert metrics.values[name] == pytest.approx(expected[f"test_{name}"].mean())
        assert metrics.values[f"{name}_std"] == pytest.approx(expected[f"test_{name}"].std())
    assert list(folds["fold"]) == [1, 2, 3, 4, 5]
    assert outputs["cv"]["folds"].details["refitted"] is True


def test_upstream_transforms_are_refitted_in_each_fold(folder):
    raw = pd.read_csv(folder / "cancer.csv")
    cleaned, imputer = ops.clean_missing_data(raw)
    scaled, scaler = ops.normalize_data(cleaned)
    result = selection_ops.cross_validate_model(
        LogisticRegression(), scaled, "target", 4, True, True, 0,
        [("clean", imputer), ("scale", scaler)], raw)
    means = [fold[0][1].fitted_["mean radius"].statistics_[0] for fold in result["fitted"]]
    scales = [fold[1][1].fitted_["worst area"].scale_[0] for fold in result["fitted"]]
    assert len(set(means)) == 4 and len(set(scales)) == 4       # one fit per fold
    assert imputer.fitted_["mean radius"].statistics_[0] not in means  # never the all-rows fit
    train_rows = raw.iloc[StratifiedKFold(4, shuffle=True, random_state=0)
                          .split(raw, raw["target"]).__next__()[0]]
    assert means[0] == pytest.approx(train_rows["mean radius"].mean())


def test_checker_warns_unless_the_raw_rows_are_connected(folder):
    leaky = [f for f in check(_pipeline(raw=False), folder) if f.code == "leakage"]
    assert {f.node_id for f in leaky} == {"clean", "scale"}
    assert all("raw_data" in f.message and "folds" in f.message for f in leaky)
    assert not [f for f in check(_pipeline(raw=True), folder) if f.code == "leakage"]


def test_without_raw_rows_the_folds_use_the_rows_as_they_are(folder):
    outputs = run_pipeline(_pipeline(raw=False), folder)
    assert outputs["cv"]["folds"].details["refitted"] is False
    assert len(outputs["cv"]["folds"].df) == 5
