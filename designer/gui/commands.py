"""Undo commands: each changes only the pipeline model (the scene follows its events) and holds
node ids, never graphics items."""
from __future__ import annotations

import copy
from typing import Any, Iterable

from PySide6.QtGui import QUndoCommand, QUndoStack

from designer.model import Edge, Node, Pipeline

__all__ = ["Macro", "AddNode", "RemoveNode", "Connect", "Disconnect", "MoveNodes", "SetParam", "SetTitle",
           "SetComment", "remove_items", "add_nodes", "connect", "set_param"]

_PARAM_MERGE_ID = 0x4D4C01


def _copy(value: Any) -> Any:
    """A deep copy, except the model's UNSET marker, which is compared by identity."""
    return value if value is Pipeline.UNSET else copy.deepcopy(value)


class Macro(QUndoCommand):
    """Several commands as one undo step. (Qt's parent-child commands crash PySide 6.12 when the
    children are Python subclasses, so the children are kept in a plain list.)"""

    def __init__(self, text: str, children: list[QUndoCommand] = ()):
        super().__init__(text)
        self.children = list(children)

    def add(self, command: QUndoCommand) -> QUndoCommand:
        self.children.append(command)
        return command

    def redo(self) -> None:
        for command in self.children:
            command.redo()

    def undo(self) -> None:
        for command in reversed(self.children):
            command.undo()


class AddNode(QUndoCommand):
    def __init__(self, pipeline: Pipeline, node: Node):
        title = pipeline.registry.get(node.type).title
        super().__init__(f"Add {title}")
        self.pipeline, self.node = pipeline, copy.deepcopy(node)

    def redo(self) -> None:
        self.pipeline.add_node(copy.deepcopy(self.node))

    def undo(self) -> None:
        self.pipeline.remove_node(self.node.id)


class RemoveNode(QUndoCommand):
    """Removes one node whose edges were already removed (see `remove_items`, a macro)."""

    def __init__(self, pipeline: Pipeline, node_id: str):
        super().__init__(f"Remove {pipeline.display_name(node_id)}")
        self.pipeline, self.node = pipeline, copy.deepcopy(pipeline.node(node_id))

    def redo(self) -> None:
        self.pipeline.remove_node(self.node.id)

    def undo(self) -> None:
        self.pipeline.add_node(copy.deepcopy(self.node))


class Connect(QUndoCommand):
    def __init__(self, pipeline: Pipeline, edge: Edge):
        super().__init__(f"Connect {edge}")
        self.pipeline, self.edge = pipeline, edge

    def redo(self) -> None:
        self.pipeline.connect(self.edge)

    def undo(self) -> None:
        self.pipeline.disconnect(self.edge)


class Disconnect(QUndoCommand):
    def __init__(self, pipeline: Pipeline, edge: Edge):
        super().__init__(f"Disconnect {edge}")
        self.pipeline, self.edge = pipeline, edge

    def redo(self) -> None:
        self.pipeline.disconnect(self.edge)

    def undo(self) -> None:
        self.pipeline.connect(self.edge)


class MoveNodes(QUndoCommand):
    """Positions before and after, per node id: pushed on mouse release, by auto-layout, ..."""

    def __init__(self, pipeline: Pipeline, moves: dict[str, tuple[Any, tuple[float, float]]],
                 text: str = ""):
        n = len(moves)
        super().__init__(text or (f"Move {n} nodes" if n > 1 else "Move node"))
        self.pipeline, self.moves = pipeline, dict(moves)

    def redo(self) -> None:
        for node_id, (_, new) in self.moves.items():
            self.pipeline.move_node(node_id, new)

    def undo(self) -> None:
        for node_id, (old, _) in self.moves.items():
            if old is None:  # it had no position: restore that (the item may stay where it is)
                self.pipeline.node(node_id).position = None
            else:
                self.pipeline.move_node(node_id, old)


