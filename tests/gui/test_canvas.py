"""The canvas mirrors the model and builds pipelines from mouse gestures on the viewport."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from designer.model import Edge, Node


def vp(view, scene_point: QPointF) -> QPoint:
    return view.mapFromScene(scene_point)


def drag(view, start: QPointF, end: QPointF, steps: int = 6) -> None:
    """Left-button drag between two scene points, as mouse events on the viewport."""
    viewport = view.viewport()
    a, b = vp(view, start), vp(view, end)
    QTest.mouseMove(viewport, a)
    QTest.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, a)
    for i in range(1, steps + 1):
        QTest.mouseMove(viewport, a + (b - a) * i / steps)
    QTest.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, b)


def port_pos(doc, node_id, port, output):
    return doc.scene.nodes[node_id].port(port, output).scenePos()


def test_scene_mirrors_model_events(canvas):
    doc, view = canvas
    p = doc.pipeline
    p.add_node(Node("data", "sample_dataset", position=(0, 0)))
    p.add_node(Node("split", "split_data", position=(300, 0)))
    assert set(doc.scene.nodes) == {"data", "split"}
    edge = p.connect(Edge("data", "data", "split", "data"))
    assert edge in doc.scene.edges
    p.move_node("split", (400, 100))
    assert doc.scene.nodes["split"].pos() == QPointF(400, 100)
    # the wire follows its node
    assert doc.scene.edges[edge].path().pointAtPercent(1) == port_pos(doc, "split", "data", False)
    p.set_param("split", "fraction", 0.6)
    assert "0.6" in doc.scene.nodes["split"].summary
    p.remove_node("data")
    assert set(doc.scene.nodes) == {"split"} and not doc.scene.edges


def test_drag_output_to_input_connects(canvas):
    doc, view = canvas
    doc.pipeline.add_node(Node("data", "sample_dataset", position=(0, 0)))
    doc.pipeline.add_node(Node("split", "split_data", position=(400, 0)))
    drag(view, port_pos(doc, "data", "data", True), port_pos(doc, "split", "data", False))
    assert doc.scene.last_wire_result == "connected"
    assert doc.pipeline.edges == [Edge("data", "data", "split", "data")]
    doc.undo_stack.undo()
    assert doc.pipeline.edges == []


def test_drag_input_to_output_connects_too(canvas):
    doc, view = canvas
    doc.pipeline.add_node(Node("gbt", "boosted_trees_classifier", position=(0, 0)))
    doc.pipeline.add_node(Node("train", "train_model", position=(400, 0)))
    drag(view, port_pos(doc, "train", "learner", False), port_pos(doc, "gbt", "learner", True))
    assert doc.pipeline.edges == [Edge("gbt", "learner", "train", "learner")]


def test_incompatible_ports_refuse_with_reason(canvas):
    doc, view = canvas
    messages = []
    doc.scene.message.connect(messages.append)
    doc.pipeline.add_node(Node("gbt", "boosted_trees_classifier", position=(0, 0)))
    doc.pipeline.add_node(Node("split", "split_data", position=(400, 0)))
    # during the drag the Table input is marked incompatible with the reason
    start, end = port_pos(doc, "gbt", "learner", True), port_pos(doc, "split", "data", False)
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, vp(view, start))
    QTest.mouseMove(viewport, vp(view, (start + end) / 2))
    target = doc.scene.nodes["split"].port("data", False)
    assert target.state == "incompatible" and "Learner" in target.refusal
    QTest.mouseMove(viewport, vp(view, end))
    QTest.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, vp(view, end))
    assert doc.scene.last_wire_result == "refused"
    assert doc.pipeline.edges == [] and doc.undo_stack.count() == 0
    assert any("same type" in m for m in messages)
    assert target.state == ""


def test_wire_dropped_on_empty_canvas_offers_quick_add(canvas):
    doc, view = canvas
    doc.pipeline.add_node(Node("data", "sample_dataset", position=(0, 0)))
    drag(view, port_pos(doc, "data", "data", True), QPointF(420, 60))
    assert doc.scene.last_wire_result == "quick_add"
    menu = doc.scene.quick_add_menu
    titles = [a.text() for a in menu.actions() if a.isEnabled() and not a.isSeparator()]
    assert any(t.startswith("Split Data") for t in titles)
    assert not any(t.startswith("Boosted Trees") for t in titles)  # takes no Table
    next(a for a in menu.actions() if a.text().startswith("Split Data")).trigger()
    menu.close()
    assert "split_data" in doc.pipeline
    assert doc.pipeline.edges == [Edge("data", "data", "split_data", "data")]
    doc.undo_stack.undo()  # one step removes both
    assert [n.id for n in doc.pipeline.nodes] == ["data"] and doc.pipeline.edges == []


def test_move_pushes_one_command_on_release_and_snaps(canvas):
    doc, view = canvas
    doc.pipeline.add_node(Node("split", "split_data", position=(100, 100)))
    item = doc.scene.nodes["split"]
    grab = item.scenePos() + QPointF(100, 20)
    drag(view, grab, grab + QPointF(147, 63))
    assert doc.undo_stack.count() == 1
    assert doc.pipeline.node("split").position == (240.0, 160.0)  # snapped to the 20 grid
    doc.undo_stack.undo()
    assert doc.pipeline.node("split").position == (100.0, 100.0)
    assert item.pos() == QPointF(100, 100)


def test_rubber_band_selects(canvas):
    doc, view = canvas
    doc.pipeline.add_node(Node("a", "sample_dataset", position=(0, 0)))
    doc.pipeline.add_node(Node("b", "sample_dataset", position=(300, 0)))
    doc.pipeline.add_node(Node("c", "sample_dataset", position=(0, 400)))
    drag(view, QPointF(-40, -40), QPointF(560, 120))
    assert sorted(doc.scene.selected_node_ids()) == ["a", "b"]


def test_escape_cancels_wire(canvas):
    doc, view = canvas
    doc.pipeline.add_node(Node("data", "sample_dataset", position=(0, 0)))
    viewport = view.viewport()
    start = vp(view, port_pos(doc, "data", "data", True))
    QTest.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, start)
    QTest.mouseMove(viewport, start + QPoint(100, 40))
    QTest.keyClick(viewport, Qt.Key_Escape)
    assert doc.scene.wire is None and doc.scene.last_wire_result == "cancelled"
    QTest.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, start + QPoint(100, 40))
    assert doc.pipeline.edges == []
