"""Undo and redo of every command type restore the pipeline exactly."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from designer.gui import commands
from designer.gui.document import Document
from designer.model import Edge, Node, Pipeline


def canonical(data: dict) -> dict:
    """Pipeline JSON with nodes and edges in a fixed order (re-adding a node appends it)."""
    return {**data, "nodes": sorted(data["nodes"], key=lambda n: n["id"]),
            "edges": sorted(data["edges"], key=lambda e: tuple(e.values()))}


def roundtrip(doc: Document, edit) -> None:
    """Apply `edit`, then undo/redo twice: the model must match before/after each time."""
    before = doc.pipeline.to_json()
    count = doc.undo_stack.count()
    edit()
    assert doc.undo_stack.count() == count + 1, "one edit, one undo step"
    after = doc.pipeline.to_json()
    assert after != before
    for _ in range(2):
        doc.undo_stack.undo()
        assert canonical(doc.pipeline.to_json()) == canonical(before)
        doc.undo_stack.redo()
        assert canonical(doc.pipeline.to_json()) == canonical(after)
    # and the scene mirrors the model
    assert set(doc.scene.nodes) == {n.id for n in doc.pipeline.nodes}
    assert set(doc.scene.edges) == set(doc.pipeline.edges)


@pytest.fixture
def doc(qtbot, example):
    document = Document(example)
    yield document
    document.close()


def test_add_node(doc):
    roundtrip(doc, lambda: doc.add_node_of_type("normalize_data", QPointF(100, 300)))
    assert doc.pipeline.node("normalize_data").position == (0.0, 280.0)  # centred, snapped to the grid


def test_remove_nodes_with_their_edges_is_one_step(doc):
    def edit():
        doc.scene.select_nodes(["split", "train"])
        doc.delete_selection()
    roundtrip(doc, edit)
    assert "split" not in doc.pipeline and len(doc.pipeline.edges) == 1


def test_remove_loose_edge(doc):
    edge = Edge("split", "test", "score", "data")
    def edit():
        doc.scene.clearSelection()
        doc.scene.edges[edge].setSelected(True)
        doc.delete_selection()
    roundtrip(doc, edit)
    assert edge not in doc.pipeline.edges


def test_connect_and_disconnect(doc):
    doc.pipeline.disconnect(Edge("split", "test", "score", "data"))
    doc.undo_stack.clear()
    roundtrip(doc, lambda: commands.connect(doc.undo_stack, doc.pipeline,
                                            Edge("split", "test", "score", "data")))
    roundtrip(doc, lambda: doc.undo_stack.push(
        commands.Disconnect(doc.pipeline, Edge("gbt", "learner", "train", "learner"))))


def test_move(doc):
    roundtrip(doc, lambda: doc.undo_stack.push(commands.MoveNodes(
        doc.pipeline, {"split": ((300.0, 0.0), (320.0, 40.0)), "gbt": ((300.0, 160.0), (0, 0))})))
    assert doc.scene.nodes["gbt"].pos() == QPointF(0, 0)


def test_param_change_merges_while_typing(doc):
    def edit():
        for value in (0.6, 0.65, 0.655):
            commands.set_param(doc.undo_stack, doc.pipeline, "split", "fraction", value)
    roundtrip(doc, edit)
    assert doc.pipeline.node("split").params["fraction"] == 0.655
    # a different parameter is its own step
    roundtrip(doc, lambda: commands.set_param(doc.undo_stack, doc.pipeline, "split", "seed", 3))


def test_param_reset_to_default_and_back(doc):
    roundtrip(doc, lambda: commands.set_param(doc.undo_stack, doc.pipeline, "split", "fraction",
                                              Pipeline.UNSET, merge=False))
    assert "fraction" not in doc.pipeline.node("split").params
    roundtrip(doc, lambda: commands.set_param(doc.undo_stack, doc.pipeline, "split", "seed", 5,
                                              merge=False))


def test_rename_and_comment(doc):
    roundtrip(doc, lambda: doc.undo_stack.push(commands.SetTitle(doc.pipeline, "split", "80/20")))
    assert doc.scene.nodes["split"].title == "80/20"
    roundtrip(doc, lambda: doc.undo_stack.push(commands.SetComment(doc.pipeline, "train", "baseline")))
    assert doc.scene.nodes["train"].comment == "baseline"


def test_copy_paste_and_duplicate(doc):
    doc.scene.select_nodes(["split", "train", "gbt"])
    assert doc.copy_selection()
    roundtrip(doc, doc.paste)
    pasted = {n.id for n in doc.pipeline.nodes} - {"data", "split", "gbt", "train", "score",
                                                    "evaluate"}
    assert pasted == {"split_data_2", "train_model_2", "boosted_trees_classifier_2"} or \
        len(pasted) == 3
    inner = [e for e in doc.pipeline.edges if e.source in pasted and e.target in pasted]
    assert len(inner) == 2  # split->train and gbt->train come along, data->split does not
    doc.scene.select_nodes(["score"])
    roundtrip(doc, doc.duplicate_selection)


def test_paste_into_another_project(qtbot, doc, registry):
    doc.scene.select_nodes(["split", "train"])
    doc.copy_selection()
    other = Document(Pipeline("other", registry=registry))
    try:
        roundtrip(other, other.paste)
        assert {n.id for n in other.pipeline.nodes} == {"split", "train"}  # free ids are kept
        assert other.pipeline.edges == [Edge("split", "train", "train", "data")]
    finally:
        other.close()


def test_auto_layout(doc):
    roundtrip(doc, doc.auto_layout)
    positions = {n.id: n.position for n in doc.pipeline.nodes}
    ys = {k: v[1] for k, v in positions.items()}  # data flows top to bottom
    assert ys["data"] < ys["split"] < ys["train"] < ys["score"] < ys["evaluate"]
    assert ys["gbt"] < ys["train"]


def test_add_then_remove_restores_exact_json(doc):
    """Without removals in between, the serialised pipeline is identical, order included."""
    before = doc.pipeline.to_json()
    doc.add_node_of_type("normalize_data", QPointF(0, 400))
    commands.connect(doc.undo_stack, doc.pipeline, Edge("data", "data", "normalize_data", "data"))
    commands.set_param(doc.undo_stack, doc.pipeline, "normalize_data", "method", "minmax")
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert doc.pipeline.to_json() == before