class SetParam(QUndoCommand):
    """One parameter; successive edits of the same parameter while typing merge into one step."""

    def __init__(self, pipeline: Pipeline, node_id: str, name: str, value: Any, merge: bool = True):
        super().__init__(f"Set {name} of {pipeline.display_name(node_id)}")
        self.pipeline, self.node_id, self.name = pipeline, node_id, name
        self.old = _copy(pipeline.node(node_id).params.get(name, Pipeline.UNSET))
        self.new = _copy(value)
        self.merge = merge

    def id(self) -> int:
        return _PARAM_MERGE_ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, SetParam) and other.merge and other.node_id == self.node_id
                and other.name == self.name and other.pipeline is self.pipeline):
            return False
        self.new = _copy(other.new)
        return True

    def redo(self) -> None:
        self.pipeline.set_param(self.node_id, self.name, _copy(self.new))

    def undo(self) -> None:
        self.pipeline.set_param(self.node_id, self.name, _copy(self.old))


class SetTitle(QUndoCommand):
    def __init__(self, pipeline: Pipeline, node_id: str, title: str):
        super().__init__(f"Rename {pipeline.display_name(node_id)}")
        self.pipeline, self.node_id = pipeline, node_id
        self.old, self.new = pipeline.node(node_id).title, title

    def redo(self) -> None:
        self.pipeline.set_title(self.node_id, self.new)

    def undo(self) -> None:
        self.pipeline.set_title(self.node_id, self.old)


class SetComment(QUndoCommand):
    def __init__(self, pipeline: Pipeline, node_id: str, comment: str):
        super().__init__(f"Comment on {pipeline.display_name(node_id)}")
        self.pipeline, self.node_id = pipeline, node_id
        self.old, self.new = pipeline.node(node_id).comment, comment

    def redo(self) -> None:
        self.pipeline.set_comment(self.node_id, self.new)

    def undo(self) -> None:
        self.pipeline.set_comment(self.node_id, self.old)


# -- helpers that push one step (a macro where several changes make one edit) -----------------

def remove_items(stack: QUndoStack, pipeline: Pipeline, node_ids: Iterable[str],
                 edges: Iterable[Edge] = ()) -> None:
    """Delete nodes (with their edges) and loose edges as one undo step."""
    node_ids = [n for n in node_ids if n in pipeline]
    edges_to_remove: list[Edge] = []
    for edge in list(edges) + [e for n in node_ids for e in pipeline.in_edges(n) + pipeline.out_edges(n)]:
        if edge not in edges_to_remove:
            edges_to_remove.append(edge)
    if not node_ids and not edges_to_remove:
        return
    parts = []
    if node_ids:
        parts.append(f"{len(node_ids)} node{'s' if len(node_ids) > 1 else ''}")
    loose = [e for e in edges_to_remove if e.source not in node_ids and e.target not in node_ids]
    if loose:
        parts.append(f"{len(loose)} wire{'s' if len(loose) > 1 else ''}")
    macro = Macro("Delete " + " and ".join(parts))
    for edge in edges_to_remove:
        macro.add(Disconnect(pipeline, edge))
    for node_id in node_ids:
        macro.add(RemoveNode(pipeline, node_id))
    stack.push(macro)


def add_nodes(stack: QUndoStack, pipeline: Pipeline, nodes: list[Node], edges: list[Edge] = (),
              text: str = "") -> None:
    """Add nodes and the wires between them (paste, duplicate, quick-add) as one undo step."""
    if len(nodes) == 1 and not edges and not text:
        stack.push(AddNode(pipeline, nodes[0]))
        return
    macro = Macro(text or f"Add {len(nodes)} nodes")
    for node in nodes:
        macro.add(AddNode(pipeline, node))
    for edge in edges:
        macro.add(Connect(pipeline, edge))
    stack.push(macro)


def connect(stack: QUndoStack, pipeline: Pipeline, edge: Edge) -> None:
    """Connect after checking (raises the model's GraphError without touching the stack)."""
    pipeline.check_connection(edge)
    stack.push(Connect(pipeline, edge))


def set_param(stack: QUndoStack, pipeline: Pipeline, node_id: str, name: str, value: Any,
              merge: bool = True) -> None:
    current = pipeline.node(node_id).params.get(name, Pipeline.UNSET)
    if current is not Pipeline.UNSET and value is not Pipeline.UNSET and current == value \
            and type(current) is type(value):
        return
    if current is Pipeline.UNSET and value is Pipeline.UNSET:
        return
    stack.push(SetParam(pipeline, node_id, name, value, merge))
