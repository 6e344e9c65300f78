"""A port: a small circle on a node card's edge, coloured by port type; lights up during wire drags."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from .. import theme
from ..style import port_colour

__all__ = ["PortItem", "PORT_RADIUS"]

PORT_RADIUS = 5.5


class PortItem(QGraphicsItem):
    """`state`: '' normal, 'compatible', 'incompatible' or 'target' (under the cursor, compatible)."""

    def __init__(self, node_id: str, port, is_output: bool, parent: QGraphicsItem):
        super().__init__(parent)
        self.node_id, self.name, self.port_type = node_id, port.name, port.type
        self.is_output, self.optional, self.doc = is_output, port.optional, port.doc
        self.connected = False
        self.state = ""
        self.refusal = ""  # why a wire in progress cannot end here
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CrossCursor)
        kind = "output" if is_output else "input"
        self.setToolTip(f"<b>{port.name}</b> ({port.type.value} {kind})"
                        + (" — optional" if port.optional else "")
                        + (f"<br>{port.doc}" if port.doc else ""))
        self._hover = False

    def boundingRect(self) -> QRectF:
        r = PORT_RADIUS + 4
        return QRectF(-r, -r, 2 * r, 2 * r)

    def scene_centre(self) -> QPointF:
        return self.scenePos()

    def set_state(self, state: str, refusal: str = "") -> None:
        if state != self.state or refusal != self.refusal:
            self.state, self.refusal = state, refusal
            self.update()

    def hoverEnterEvent(self, event) -> None:
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hover = False
        self.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        colour = port_colour(self.port_type)
        r = PORT_RADIUS
        if self.state in ("compatible", "target") or self._hover:
            halo = QColor(colour)
            halo.setAlpha(110 if self.state == "target" or self._hover else 55)
            painter.setPen(Qt.NoPen)
            painter.setBrush(halo)
            painter.drawEllipse(QPointF(0, 0), r + 4, r + 4)
        if self.state == "incompatible":
            colour = QColor(theme.current().port_refused)
        painter.setPen(QPen(colour, 2))
        filled = self.connected or self.state == "target"
        painter.setBrush(colour if filled else QColor(theme.current().port_fill))
        if self.optional and not self.connected:
            painter.setPen(QPen(colour, 1.6, Qt.DashLine))
        painter.drawEllipse(QPointF(0, 0), r, r)
