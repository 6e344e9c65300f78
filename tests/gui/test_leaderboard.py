"""The AutoML leaderboard view: sorting, the best-score plot, registering a non-winning candidate
into the project's SQLite registry, and the Output tab / node card during a real run."""
from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import Qt

from designer.model import pipeline_from_json

from .test_main_window import window  # noqa: F401  (fixture)

LEARNERS = ["linear", "naive_bayes", "knn", "decision_tree"]


def automl_doc(max_trials: int = 7) -> dict:
    automl = {"label_column": "target", "time_budget": 120, "max_trials": max_trials,
              "validation": "cv", "folds": 3, "seed": 0, "learners": LEARNERS,
              "ensembling": False}
    return {"format": "mlwire.pipeline/1", "name": "wine-automl",
            "nodes": [{"id": "data", "type": "sample_dataset", "params": {"name": "wine"}},
                      {"id": "split", "type": "split_data", "params": {"fraction": 0.8}},
                      {"id": "automl", "type": "automl", "params": automl}],
            "edges": [{"source": "data", "source_port": "data", "target": "split",
                       "target_port": "data"},
                      {"source": "split", "source_port": "train", "target": "automl",
                       "target_port": "data"}]}


@pytest.fixture(scope="module")
def automl_run(tmp_path_factory):
    """A recorded run of a small AutoML pipeline: (project path, run id, leaderboard, train rows)."""
    from designer.engine import Engine
    from designer.store import Project, RunRecorder
    folder = tmp_path_factory.mktemp("automl")
    path = folder / "wine.mlw"
    engine = Engine(folder / "wine.mlw-cache", workers=1)
    try:
        with Project.open(path, create=True) as project:
            result = engine.run(pipeline_from_json(automl_doc()), folder,
                                listener=RunRecorder(project))
        assert result.status == "succeeded", result.errors
        board = engine.output("automl", "leaderboard")
        train = engine.output("split", "train").df
    finally:
        engine.close()
    return path, result.run_id, board, train


@pytest.fixture
def view(qtbot, automl_run):
    from designer.gui.outputs.leaderboard_view import LeaderboardView
    widget = LeaderboardView()
    widget.resize(1100, 600)
    qtbot.addWidget(widget)
    widget.show()
    widget.set_value(automl_run[2])
    return widget


def _column(view, column: int, role=Qt.DisplayRole) -> list:
    return [view.proxy.index(r, column).data(role) for r in range(view.proxy.rowCount())]


def test_table_matches_the_leaderboard_and_sorts(view, automl_run):
    board = automl_run[2].df
    assert view.proxy.rowCount() == len(board)
    assert _column(view, 1) == board["candidate"].tolist()          # best first, as the port
    shown = [float(text.split(" ± ")[0]) for text in _column(view, 3)]
    assert shown == pytest.approx(board["score"].round(4).tolist(), abs=1e-4)
    assert _column(view, 6)[0] == "best"
    view.table.sortByColumn(3, Qt.AscendingOrder)                   # click on "Score"
    ascending = [float(t.split(" ± ")[0]) for t in _column(view, 3)]
    assert ascending == sorted(ascending)
    view.table.sortByColumn(4, Qt.DescendingOrder)                  # fit time, slowest first
    fits = [float(t) for t in _column(view, 4)]
    assert fits == sorted(fits, reverse=True)
    view.table.sortByColumn(0, Qt.AscendingOrder)
    assert [int(t) for t in _column(view, 0)] == list(range(1, len(board) + 1))
    # selecting a row shows that candidate's parameters and its fold scores
    view.select_rank(2)
    row = view.selected_row()
    assert row["rank"] == 2 and row["candidate"] in view.candidate_text.toPlainText()
    assert "per fold:" in view.candidate_text.toPlainText()


def test_plot_has_one_point_per_improvement(view, automl_run):
    details = automl_run[2].details
    trials = sorted((t for t in details["trials"] if t["status"] == "ok"),
                    key=lambda t: (t["finished_at"], t["trial"]))
    expected, best = [], -np.inf
    for t in trials:   # roc_auc / accuracy: higher is better
        if t["score"] > best:
            best = t["score"]
            expected.append((t["finished_at"], t["score"]))
    xs, ys = view.points.getData()
    assert xs.tolist() == pytest.approx([x for x, _ in expected])
    assert ys.tolist() == pytest.approx([y for _, y in expected])
    shown = {int(trial): float(text.split(" ± ")[0])
             for trial, text in zip(_column(view, 5), _column(view, 3))}
    for x, y, trial in view.plot_points():   # each point is a trial's score in the table
        assert shown[trial] == pytest.approx(y, abs=1e-4)


