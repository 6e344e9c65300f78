"""Leaderboard candidates: rows from the recorded details, the noise-aware choice of winner, and
registering a non-winning AutoML or tuning candidate (in-process and with `mlwire`)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from designer.automl import Settings, candidate_rows, leaderboard_table, run_search
from designer.automl.candidates import candidate_pin, find_candidate, register_candidate
from designer.automl.search import prefer_default_within_noise
from designer.model import pipeline_from_json
from nodes import automl_ops, ops

ROOT = Path(__file__).resolve().parents[2]
LEARNERS = ["linear", "naive_bayes", "knn", "decision_tree"]


@pytest.fixture(scope="module")
def wine():
    return ops.load_sample_dataset("wine")


@pytest.fixture(scope="module")
def search(wine):
    return run_search(wine, "target", Settings(time_budget=120, max_trials=6, workers=1, folds=3,
                                               learners=LEARNERS, ensembling=False))


def _details(result):
    return {"kind": "automl", "greater_is_better": True, "best": result.winner,
            "trials": result.trials, "ensemble": result.ensemble}


def test_rows_are_the_leaderboard_and_pins_rebuild_each_candidate(search, wine):
    rows = candidate_rows(_details(search))
    board = leaderboard_table(search)
    assert [r["candidate"] for r in rows] == board["candidate"].tolist()
    assert rows[0]["trial"] == search.winner["trial"] and rows[0]["status"] == "best"
    runner_up = find_candidate(_details(search), rank=2)
    pin = candidate_pin(_details(search), runner_up["trial"])
    assert pin["spec"] == next(t["spec"] for t in search.trials
                               if t["trial"] == runner_up["trial"])
    # The pin alone rebuilds the candidate: the same as building its spec by hand, every time.
    model = automl_ops.automl_model(pin, wine, "target")
    X, y = wine[pin["features"]], wine["target"]
    direct = automl_ops.build_candidate(pin["spec"], pin["numeric"], pin["categorical"], 0)
    direct.fit(X, y)
    np.testing.assert_array_equal(model.predict(wine), direct.predict(X))
    again = automl_ops.automl_model(pin, wine, "target")
    np.testing.assert_array_equal(again.predict_proba(wine), model.predict_proba(wine))


def _trial(number, scores, default=False):
    return {"trial": number, "default": default, "status": "ok", "candidate": f"t{number}",
            "score": float(np.mean(scores)), "score_std": float(np.std(scores)),
            "fold_scores": list(scores)}


def test_a_default_within_noise_of_the_top_is_kept():
    default = _trial(1, [0.990, 0.995, 0.985, 0.992, 0.996], default=True)
    noisy = _trial(7, [0.996, 0.990, 0.994, 0.991, 0.997])    # +0.002 on average, ± a lot
    winner, reason = prefer_default_within_noise([default, noisy], 1.0)
    assert winner is default and "noise" in reason
    clear = _trial(8, [0.999, 0.999, 0.997, 0.998, 0.999])    # better on every fold
    assert prefer_default_within_noise([default, noisy, clear], 1.0) == (clear, "")
    # lower-is-better metrics (e.g. rmse) compare the other way round
    low_default = _trial(1, [10.0, 11.0, 9.5], default=True)
    low_top = _trial(4, [9.9, 11.2, 9.3])
    assert prefer_default_within_noise([low_default, low_top], -1.0)[0] is low_default
    assert prefer_default_within_noise([_trial(2, [0.9])], 1.0)[0]["trial"] == 2


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A project with one run of AutoML and one of tuning on wine's training split."""
    from designer.engine import Engine
    from designer.store import Project, RunRecorder
    folder = tmp_path_factory.mktemp("candidates")
    doc = {"format": "mlwire.pipeline/1", "name": "wine",
           "nodes": [{"id": "data", "type": "sample_dataset", "params": {"name": "wine"}},
                     {"id": "split", "type": "split_data", "params": {"fraction": 0.8}},
                     {"id": "automl", "type": "automl", "params": {
                         "label_column": "target", "max_trials": 4, "folds": 3,
                         "validation": "cv", "learners": LEARNERS, "ensembling": False}},
                     {"id": "tree", "type": "decision_tree_classifier", "params": {}},
                     {"id": "tune", "type": "tune_model_hyperparameters", "params": {
                         "label_column": "target", "ranges": {"max_depth": [1, 3, None]},
                         "folds": 3}}],
           "edges": [{"source": "data", "source_port": "data", "target": "split",
                      "target_port": "data"},
                     {"source": "split", "source_port": "train", "target": "automl",
                      "target_port": "data"},
                     {"source": "split", "source_port": "train", "target": "tune",
                      "target_port": "data"},
                     {"source": "tree", "source_port": "learner", "target": "tune",
                      "target_port": "learner"}]}
    path = folder / "wine.mlw"
    engine = Engine(folder / "wine.mlw-cache", workers=1)
    try:
        with Project.open(path, create=True) as project:
            result = engine.run(pipeline_from_json(doc), folder, listener=RunRecorder(project))
        assert result.status == "succeeded", result.errors
        train = engine.output("split", "train").df
        learner = engine.output("tree", "learner").estimator
    finally:
        engine.close()
    return path, result.run_id, train, learner


