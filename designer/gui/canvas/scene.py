"""The canvas scene: mirrors the pipeline model's events into items (id -> item map) and routes
mouse gestures to the small interaction modules (wire drag, move)."""
from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QGraphicsScene

from designer.model import (EdgeAdded, EdgeRemoved, NodeAdded, NodeCommentChanged, NodeMoved,
                            NodeRemoved, NodeTitleChanged, ParamChanged, Pipeline)

from ..style import GRID
from .edge_item import EdgeItem
from .move import MoveTracker
from .node_item import NodeItem
from .port_item import PortItem
from .wire_drag import WireDrag

__all__ = ["PipelineScene"]


def node_summary(pipeline: Pipeline, node_id: str) -> str:
    node_type = pipeline.node_type(node_id)
    params = {**node_type.defaults(), **pipeline.node(node_id).params}
    try:
        return node_type.summary(params)
    except Exception:  # a summary must never break drawing
        return ""


class PipelineScene(QGraphicsScene):
    message = Signal(str)             # something to tell the user in the status bar
    quick_add_requested = Signal(object, object, object)  # PortItem, scene pos, screen pos
    details_requested = Signal(str)   # a failed node's details (message, traceback) asked for
    port_clicked = Signal(str, str)   # node id, output port: show that output

    def __init__(self, pipeline: Pipeline, undo_stack: QUndoStack, parent=None):
        super().__init__(parent)
        self.pipeline, self.undo_stack = pipeline, undo_stack
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[object, EdgeItem] = {}
        self._edges_at: dict[str, set] = {}   # node id -> its edges (moves re-route only those)
        self.snap_enabled = True
        self.wire: WireDrag | None = None
        self.last_wire_result = ""
        self.mover = MoveTracker(self)
        self._from_model = False
        self.setSceneRect(-4000, -3000, 8000, 6000)
        for node in pipeline.nodes:
            self._add_node(node.id)
        for edge in pipeline.edges:
            self._add_edge(edge)
        self._unsubscribe = pipeline.events.subscribe(self._on_event)

    def dispose(self) -> None:
        self._unsubscribe()

    # -- model -> items ---------------------------------------------------------------------
    def _on_event(self, event) -> None:
        if isinstance(event, NodeAdded):
            self._add_node(event.node_id)
        elif isinstance(event, NodeRemoved):
            item = self.nodes.pop(event.node_id, None)
            if item is not None:
                self.removeItem(item)
        elif isinstance(event, EdgeAdded):
            self._add_edge(event.edge)
        elif isinstance(event, EdgeRemoved):
            item = self.edges.pop(event.edge, None)
            for end in (event.edge.source, event.edge.target):
                self._edges_at.get(end, set()).discard(event.edge)
            if item is not None:
                self.removeItem(item)
            self._mark_connected(event.edge, False)
        elif isinstance(event, NodeMoved):
            item = self.nodes.get(event.node_id)
            if item is not None and (item.pos().x(), item.pos().y()) != tuple(event.position):
                self._from_model = True
                try:
                    item.setPos(*event.position)
                finally:
                    self._from_model = False
        elif isinstance(event, (ParamChanged, NodeTitleChanged, NodeCommentChanged)):
            self.refresh_text(event.node_id)

    def _add_node(self, node_id: str) -> None:
        node = self.pipeline.node(node_id)
        item = NodeItem(node_id, self.pipeline.node_type(node_id))
        self.nodes[node_id] = item
        self.addItem(item)
        self._from_model = True
        try:
            position = node.position
            if position is None:
                position = (len(self.nodes) * 30.0, len(self.nodes) * 30.0)
            item.setPos(*position)
        finally:
            self._from_model = False
        self.refresh_text(node_id)

    def refresh_text(self, node_id: str) -> None:
        item = self.nodes.get(node_id)
        if item is None:
            return
        node = self.pipeline.node(node_id)
        item.set_text(node.title or item.node_type.title, node_summary(self.pipeline, node_id),
                      node.comment)

    def _add_edge(self, edge) -> None:
        out_port = self.nodes[edge.source].port(edge.source_port, True)
        item = EdgeItem(edge, out_port.port_type)
        self.edges[edge] = item
        for end in (edge.source, edge.target):
            self._edges_at.setdefault(end, set()).add(edge)
        self.addItem(item)
        self._mark_connected(edge, True)
        self._place_edge(item)

    def _mark_connected(self, edge, connected: bool) -> None:
        for node_id, port, output in ((edge.source, edge.source_port, True),
                                      (edge.target, edge.target_port, False)):
            item = self.nodes.get(node_id)
            port_item = item.port(port, output) if item else None
            if port_item is not None:
                port_item.connected = connected or (output and any(
                    e.source == node_id and e.source_port == port for e in self.edges))
                port_item.update()

    def _place_edge(self, item: EdgeItem) -> None:
        edge = item.edge
        start = self.nodes[edge.source].port(edge.source_port, True).scene_centre()
        end = self.nodes[edge.target].port(edge.target_port, False).scene_centre()
        item.set_ends(start, end)

    def node_item_moved(self, node_id: str) -> None:
        for edge in self._edges_at.get(node_id, ()):
            item = self.edges.get(edge)
            if item is not None:
                self._place_edge(item)

    def snap(self, pos: QPointF) -> QPointF:
        if self._from_model or not self.snap_enabled:
            return pos
        return QPointF(round(pos.x() / GRID) * GRID, round(pos.y() / GRID) * GRID)

    # -- queries ----------------------------------------------------------------------------
    def selected_node_ids(self) -> list[str]:
        return [i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_edges(self) -> list:
        return [i.edge for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def port_at(self, pos: QPointF, radius: float = 10.0) -> PortItem | None:
        best, best_d = None, radius * radius
        for item in self.items(pos.x() - radius, pos.y() - radius, 2 * radius, 2 * radius,
                               Qt.IntersectsItemShape, Qt.DescendingOrder):
            if isinstance(item, PortItem):
                d = item.scenePos() - pos
                dist = d.x() ** 2 + d.y() ** 2
                if dist <= best_d:
                    best, best_d = item, dist
        return best

    def all_ports(self) -> list[PortItem]:
        return [p for item in self.nodes.values() for p in item.ports()]

    def select_nodes(self, node_ids) -> None:
        self.clearSelection()
        for node_id in node_ids:
            if node_id in self.nodes:
                self.nodes[node_id].setSelected(True)

    # -- gestures ---------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton and self.wire is None:
            port = self.port_at(event.scenePos())
            if port is not None:
                self.wire = WireDrag(self, port)
                self._wire_press = event.scenePos()
                event.accept()
                return
        super().mousePressEvent(event)
        if event.button() == Qt.LeftButton:
            self.mover.press()

    def mouseMoveEvent(self, event) -> None:
        if self.wire is not None:
            self.wire.move(event.scenePos(), event.screenPos())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self.wire is not None and event.button() == Qt.LeftButton:
            wire, self.wire = self.wire, None
            if (event.scenePos() - self._wire_press).manhattanLength() < 4:   # a click on a port
                wire.cancel()
                self.last_wire_result = "clicked"
                if wire.origin.is_output:
                    self.port_clicked.emit(wire.origin.node_id, wire.origin.name)
                event.accept()
                return
            self.last_wire_result = wire.finish(event.scenePos(), event.screenPos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.LeftButton:
            self.mover.release()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape and self.wire is not None:
            self.wire.cancel()
            self.wire = None
            self.last_wire_result = "cancelled"
            event.accept()
            return
        super().keyPressEvent(event)