def _sklearn_pipeline(row: dict):
    """The candidate built by hand with scikit-learn (wine: numeric columns only)."""
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import RobustScaler, StandardScaler
    from sklearn.tree import DecisionTreeClassifier
    estimator = {"linear": LogisticRegression, "naive_bayes": GaussianNB,
                 "knn": KNeighborsClassifier, "decision_tree": DecisionTreeClassifier}[
        row["learner"]](**row["params"])
    steps = [SimpleImputer(strategy=row["prep"]["impute"])]
    steps += {"standard": [StandardScaler()], "robust": [RobustScaler()], "none": []}[
        row["prep"]["scale"]]
    return make_pipeline(*steps, estimator)


def test_register_a_non_winning_candidate(view, qtbot, automl_run):
    from designer.gui.outputs.leaderboard_view import RegisterContext
    from designer.store import Project
    path, run_id, _, train = automl_run
    row = next(r for r in view.rows if r["rank"] > 1 and r["status"] == "ok"
               and not r["prep"].get("select"))
    view.select_rank(row["rank"])
    view.context_provider = lambda: RegisterContext(lambda: Project.open(path), run_id,
                                                    path.parent, path.with_name(path.name + "-cache"))
    view.name_asker = lambda suggestion: "wine-runner-up"
    with qtbot.waitSignal(view.registered, timeout=120_000) as blocker:
        qtbot.mouseClick(view.register_button, Qt.LeftButton)
        assert view.busy and not view.register_button.isEnabled()
    qtbot.waitUntil(lambda: not view.busy)
    assert "Registered wine-runner-up version 1" in view.status.text()
    refit_run = blocker.args[0].refit_run
    with Project.open(path, read_only=True) as project:      # read back from the SQLite file
        version = project.registry.get("wine-runner-up")
        assert (version.run_id, version.node_id) == (refit_run, "automl")
        assert version.tags["source_run"] == run_id
        assert version.tags["candidate_trial"] == str(row["trial"])
        assert project.runs.get(refit_run).tags["candidate_of"] == f"{run_id}/automl#{row['trial']}"
        model = project.registry.load("wine-runner-up")
    X, y = train.drop(columns="target"), train["target"]
    direct = _sklearn_pipeline(row).fit(X, y)
    assert list(model.pipeline.predict(X)) == list(direct.predict(X))
    np.testing.assert_allclose(model.pipeline.predict_proba(X), direct.predict_proba(X),
                               atol=1e-9)


def test_run_in_the_window_shows_progress_and_the_leaderboard(window, qtbot, registry,  # noqa: F811
                                                              tmp_path):
    from designer.engine.events import NodeProgress
    from designer.gui.document import Document
    from designer.gui.outputs.leaderboard_view import LeaderboardView
    doc = Document(pipeline_from_json(automl_doc(max_trials=5), registry),
                   tmp_path / "wine.pipeline.json")
    window.set_document(doc)
    card_texts = []   # what the AutoML card reads under its title while it runs
    window.runs.controller.event.connect(
        lambda e: isinstance(e, NodeProgress) and e.node_id == "automl"
        and card_texts.append(doc.scene.nodes["automl"].shown_summary()))
    with qtbot.waitSignal(window.runs.controller.finished, timeout=120_000) as blocker:
        assert window.runs.run()
    assert blocker.args[0].status == "succeeded", blocker.args[0].errors
    assert any(re.fullmatch(r"\d+ trials · best 0\.\d{4} · \d+s left", t)
               for t in card_texts), card_texts
    assert doc.scene.nodes["automl"].shown_summary() != card_texts[-1]   # back to its summary
    doc.scene.select_nodes(["automl"])
    assert window.runs.show_output("automl", "leaderboard")
    shown = window.output.stack.currentWidget()
    assert isinstance(shown, LeaderboardView) and shown.proxy.rowCount() == 5
    context = shown.context_provider()   # registering uses this window's last recorded run
    assert context.run_id == blocker.args[0].run_id
