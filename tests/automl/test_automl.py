"""AutoML: deterministic for a seed and trial count, within budget, cancel keeps the best so far,
the winner is a plain scikit-learn pipeline on raw rows, guardrails and bad input."""
from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest

from designer.automl import BEST_MARK, Settings, leaderboard_table, run_search
from designer.model import pipeline_from_json
from nodes import automl_ops, ops
from nodes.base import NodeError
from nodes.ops import DataError
from tests.nodes.inprocess import run_pipeline


@pytest.fixture(scope="module")
def wine():
    return ops.load_sample_dataset("wine")


def _summary(result):
    return [(t["candidate"], t["score"]) for t in result.trials], result.winner["candidate"]


def test_deterministic_for_a_seed_and_trial_count(wine):
    settings = Settings(time_budget=120, max_trials=7, seed=3, workers=1, folds=3,
                        learners=["linear", "naive_bayes", "knn", "decision_tree"])
    first, second = run_search(wine, "target", settings), run_search(wine, "target", settings)
    assert _summary(first) == _summary(second) and len(first.trials) == 7
    assert first.stopped == "max_trials"
    rows = wine.drop(columns="target").head(20)
    assert list(first.model.predict(rows)) == list(second.model.predict(rows))
    assert [t["learner"] for t in first.trials[:4]] == ["linear", "naive_bayes", "decision_tree",
                                                       "knn"]  # defaults first


def test_never_below_the_best_default(wine):
    result = run_search(wine, "target", Settings(
        time_budget=120, max_trials=8, workers=1, metric="accuracy", folds=3,
        learners=["linear", "naive_bayes", "knn", "decision_tree"]))
    defaults = [t["score"] for t in result.trials if t["default"] and t["status"] == "ok"]
    assert result.winner["score"] >= max(defaults)
    board = leaderboard_table(result)
    assert board["status"].iloc[0] == "best" and board["rank"].tolist() == list(
        range(1, len(board) + 1))


@pytest.mark.parametrize("name, workers, budget", [("wine", 1, 3.0), ("digits", 2, 8.0)])
def test_respects_the_time_budget(name, workers, budget):
    df = ops.load_sample_dataset(name)
    started = time.monotonic()
    result = run_search(df, "target", Settings(time_budget=budget, workers=workers))
    elapsed = time.monotonic() - started
    assert elapsed <= budget * 1.1 + 0.3, elapsed
    assert result.stopped == "budget"  # on a busy machine maybe before any trial finished:
    assert result.model.predict(df.drop(columns="target").head(3)) is not None  # still a model


def test_cancel_keeps_the_best_so_far(wine):
    lines = []

    def log(text):
        lines.append(text)
        batches = sum("batch of trials" in t for t in lines)
        if "batch of trials" in text and batches == 2 and any(BEST_MARK in t for t in lines):
            raise KeyboardInterrupt  # Ctrl+C while searching, after the second batch

    result = run_search(wine, "target", Settings(time_budget=120, workers=1, ensembling=False,
                                                 folds=3, learners=["linear", "naive_bayes",
                                                                    "knn"]), log=log)
    assert result.stopped == "cancelled"
    pins = [json.loads(line[len(BEST_MARK):]) for t in lines for line in t.splitlines()
            if line.startswith(BEST_MARK)]
    assert result.winner["candidate"] == pins[-1]["candidate"]
    # The logged pin alone rebuilds the same model (what survives a killed worker).
    rebuilt = automl_ops.automl_model(pins[-1], wine, "target")
    assert list(rebuilt.predict(wine)) == list(result.model.predict(wine[pins[-1]["features"]]))


def test_the_node_outputs_an_inference_pipeline_on_raw_rows(tmp_path):
    df = pd.DataFrame({"size": np.r_[np.linspace(1, 9, 60), [np.nan] * 4],
                       "colour": (["red", "blue", "green", None] * 16),
                       "id": [f"row{i}" for i in range(64)],
                       "label": (["yes", "no"] * 32)})
    df.loc[df["size"] > 6, "label"] = "yes"
    df.to_csv(tmp_path / "rows.csv", index=False)
    pipeline = pipeline_from_json({
        "format": "mlwire.pipeline/1", "name": "automl",
        "nodes": [{"id": "src", "type": "import_csv", "params": {"path": "rows.csv"}},
                  {"id": "auto", "type": "automl",
                   "params": {"label_column": "label", "max_trials": 4, "time_budget": 60,
                              "learners": ["linear", "hgb", "random_forest"]}}],
        "edges": [{"source": "src", "source_port": "data", "target": "auto",
                   "target_port": "data"}]})
    out = run_pipeline(pipeline, tmp_path)["auto"]
    model, board = out["model"], out["leaderboard"]
    raw = pd.read_csv(tmp_path / "rows.csv").drop(columns="label")
    assert set(model.pipeline.predict(raw)) <= {"yes", "no"}
    assert [name for name, _ in model.pipeline.steps] == ["features", "estimator"]
    kinds = {g["kind"] for g in board.details["guardrails"]}
    assert {"missing_values", "id_like"} <= kinds and "id" in board.details["dropped_columns"]
    assert len(board.df) == len(board.details["trials"]) + (1 if board.details["ensemble"]
                                                           and board.details["ensemble"]["used"]
                                                           else 0)
    json.dumps(board.details)  # plain JSON for the run record and the GUI


def test_guardrails_report_a_feature_identical_to_the_label(wine):
    df = wine.assign(copy=wine["target"].map({"class_0": 0, "class_1": 1, "class_2": 2}))
    result = run_search(df, "target", Settings(time_budget=60, max_trials=1, workers=1,
                                               learners=["naive_bayes"]))
    suspects = [g for g in result.prepared.guardrails if g.kind == "leakage_suspect"]
    assert [g.column for g in suspects] == ["copy"]


@pytest.mark.parametrize("frame, settings, text", [
    (pd.DataFrame({"x": range(20), "y": ["a"] * 20}), Settings(), "only one class"),
    (pd.DataFrame({"x": range(20), "y": ["a", "b"] * 10}), Settings(task="regression"),
     "a regression predicts numbers"),
    (pd.DataFrame({"x": range(20), "y": ["a", "b"] * 10}), Settings(time_budget=0),
     "more than 0 seconds"),
    (pd.DataFrame({"x": range(20), "y": ["a", "b"] * 10}), Settings(learners=[]),
     "allowed learners is empty"),
    (pd.DataFrame({"x": range(20), "y": np.linspace(0, 1, 20)}),
     Settings(learners=["naive_bayes"]), "None of the allowed learners"),
])
def test_bad_input_gets_a_clear_message(frame, settings, text):
    with pytest.raises(DataError, match=text):
        run_search(frame, "y", settings)


def test_node_parameters_refuse_a_zero_budget_and_no_learners():
    from nodes.registry import registry
    automl = registry.get("automl")
    _, errors = automl.check_params({"label_column": "y", "time_budget": 0})
    assert errors and "'time_budget'" in str(errors[0]) and "(0.0, inf)" in str(errors[0])
    params, errors = automl.check_params({"label_column": "y", "learners": []})
    assert not errors and "lists no learner" in str(automl.check_more(params)[0])


def test_unpinned_automl_refuses_to_export_with_a_hint():
    from nodes.registry import registry
    automl = registry.get("automl")
    params, _ = automl.check_params({"label_column": "y"})
    with pytest.raises(NodeError, match="pinned"):
        automl.emit(params, None)
