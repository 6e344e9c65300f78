"""One open pipeline: the model, its file, its undo stack and its scene, and the edits the
window's actions make on it (add, delete, copy/paste, duplicate, auto-layout)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtGui import QUndoStack

from designer.model import Node, Pipeline, load_pipeline, save_pipeline

from . import clipboard, commands
from .canvas.layout import layered_positions
from .canvas.node_item import BODY, NODE_WIDTH
from .canvas.scene import PipelineScene

__all__ = ["Document"]


class Document(QObject):
    changed = Signal()  # any model change (for live checking)

    def __init__(self, pipeline: Pipeline | None = None, path: str | Path | None = None,
                 parent=None):
        super().__init__(parent)
        self.pipeline = pipeline if pipeline is not None else Pipeline()
        self.path = Path(path) if path else None
        self.undo_stack = QUndoStack(self)
        if any(n.position is None for n in self.pipeline.nodes):
            self._place_unpositioned()
        self.scene = PipelineScene(self.pipeline, self.undo_stack)
        self._unsubscribe = self.pipeline.events.subscribe(lambda event: self.changed.emit())

    @classmethod
    def open(cls, path: str | Path, registry=None) -> "Document":
        return cls(load_pipeline(path, registry), path)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def display_name(self) -> str:
        return self.path.name if self.path else f"{self.pipeline.name} (not saved)"

    def save(self, path: str | Path | None = None) -> None:
        target = Path(path) if path else self.path
        if target is None:
            raise ValueError("Choose a file name first (Save As).")
        save_pipeline(self.pipeline, target)
        self.path = target
        self.undo_stack.setClean()

    def close(self) -> None:
        self._unsubscribe()
        self.scene.dispose()

    def _place_unpositioned(self) -> None:
        """Files without positions get a layout before editing starts (not an undoable edit)."""
        sizes = {n.id: (NODE_WIDTH, BODY + 30) for n in self.pipeline.nodes}
        for node_id, pos in layered_positions(self.pipeline, sizes).items():
            if self.pipeline.node(node_id).position is None:
                self.pipeline.node(node_id).position = pos

    # -- edits ------------------------------------------------------------------------------
    def add_node_of_type(self, type_id: str, centre: QPointF) -> str:
        """Adds a node centred on `centre` (snapped); returns its id."""
        node_id = self.pipeline.new_id(type_id)
        top_left = self.scene.snap(QPointF(centre.x() - NODE_WIDTH / 2, centre.y() - BODY / 2))
        self.undo_stack.push(commands.AddNode(
            self.pipeline, Node(node_id, type_id, position=(top_left.x(), top_left.y()))))
        self.scene.select_nodes([node_id])
        return node_id

    def delete_selection(self) -> None:
        commands.remove_items(self.undo_stack, self.pipeline, self.scene.selected_node_ids(),
                              self.scene.selected_edges())

    def select_all(self) -> None:
        for item in self.scene.nodes.values():
            item.setSelected(True)

    def copy_selection(self) -> bool:
        return clipboard.copy_nodes(self.pipeline, self.scene.selected_node_ids()) is not None

    def paste(self) -> list[str]:
        data = clipboard.clipboard_fragment()
        if not data:
            return []
        ids = clipboard.paste_fragment(self.undo_stack, self.pipeline, data)
        self.scene.select_nodes(ids)
        return ids

    def duplicate_selection(self) -> list[str]:
        selected = self.scene.selected_node_ids()
        if not selected:
            return []
        ids = clipboard.paste_fragment(self.undo_stack, self.pipeline,
                                       clipboard.fragment(self.pipeline, selected), text="Duplicate")
        self.scene.select_nodes(ids)
        return ids

    def auto_layout(self) -> None:
        sizes = {nid: (NODE_WIDTH, item.height) for nid, item in self.scene.nodes.items()}
        if not sizes:
            return
        moves = {}
        for node_id, pos in layered_positions(self.pipeline, sizes, origin=(0.0, 0.0)).items():
            old = self.pipeline.node(node_id).position
            if old != pos:
                moves[node_id] = (old, pos)
        if moves:
            self.undo_stack.push(commands.MoveNodes(self.pipeline, moves, "Auto-layout"))
