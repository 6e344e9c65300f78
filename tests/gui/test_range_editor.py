"""The inspector's range editor for Tune Model Hyperparameters: rows from the connected learner's
declarations, edits that become the node's `ranges` with undo, and values shown back."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.model import Edge, Node, Pipeline


@pytest.fixture
def inspector(qtbot, registry):
    from designer.gui.document import Document
    from designer.gui.inspector import InspectorPanel
    p = Pipeline("tune", registry=registry)
    p.add_node(Node("data", "sample_dataset", {"name": "iris"}, (0, 0)))
    p.add_node(Node("gbt", "boosted_trees_classifier", {}, (0, 150)))
    p.add_node(Node("tune", "tune_model_hyperparameters", {"label_column": "target"}, (300, 0)))
    p.connect(Edge("gbt", "learner", "tune", "learner"))
    p.connect(Edge("data", "data", "tune", "data"))
    doc = Document(p)
    panel = InspectorPanel()
    panel.resize(520, 900)
    qtbot.addWidget(panel)
    panel.set_document(doc)
    panel.set_node("tune")
    panel.show()
    yield doc, panel
    doc.close()


def _type(box, text: str) -> None:
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, text)


def test_rows_come_from_the_learner_and_edits_undo(inspector, qtbot):
    from designer.gui.inspector.range_editor import RangeEditor
    from nodes.tuning import range_editor_spec
    doc, panel = inspector
    editor = panel.rows["ranges"].editor
    assert isinstance(editor, RangeEditor)
    expected = [s["name"] for s in range_editor_spec("HistGradientBoostingClassifier")]
    assert list(editor.rows) == expected and "learning_rate" in expected
    assert "suggested ranges" in editor.note.text()
    rate = editor.rows["learning_rate"]
    assert not rate.tune.isChecked() and rate.low.text() == "0.02"   # the suggestion, shown
    qtbot.mouseClick(rate.tune, Qt.LeftButton)
    _type(rate.high, "0.5")
    ranges = doc.pipeline.node("tune").params["ranges"]
    assert ranges == {"learning_rate": {"low": 0.02, "high": 0.5, "log": True}}
    depth = editor.rows["max_depth"]          # a nullable int: a list of values instead
    qtbot.mouseClick(depth.tune, Qt.LeftButton)
    depth.mode.setCurrentIndex(1)
    depth.mode.activated.emit(1)
    _type(depth.values, "3, 6, null")
    assert doc.pipeline.node("tune").params["ranges"]["max_depth"] == [3, 6, None]
    panel.refresh_checks()
    assert not panel.rows["ranges"].error.isVisible()                # the node accepts them
    # undo steps back through the edits; the editor follows the model
    stack = doc.undo_stack
    while doc.pipeline.node("tune").params.get("ranges") not in (None, {}):
        stack.undo()
    assert not rate.tune.isChecked() and not depth.tune.isChecked()
    while stack.canRedo():
        stack.redo()
    assert rate.tune.isChecked() and rate.high.text() == "0.5"
    assert depth.values.text() == "3, 6, null"


def test_a_bad_range_is_flagged_and_no_learner_falls_back_to_text(inspector, qtbot):
    doc, panel = inspector
    editor = panel.rows["ranges"].editor
    lr = editor.rows["learning_rate"]
    qtbot.mouseClick(lr.tune, Qt.LeftButton)
    _type(lr.low, "-1")
    panel.refresh_checks()
    assert "learning_rate" in panel.rows["ranges"].error.text()
    doc.pipeline.disconnect(Edge("gbt", "learner", "tune", "learner"))
    panel.refresh_checks()
    assert not editor.rows and editor.raw.isVisibleTo(panel)
    assert "Connect a learner" in editor.note.text()
