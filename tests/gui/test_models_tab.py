"""The model registry in the window: register a recorded run's model from the Output tab and the
Models tab, edit description, tags and aliases (champion), download, open the run's pipeline.
Runs are real (trained here, recorded by the store's RunRecorder); the registry is checked in the
SQLite file itself."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import joblib
import pandas as pd
import pytest
from PySide6.QtWidgets import QDialog

from designer.store import Project

from .test_main_window import window  # noqa: F401  (fixture)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tracking"))
from recorded_models import JOINED, record_model_run, write_customer_files  # noqa: E402

IRIS = {
    "format": "mlwire.pipeline/1", "name": "iris-tiny", "parameters": {},
    "nodes": [
        {"id": "load", "type": "sample_dataset", "params": {"name": "iris"}},
        {"id": "scale", "type": "normalize_data", "params": {"exclude_columns": ["target"]}},
        {"id": "logreg", "type": "logistic_regression", "params": {"max_iter": 300}},
        {"id": "train", "type": "train_model", "params": {"label_column": "target"}},
    ],
    "edges": [
        {"source": "load", "source_port": "data", "target": "scale", "target_port": "data"},
        {"source": "scale", "source_port": "data", "target": "train", "target_port": "data"},
        {"source": "logreg", "source_port": "learner", "target": "train",
         "target_port": "learner"},
    ],
}


def registry_rows(path: Path) -> dict:
    """What the project file says: versions (model, version, run, description), aliases, tags."""
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
        versions = db.execute("SELECT m.name, v.version, v.run_id, v.node_id, v.description "
                              "FROM model_versions v JOIN registered_models m "
                              "ON m.id = v.model_id ORDER BY m.name, v.version").fetchall()
        aliases = db.execute("SELECT m.name, a.alias, v.version FROM model_aliases a "
                             "JOIN registered_models m ON m.id = a.model_id "
                             "JOIN model_versions v ON v.id = a.version_id "
                             "ORDER BY a.alias").fetchall()
        tags = db.execute("SELECT v.version, t.key, t.value FROM model_version_tags t "
                          "JOIN model_versions v ON v.id = t.version_id").fetchall()
    return {"versions": versions, "aliases": aliases, "tags": tags}


@pytest.fixture
def iris_project(tmp_path):
    path = tmp_path / "study.mlw"
    with Project.open(path, create=True) as project:
        project.pipelines.save(IRIS["name"], IRIS)
        first = record_model_run(project, IRIS, tmp_path, "run-one")
        second = record_model_run(project, IRIS, tmp_path, "run-two")
    return path, first, second


def test_register_from_output_and_models_tab_then_alias_champion(
        window, qtbot, iris_project, tmp_path):  # noqa: F811
    path, first, second = iris_project
    assert window.open_file(path)
    panel = window.models_panel
    assert window.tabs.tabText(window.tabs.indexOf(panel)) == "Models"
    assert panel.model_list.count() == 0 and "No registered models yet" in panel.caption.text()

    # The Output tab shows run 2's Model as a form, with "Register model…".
    window.output.show_value("Train Model · model", second, source=("run-two", "train", "model"))
    view = window.output.model_view
    assert window.output.stack.currentWidget() is view
    assert view.values()["task"] == "classification" and view.values()["label"] == "target"
    assert view.values()["classes"] == "setosa, versicolor, virginica"
    assert "takes raw rows" in view.values()["inference"]
    shown = [(view.signature.item(r, 0).text(), view.signature.item(r, 1).text())
             for r in range(view.signature.rowCount())]
    assert shown == [(c, t) for c, t in second.signature] and len(shown) == 4
    assert [view.steps.item(r, 0).text() for r in range(view.steps.rowCount())] == \
        ["scale", "features", "estimator"]
    assert view.importances.rowCount() == 4          # |coefficients| of the logistic regression
    assert view.register_button.isEnabled()
    view.register_button.click()
    dialog = window.register_dialog
    qtbot.addWidget(dialog)
    assert not dialog.run_box.isEnabled() and dialog.node_box.currentText() == "train · model"
    qtbot.keyClicks(dialog.name_box.lineEdit(), "iris species")
    qtbot.keyClicks(dialog.description, "scaled logistic regression")
    dialog.register_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.version.ref == "iris species:1"
    assert registry_rows(path)["versions"] == [("iris species", 1, "run-two", "train",
                                                "scaled logistic regression")]

    # The Models tab lists it; register run 1's model as version 2 from there.
    window.tabs.setCurrentWidget(panel)
    assert panel.selected_model() == "iris species" and panel.selected_ref() == "iris species:1"
    row = {panel.table.horizontalHeaderItem(c).text(): panel.table.item(0, c).text()
           for c in range(panel.table.columnCount())}
    assert row["Run"] == "2 · run-two"                 # run 2 of the project
    assert (row["Node"], row["Task"], row["Label"]) == ("train", "classification", "target")
    assert row["Input"] == "4 column(s): " + ", ".join(c for c, _ in second.signature[:3]) \
        + ", …"
    window.runs_panel.select_runs(["run-one"])
    panel.register_button.click()
    dialog = window.register_dialog
    qtbot.addWidget(dialog)
    assert dialog.run_box.currentData() == "run-one" and dialog.node_box.count() == 1
    assert [dialog.name_box.itemText(i) for i in range(dialog.name_box.count())] == \
        ["iris species"]
    dialog.name_box.setCurrentIndex(0)                   # an existing name: a new version
    dialog.register_button.click()
    assert dialog.version.ref == "iris species:2"
    assert panel.selected_ref() == "iris species:2" and panel.table.rowCount() == 2
    # The Runs tab's right-click menu opens the same dialog for the run selected there.
    window.runs_panel.select_runs(["run-two"])
    action = next(a for a in window.runs_panel.table.actions() if "Register" in a.text())
    action.trigger()
    assert window.register_dialog is not dialog
    assert window.register_dialog.run_box.currentData() == "run-two"
    window.register_dialog.reject()

    # A bad alias is refused with the registry's message; nothing is written.
    panel.aliases.setText("2")
    assert panel.save_button.isEnabled()
    assert not panel.save_changes()
    assert "cannot be an alias" in panel.message.text()
    assert registry_rows(path)["aliases"] == []
    # champion on version 1 (typed, Enter), tags on it too
    panel.select_version("iris species", 1)
    qtbot.keyClicks(panel.aliases, "champion")
    panel.tags.setText("stage=prod")
    qtbot.keyClick(panel.aliases, "\r")
    rows = registry_rows(path)
    assert rows["aliases"] == [("iris species", "champion", 1)]
    assert rows["tags"] == [(1, "stage", "prod")]
    assert "Saved iris species:1" in panel.message.text()
    assert "champion → 1" in panel.model_list.item(0).text()
    # moving champion to version 2 takes it off version 1
    panel.select_version("iris species", 2)
    panel.aliases.setText("champion")
    panel.save_button.click()
    assert registry_rows(path)["aliases"] == [("iris species", "champion", 2)]
    assert panel.table.item(0, 1).text() == "champion" and panel.table.item(1, 1).text() == ""
    assert panel.table.item(1, 3).text() == "stage=prod"

    # Download as .joblib: written, with the pickle note, and predicts as the trained model.
    target = panel.download(tmp_path / "champion.joblib")
    assert target.exists() and "pickle" in panel.message.text()
    assert "runs code" in panel.message.text()
    rows = pd.DataFrame([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]],
                        columns=[c for c, _ in first.signature])
    assert joblib.load(target).predict(rows).tolist() == first.pipeline.predict(rows).tolist()

    # Serve… without the serving window installed: a message saying what to run instead.
    sys.modules["designer.gui.serve_dialog"] = None          # as if the module were missing
    try:
        panel.serve_button.click()
    finally:
        del sys.modules["designer.gui.serve_dialog"]
    assert "mlwire serve PROJECT --model iris species:2" in panel.message.text()

    # Open pipeline: run 1's pipeline as a new editable pipeline in the same project.
    panel.open_button.click()
    assert window.document.pipeline.name == "iris-tiny (from run 1)"
    assert window.document.path == path and window.document.modified
    from designer.gui import files
    assert files.save(window)
    with Project.open(path, read_only=True) as project:
        assert project.pipelines.names() == ["iris-tiny", "iris-tiny (from run 1)"]


def test_registration_tells_where_the_inference_pipeline_starts(
        window, qtbot, tmp_path):  # noqa: F811
    write_customer_files(tmp_path)
    path = tmp_path / "churn.mlw"
    with Project.open(path, create=True) as project:
        project.pipelines.save(JOINED["name"], JOINED)
        record_model_run(project, JOINED, tmp_path, "run-joined")
    assert window.open_file(path)
    window.models_panel.register_button.click()           # the latest run is preselected
    dialog = window.register_dialog
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name_box.lineEdit(), "churn")
    qtbot.keyClicks(dialog.alias, "challenger")
    dialog.register_button.click()
    # registered, and the dialog stays open to say what callers must send
    assert dialog.isVisible() and dialog.register_button.text() == "Close"
    text = dialog.message.text()
    assert text.startswith("Registered churn:1 as churn@challenger.")
    assert "'support_calls'" in text and "id, tenure, charges, support_calls" in text
    assert registry_rows(path)["aliases"] == [("churn", "challenger", 1)]
    dialog.register_button.click()
    assert not dialog.isVisible()
    assert window.models_panel.selected_ref() == "churn:1"
