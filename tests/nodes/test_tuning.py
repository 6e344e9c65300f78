"""Tune Model Hyperparameters: GridSearchCV's numbers, every trial recorded, declared ranges."""
from __future__ import annotations

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline

from designer.engine.schemas import propagate_schemas
from designer.engine.worker import describe_output
from designer.model import pipeline_from_json
from nodes import ops, selection_ops
from tests.nodes.inprocess import run_pipeline

GRID = {"max_depth": [2, 4, None], "min_samples_leaf": [1, 5]}


def _pipeline(ranges, search="grid", **extra):
    return pipeline_from_json({
        "format": "mlwire.pipeline/1", "name": "tune",
        "nodes": [{"id": "src", "type": "sample_dataset", "params": {"name": "wine"}},
                  {"id": "learner", "type": "random_forest_classifier",
                   "params": {"n_estimators": 10}},
                  {"id": "tune", "type": "tune_model_hyperparameters",
                   "params": {"label_column": "target", "metric": "accuracy", "search": search,
                              "ranges": ranges, "folds": 3, "seed": 5, **extra}}],
        "edges": [{"source": "src", "source_port": "data", "target": "tune",
                   "target_port": "data"},
                  {"source": "learner", "source_port": "learner", "target": "tune",
                   "target_port": "learner"}]})


def test_grid_search_equals_grid_search_cv(tmp_path):
    outputs = run_pipeline(_pipeline(GRID), tmp_path)
    trials = outputs["tune"]["trials"]
    df = ops.load_sample_dataset("wine")
    features = [c for c in df.columns if c != "target"]
    reference = GridSearchCV(
        Pipeline([("features", selection_ops.features_step(features)),
                  ("estimator", RandomForestClassifier(n_estimators=10, random_state=0))]),
        {f"estimator__{k}": v for k, v in GRID.items()}, scoring="accuracy",
        cv=StratifiedKFold(3, shuffle=True, random_state=5)).fit(df[features], df["target"])
    np.testing.assert_allclose(trials.df["score"], reference.cv_results_["mean_test_score"])
    best = trials.details["trials"][trials.details["best_trial"] - 1]["params"]
    assert {f"estimator__{k}": v for k, v in best.items()} == reference.best_params_
    model = outputs["tune"]["model"]
    assert model.pipeline.named_steps["estimator"].get_params()["max_depth"] == best["max_depth"]
    assert list(model.pipeline.predict(df)) == list(reference.best_estimator_.predict(df))
    assert trials.df["best"].sum() == 1


def test_every_trial_is_recorded_in_the_output_summary(tmp_path):
    outputs = run_pipeline(_pipeline({"max_depth": {"low": 2, "high": 8, "int": True}},
                                     search="random", trials=4), tmp_path)
    summary = describe_output(outputs["tune"]["trials"])
    trials = summary["details"]["trials"]
    assert summary["rows"] == 4 and len(trials) == 4
    assert [t["trial"] for t in trials] == [1, 2, 3, 4]
    assert all(set(t) >= {"params", "score", "score_std", "fold_scores", "seconds"}
               for t in trials)
    assert summary["details"]["metric"] == "accuracy"


def test_ranges_are_checked_against_the_learner_declaration(tmp_path):
    for ranges, text in (({"depth": [1, 2]}, "does not have"),
                         ({"max_depth": [0, 2]}, "max_depth")):
        info = propagate_schemas(_pipeline(ranges), tmp_path)["tune"]
        assert info.infer_error is not None and text in str(info.infer_error)


def test_successive_halving_runs_and_keeps_the_best_at_full_size(tmp_path):
    outputs = run_pipeline(_pipeline(GRID, search="successive_halving"), tmp_path)
    details = outputs["tune"]["trials"].details
    best = details["trials"][details["best_trial"] - 1]
    assert best["resources"] == max(t["resources"] for t in details["trials"])
