"""Files and safety nets: new project, autosave and crash recovery, asking before losing work,
script export, a failed node's details, and the metrics viewer's regression and data_b views."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from designer.engine.events import NodeFailed
from designer.store import Project

from .conftest import example_pipeline
from .test_main_window import add_from_palette, window  # noqa: F401  (fixture)


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_new_project_then_save_into_it(window, tmp_path):  # noqa: F811
    from designer.gui import files
    path = tmp_path / "study.mlw"
    assert files.new_project(window, path)
    assert window.document.is_project and "study.mlw" in window.windowTitle()
    add_from_palette(window, "sample_dataset")
    assert window.isWindowModified()
    assert files.save(window)
    assert not window.isWindowModified()
    with Project.open(path, read_only=True) as project:
        assert project.pipelines.names() == ["study"]
        assert [n["type"] for n in project.pipelines.get("study")["nodes"]] == ["sample_dataset"]


def test_opening_a_project_from_an_older_mlwire_upgrades_it_and_says_so(window, tmp_path,  # noqa: F811
                                                                        monkeypatch):
    import shutil
    from pathlib import Path
    from designer.gui import files
    fixture = Path(__file__).resolve().parents[1] / "store" / "fixtures" / "schema-0002.mlw"
    path = tmp_path / "old.mlw"
    shutil.copyfile(fixture, path)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: told.append("warning: " + a[2]))
    assert files.open_path(window, path, confirm=False, pipeline_name="iris-species")
    assert len(told) == 1 and "Upgraded 'old.mlw' from file format revision 2" in told[0]
    assert (tmp_path / "old.mlw.bak-2").exists()
    assert window.document.is_project and "old.mlw" in window.windowTitle()


def test_autosave_recovery_and_clean_exit(window, qtbot, registry, tmp_path,  # noqa: F811
                                          monkeypatch, _private_data_dir):
    from designer.gui.main_window import MainWindow
    from designer.gui.recovery import pending_recoveries
    recovery = _private_data_dir / "recovery"
    add_from_palette(window, "split_data")
    assert window.autosave.timer.interval() == 60_000
    assert window.autosave.save_now()
    saved = json.loads(window.autosave.file.read_text())
    assert [n["type"] for n in saved["pipeline"]["nodes"]] == ["split_data"]
    # a crash: the file stays behind under a process that is gone
    crashed = recovery / f"session-{dead_pid()}-1.json"
    window.autosave.file.rename(crashed)
    assert [r.file for r in pending_recoveries()] == [crashed]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    again = MainWindow(registry, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(again)
    assert again.offer_recovery()
    assert [n.type for n in again.document.pipeline.nodes] == ["split_data"]
    assert again.document.modified and again.isWindowModified()
    assert not crashed.exists()
    # closing with unsaved changes asks: Cancel keeps the window, Discard closes it
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.Cancel)
    again.show()
    again.close()
    assert again.isVisible() and asked and "Save the changes" in asked[0]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Discard)
    again.close()
    assert not again.isVisible()
    # a clean exit leaves nothing to restore
    window.document.undo_stack.setClean()
    window.close()
    assert list(recovery.glob("session-*.json")) == []
    assert pending_recoveries() == []


def test_export_script(window, registry, tmp_path, monkeypatch):  # noqa: F811
    from designer.gui.document import Document
    window.set_document(Document(example_pipeline(registry), tmp_path / "ex.pipeline.json"))
    target = tmp_path / "ex.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.actions_["export"].trigger()
    source = target.read_text()
    assert "sklearn" in source and "import pandas" in source
    compile(source, str(target), "exec")


def test_failed_node_message_on_card_and_details(window, qtbot, registry):  # noqa: F811
    from designer.gui.document import Document
    window.set_document(Document(example_pipeline(registry)))
    window.runs._on_event(NodeFailed("train", "Train Model (train): the label column 'x' is "
                                              "not in the table.", "Traceback: boom", 0.1))
    item = window.document.scene.nodes["train"]
    assert item.state == "failed" and "label column" in item.state_message
    assert "Click" in item.toolTip()
    # one click on the card's message opens the details with the traceback
    assert item.details_hit(item.mapFromScene(item.sceneBoundingRect().center()))
    window.document.scene.details_requested.emit("train")
    dialog = window.failure_dialog
    qtbot.addWidget(dialog)
    assert "label column" in dialog.message.text()
    assert dialog.details.toPlainText() == "Traceback: boom"
    # selecting the node: the inspector shows the failure with a details button
    window.document.scene.select_nodes(["train"])
    assert window.inspector.failure_box.isVisibleTo(window.inspector)


@pytest.fixture
def viewer(qtbot):
    from designer.gui.outputs.metrics_view import MetricsViewer
    w = MetricsViewer()
    w.resize(900, 400)
    qtbot.addWidget(w)
    w.show()
    return w


def test_regression_residuals_side_by_side_and_png(viewer, tmp_path):
    from nodes.values import Metrics
    a = Metrics("regression", {"mae": 40.0, "r2": 0.4},
                {"residuals": {"predicted": [100, 150, 200], "residual": [5, -10, 3]}})
    b = Metrics("regression", {"mae": 45.0, "r2": 0.3},
                {"residuals": {"predicted": [90, 160, 210], "residual": [8, -12, 1]}})
    a.b = b
    viewer.set_metrics(a)
    assert viewer.plot_titles() == ["Residuals"]
    assert viewer.values()["r2"] == "0.4000" and viewer.values("data_b")["r2"] == "0.3000"
    plot = viewer.plots.widget(0)
    names = [item.name() for item in plot.getPlotItem().listDataItems()]
    assert names == ["data", "data_b"]
    png = viewer.export_png(tmp_path / "residuals.png")
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_tab_on_the_canvas_opens_quick_add(window, qtbot):  # noqa: F811
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication
    window.centre.setCurrentWidget(window.view)
    QApplication.sendEvent(window.view, QKeyEvent(QEvent.KeyPress, Qt.Key_Tab, Qt.NoModifier))
    popup = window.quick_add_popup
    qtbot.addWidget(popup)
    assert popup.isVisible()
    popup.close()
