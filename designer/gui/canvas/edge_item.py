"""A wire: a bezier curve from an output port to an input port, coloured by port type."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from .. import theme
from ..style import port_colour

__all__ = ["EdgeItem", "wire_path"]


def wire_path(start: QPointF, end: QPointF) -> QPainterPath:
    """Vertical-tangent cubic from start (an output, below a card) to end (an input, above one)."""
    dy = max(40.0, abs(end.y() - start.y()) * 0.5)
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x(), start.y() + dy), QPointF(end.x(), end.y() - dy), end)
    return path


class EdgeItem(QGraphicsPathItem):
    def __init__(self, edge, port_type):
        super().__init__()
        self.edge = edge
        self.colour = port_colour(port_type)
        self.label = ""  # e.g. the row count after a run
        self.setFlag(QGraphicsItem.ItemIsSelectable, True)
        self.setZValue(-1)
        self.setAcceptHoverEvents(True)
        self._hover = False
        self.setToolTip(f"{edge.source}.{edge.source_port} → {edge.target}.{edge.target_port}")

    def set_ends(self, start: QPointF, end: QPointF) -> None:
        self.prepareGeometryChange()
        self.setPath(wire_path(start, end))

    def set_label(self, text: str) -> None:
        self.label = text
        self.update()

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(-30, -14, 30, 14)

    def hoverEnterEvent(self, event) -> None:
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hover = False
        self.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        colour = QColor(self.colour)
        width = 2.0
        if self.isSelected():
            width = 3.4
            colour = colour.lighter(135) if theme.current().dark else colour.darker(125)
        elif self._hover:
            width = 2.8
        painter.setPen(QPen(colour, width, Qt.SolidLine, Qt.RoundCap))
        painter.setBrush(Qt.NoBrush)
        painter.drawPath(self.path())
        if self.label:
            mid = self.path().pointAtPercent(0.5)
            font = painter.font()
            font.setPointSizeF(7.5)
            painter.setFont(font)
            rect = painter.fontMetrics().boundingRect(self.label).adjusted(-5, -2, 5, 2)
            rect.moveCenter(mid.toPoint())
            look = theme.current()
            painter.setPen(QPen(QColor(look.label_border), 1))
            painter.setBrush(QColor(look.label_bg))
            painter.drawRoundedRect(rect, 7, 7)
            painter.setPen(QColor(look.label_text))
            painter.drawText(rect, Qt.AlignCenter, self.label)