def test_register_a_tuning_trial(recorded):
    from sklearn.base import clone
    from designer.store import Project
    path, run_id, train, learner = recorded
    with Project.open(path) as project:
        details = project.runs.get(run_id).node("tune").outputs["trials"]["details"]
        loser = next(t for t in details["trials"] if t["trial"] != details["best_trial"])
        done = register_candidate(project, run_id, "tune", "wine-tree", trial=loser["trial"])
        model = project.registry.load("wine-tree")
        assert project.registry.get("wine-tree").tags["candidate_trial"] == str(loser["trial"])
    X, y = train.drop(columns="target"), train["target"]
    direct = clone(learner).set_params(**loser["params"]).fit(X, y)
    np.testing.assert_allclose(model.pipeline.predict_proba(X), direct.predict_proba(X))
    assert done.refit_run != run_id and not done.warnings


def test_register_candidate_command(recorded):
    from designer.store import Project
    path, run_id, train, _ = recorded
    done = subprocess.run([sys.executable, "-m", "designer.cli", "register-candidate", str(path),
                           "--run", run_id[:6], "--candidate", "3", "--name", "wine-third",
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    with Project.open(path, read_only=True) as project:
        details = project.runs.get(run_id).node("automl").outputs["leaderboard"]["details"]
        third = find_candidate(details, rank=3)
        assert (out["model"], out["version"], out["trial"]) == ("wine-third", 1, third["trial"])
        model = project.registry.load("wine-third:1")
    pin = candidate_pin(details, third["trial"])
    expected = automl_ops.automl_model(pin, train, "target")
    np.testing.assert_array_equal(model.pipeline.predict(train), expected.predict(train))
    bad = subprocess.run([sys.executable, "-m", "designer.cli", "register-candidate", str(path),
                          "--run", run_id, "--candidate", "99", "--name", "x"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "no candidate with rank 99" in bad.stderr


def test_the_linear_default_is_the_reference_a_richer_default_must_beat():
    linear = {**_trial(1, [0.990, 0.995, 0.985, 0.992, 0.996], default=True), "learner": "linear"}
    svm = {**_trial(2, [0.996, 0.990, 0.994, 0.991, 0.997], default=True), "learner": "svm"}
    winner, reason = prefer_default_within_noise([linear, svm], 1.0)
    assert winner is linear and "significantly better" in reason
    strong = {**_trial(3, [0.999, 0.999, 0.997, 0.998, 0.999], default=True), "learner": "rf"}
    assert prefer_default_within_noise([linear, svm, strong], 1.0) == (strong, "")


def test_a_pin_with_refit_rows_rebuilds_on_the_same_rows(wine):
    from nodes.automl_ops import fit_candidate
    result = run_search(wine, "target", Settings(time_budget=120, max_trials=2, workers=1,
                                                 folds=3, learners=["decision_tree"],
                                                 ensembling=False))
    X, y = wine.drop(columns="target"), wine["target"]
    pin = {**result.winner, "refit_rows": 100}
    first, again = fit_candidate(pin, X, y), fit_candidate(pin, X, y)
    assert first[-1].tree_.n_node_samples[0] == 100         # the root saw 100 rows
    np.testing.assert_array_equal(first.predict_proba(X), again.predict_proba(X))
    whole = fit_candidate(result.winner, X, y)
    assert whole[-1].tree_.n_node_samples[0] == len(X)


def test_a_refit_that_would_overrun_the_budget_takes_fewer_rows_or_a_quicker_candidate():
    from designer.automl.search import _plan_refit, _Search

    class Fake:                       # 1,000 rows, folds of 800 training rows
        prep = type("P", (), {"y": np.zeros(1000)})()
        folds = [(np.arange(800), np.arange(800, 1000))]
        sign, test_train_ratio = 1.0, 0.25
        refit_estimate = _Search.refit_estimate

    slow = {**_trial(2, [0.95]), "fit_seconds": 8.0, "candidate": "slow"}
    quick = {**_trial(3, [0.90]), "fit_seconds": 1.0, "candidate": "quick"}
    search = Fake()
    assert _plan_refit(search, [slow, quick], slow, 60.0) == (slow, None, "")
    # all rows: 8 s x 1.25 x 1.5 = 15 s; 800 rows: 8 s x 1.2 = 9.6 s fits in 12 s
    choice, rows, why = _plan_refit(search, [slow, quick], slow, 12.0)
    assert choice is slow and 800 <= rows < 1000 and "refitted on" in why
    # not even the validated 800 rows fit: the quick candidate instead, on all rows
    choice, rows, why = _plan_refit(search, [slow, quick], slow, 5.0)
    assert (choice, rows) == (quick, None) and "quick (trial 3" in why
