"""A new wire being dragged from a port: compatible ports light up, incompatible ones refuse with
the model's reason; dropping on empty canvas opens the quick-add menu."""
from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtCore import Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsPathItem, QToolTip

from designer.model import Edge, GraphError

from .. import commands
from ..style import port_colour
from .edge_item import wire_path
from .node_item import NodeItem
from .port_item import PortItem
from .quick_add import open_quick_add

__all__ = ["WireDrag", "edge_between"]


def edge_between(a: PortItem, b: PortItem) -> Edge:
    out, inp = (a, b) if a.is_output else (b, a)
    return Edge(out.node_id, out.name, inp.node_id, inp.name)


class WireDrag:
    def __init__(self, scene, origin: PortItem):
        self.scene, self.origin = scene, origin
        self.path = QGraphicsPathItem()
        pen = QPen(port_colour(origin.port_type), 2, Qt.DashLine, Qt.RoundCap)
        self.path.setPen(pen)
        self.path.setZValue(10)
        scene.addItem(self.path)
        self.hovered: PortItem | None = None
        for port in scene.all_ports():
            if port.is_output == origin.is_output:
                continue
            try:
                scene.pipeline.check_connection(edge_between(origin, port))
                port.set_state("compatible")
            except GraphError as exc:
                port.set_state("incompatible", str(exc))
        self.move(origin.scene_centre(), None)

    def move(self, pos: QPointF, screen_pos) -> None:
        start = self.origin.scene_centre()
        self.path.setPath(wire_path(start, pos) if self.origin.is_output else wire_path(pos, start))
        port = self.scene.port_at(pos)
        if port is not None and port.is_output == self.origin.is_output:
            port = None
        if port is not self.hovered:
            if self.hovered is not None and self.hovered.state == "target":
                self.hovered.set_state("compatible")
            self.hovered = port
            if port is not None and port.state == "compatible":
                port.set_state("target")
            elif port is not None and port.state == "incompatible":
                self.scene.message.emit(port.refusal)
                if screen_pos is not None:
                    QToolTip.showText(_point(screen_pos), port.refusal)

    def finish(self, pos: QPointF, screen_pos) -> str:
        """Ends the drag: 'connected', 'refused', 'quick_add' or 'cancelled'."""
        self.move(pos, screen_pos)
        target = self.hovered
        states = {p: (p.state, p.refusal) for p in self.scene.all_ports()}
        self.cancel()
        if target is None:
            if not any(isinstance(item, NodeItem) for item in self.scene.items(pos)):
                open_quick_add(self.scene, self.origin, pos, screen_pos)
                return "quick_add"
            return "cancelled"
        state, refusal = states[target]
        if state == "incompatible":
            self.scene.message.emit(refusal)
            if screen_pos is not None:
                QToolTip.showText(_point(screen_pos), refusal)
            return "refused"
        try:
            commands.connect(self.scene.undo_stack, self.scene.pipeline,
                             edge_between(self.origin, target))
        except GraphError as exc:
            self.scene.message.emit(str(exc))
            return "refused"
        return "connected"

    def cancel(self) -> None:
        for port in self.scene.all_ports():
            port.set_state("")
        if self.path.scene() is not None:
            self.scene.removeItem(self.path)


def _point(pos):
    return pos.toPoint() if hasattr(pos, "toPoint") else pos
