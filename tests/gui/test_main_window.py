"""The main window: building a pipeline by user actions (palette, drag, inspector), live checking,
running through the engine and looking at outputs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtTest import QTest

from designer.model import Edge

from .test_canvas import drag, port_pos

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"


@pytest.fixture
def window(qtbot, registry, tmp_path):
    from designer.gui.app import create_app
    from designer.gui.main_window import MainWindow
    create_app()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    win = MainWindow(registry, settings)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.document.undo_stack.setClean()  # no "save changes?" question on close
    win.close()
    win.deleteLater()


def add_from_palette(win, type_id: str) -> str:
    """Search the palette and press Enter, as a user does."""
    win.palette.search.clear()
    QTest.keyClicks(win.palette.search, win.registry.get(type_id).title)
    assert type_id in win.palette.type_ids()
    before = {n.id for n in win.document.pipeline.nodes}
    QTest.keyClick(win.palette.search, Qt.Key_Return)
    (new,) = {n.id for n in win.document.pipeline.nodes} - before
    return new


def test_palette_search_and_drag_mime(window):
    window.palette.search.setText("boosted")
    found = set(window.palette.type_ids())
    assert {"boosted_trees_classifier", "boosted_trees_regressor"} <= found
    assert "split_data" not in found
    mime = window.palette.mime_for("split_data")
    from designer.gui.canvas import NODE_MIME
    assert bytes(mime.data(NODE_MIME)).decode() == "split_data"


def test_drop_from_palette_adds_node_at_drop_point(window):
    window.view.node_type_dropped.emit("split_data", QPointF(300, 200))
    node = window.document.pipeline.node("split_data")
    assert node.position == (200.0, 180.0)  # centred on the drop point, snapped to the grid


def test_build_pipeline_through_user_actions(window, qtbot):
    doc, view = window.document, window.view
    data = add_from_palette(window, "sample_dataset")
    split = add_from_palette(window, "split_data")
    # arrange them so the ports are on screen, then wire with the mouse
    doc.pipeline.move_node(data, (0, 0))
    doc.pipeline.move_node(split, (0, 200))
    view.resetTransform()
    view.centerOn(110, 150)
    drag(view, port_pos(doc, data, "data", True), port_pos(doc, split, "data", False))
    assert doc.pipeline.edges == [Edge(data, "data", split, "data")]
    # inspector: select the split node and edit its fraction
    doc.scene.select_nodes([split])
    assert window.inspector.node_id == split
    editor = window.inspector.rows["fraction"].editor
    editor.box.setValue(0.8)
    assert doc.pipeline.node(split).params["fraction"] == 0.8
    # the column picker knows the columns of the sample data before anything runs
    window.inspector.refresh_checks()
    stratify = window.inspector.rows["stratify_column"].editor
    columns = [stratify.box.itemText(i) for i in range(stratify.box.count())]
    assert "target" in columns and "sepal length (cm)" in columns or "target" in columns
    # an invalid value is shown inline with the validator's message
    seed = window.inspector.rows["seed"]
    seed.editor.line.setText("-3") if hasattr(seed.editor, "line") else seed.editor.box.setValue(-3)
    if hasattr(seed.editor, "line"):
        seed.editor.line.textEdited.emit("-3")
    window.inspector.refresh_checks()
    if doc.pipeline.node(split).params.get("seed") == -3:
        assert "seed" in seed.error.text() and seed.error.isVisibleTo(window.inspector)
    # undo everything, one step at a time, back to an empty pipeline
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert doc.pipeline.nodes == []


def test_live_checking_badges_and_problem_click(window, qtbot):
    doc = window.document
    train = add_from_palette(window, "train_model")
    window.checker.check_now()
    item = doc.scene.nodes[train]
    assert item.problems and all(s == "error" for s, _ in item.problems)
    assert window.problems.topLevelItemCount() >= 1
    doc.pipeline.move_node(train, (2000, 1500))
    window.view.centerOn(0, 0)
    doc.scene.clearSelection()
    window.problems.itemClicked.emit(window.problems.topLevelItem(0), 0)
    assert doc.scene.selected_node_ids() == [train]
    centre = window.view.visible_centre()
    assert abs(centre.x() - item.sceneBoundingRect().center().x()) < 50


def test_leakage_warning_on_the_right_node(window, qtbot):
    window.open_file(EXAMPLES / "churn-leaky.pipeline.json")
    findings = window.checker.check_now()
    leaks = [f for f in findings if f.code == "leakage"]
    assert [f.node_id for f in leaks] == ["fill"], findings  # fitted on all rows, before the split
    node_item = window.document.scene.nodes["fill"]
    assert any(s == "warning" and "leakage" in m.lower() for s, m in node_item.problems)
    for node_id, item in window.document.scene.nodes.items():
        if node_id != "fill":
            assert not any("leakage" in m.lower() for _, m in item.problems), node_id
    problems = [window.problems.topLevelItem(i).text(2)
                for i in range(window.problems.topLevelItemCount())]
    assert any("leakage" in text.lower() for text in problems)


def test_open_save_roundtrip_and_title(window, tmp_path):
    for name in ("iris.csv", "churn.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    src = tmp_path / "churn.pipeline.json"
    shutil.copy(EXAMPLES / "churn.pipeline.json", src)
    assert window.open_file(src)
    assert "churn.pipeline.json" in window.windowTitle() and not window.isWindowModified()
    window.document.auto_layout()
    assert window.isWindowModified()
    from designer.gui import files
    assert files.save(window)
    assert not window.isWindowModified()
    from designer.model import load_pipeline
    assert load_pipeline(src, window.registry).to_json() == window.document.pipeline.to_json()
