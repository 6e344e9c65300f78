"""A node card: white rounded card with a category stripe, icon, title, parameter summary, ports,
run state and problem badges. Shows the model; never changes it."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem

from .. import style
from .port_item import PortItem

__all__ = ["NodeItem", "NODE_WIDTH", "BODY", "PORT_ROW", "port_x"]


def port_x(index: int, count: int) -> float:
    """Ports spread evenly along the card's top (inputs) or bottom (outputs) edge."""
    return NODE_WIDTH * (index + 1) / (count + 1)

NODE_WIDTH = 220.0
BODY = 46.0       # icon, title and summary
PORT_ROW = 15.0   # port labels, above the body for inputs and below it for outputs
STATE_GLYPHS = {"queued": "…", "running": "", "done": "✓", "cached": "✓", "failed": "✕",
                "cancelled": "■", "skipped": "–"}


@lru_cache(maxsize=None)
def _category_pixmap(category: str) -> QPixmap:
    return style.category_icon(category).pixmap(18, 18)


class NodeItem(QGraphicsItem):
    def __init__(self, node_id: str, node_type):
        super().__init__()
        self.node_id, self.node_type = node_id, node_type
        self.title = node_type.title
        self.summary = ""
        self.comment = ""
        self.state, self.progress, self.state_message = "idle", 0.0, ""
        self.problems: list[tuple[str, str]] = []  # (severity, message)
        self.setFlags(QGraphicsItem.ItemIsMovable | QGraphicsItem.ItemIsSelectable
                      | QGraphicsItem.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self.inputs = {p.name: PortItem(node_id, p, False, self) for p in node_type.inputs}
        self.outputs = {p.name: PortItem(node_id, p, True, self) for p in node_type.outputs}
        self.body_top = PORT_ROW if self.inputs else 0.0
        self.height = self.body_top + BODY + (PORT_ROW if self.outputs else 0.0)
        for i, port in enumerate(self.inputs.values()):
            port.setPos(port_x(i, len(self.inputs)), 0)
        for i, port in enumerate(self.outputs.values()):
            port.setPos(port_x(i, len(self.outputs)), self.height)
        self._update_tooltip()

    # -- what the scene tells it ------------------------------------------------------------
    def set_text(self, title: str, summary: str, comment: str) -> None:
        self.title, self.summary, self.comment = title, summary, comment
        self.prepareGeometryChange()
        self._update_tooltip()
        self.update()

    def set_state(self, state: str, progress: float = 0.0, message: str = "") -> None:
        self.state, self.progress, self.state_message = state, progress, message
        self._update_tooltip()
        self.update()

    def set_problems(self, problems: list[tuple[str, str]]) -> None:
        self.problems = list(problems)
        self._update_tooltip()
        self.update()

    def port(self, name: str, output: bool) -> PortItem | None:
        return (self.outputs if output else self.inputs).get(name)

    def ports(self) -> list[PortItem]:
        return [*self.inputs.values(), *self.outputs.values()]

    def _update_tooltip(self) -> None:
        lines = [f"<b>{self.title}</b> <span style='color:#6b7585'>({self.node_id})</span>"]
        if self.node_type.doc:
            lines.append(self.node_type.doc.strip().split("\n\n")[0])
        if self.state not in ("idle", ""):
            lines.append(f"<i>State: {self.state}</i>" + (f" — {self.state_message}"
                                                          if self.state_message else ""))
        for severity, message in self.problems:
            colour = style.SEVERITY_COLOURS.get(severity, "#333")
            lines.append(f"<span style='color:{colour}'>{severity}: {message}</span>")
        self.setToolTip("<br>".join(lines))

    # -- geometry and painting --------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        right = 190 if self.comment else 12
        return QRectF(-10, -12, NODE_WIDTH + 10 + right, self.height + 24)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, NODE_WIDTH, self.height), 8, 8)
        return path

    def itemChange(self, change, value):
        scene = self.scene()
        if change == QGraphicsItem.ItemPositionChange and scene is not None:
            return scene.snap(value) if hasattr(scene, "snap") else value
        if change == QGraphicsItem.ItemPositionHasChanged and scene is not None:
            if hasattr(scene, "node_item_moved"):
                scene.node_item_moved(self.node_id)
        return super().itemChange(change, value)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setRenderHint(QPainter.TextAntialiasing)
        card = QRectF(0, 0, NODE_WIDTH, self.height)
        # soft shadow
        painter.setPen(Qt.NoPen)
        for i, alpha in enumerate((18, 10, 5)):
            painter.setBrush(QColor(20, 30, 50, alpha))
            painter.drawRoundedRect(card.adjusted(-i, 1 - i, i, 3 + i), 9 + i, 9 + i)
        selected = self.isSelected()
        border = style.CARD_SELECTED if selected else style.CARD_BORDER
        if self.state == "failed":
            border = QColor(style.STATE_COLOURS["failed"])
        painter.setPen(QPen(border, 2 if selected or self.state == "failed" else 1))
        painter.setBrush(style.CARD_BG)
        painter.drawRoundedRect(card, 8, 8)
        # category stripe
        clip = QPainterPath()
        clip.addRoundedRect(card, 8, 8)
        painter.save()
        painter.setClipPath(clip)
        painter.fillRect(QRectF(0, 0, 5, self.height), style.category_colour(self.node_type.category))
        top = self.body_top
        if self.state == "running":
            painter.fillRect(QRectF(0, top + BODY - 3, NODE_WIDTH * max(0.04, self.progress), 3),
                             QColor(style.STATE_COLOURS["running"]))
        painter.restore()
        painter.drawPixmap(QPointF(14, top + 7), _category_pixmap(self.node_type.category))
        # title and summary
        title_font = QFont(painter.font())
        title_font.setPointSizeF(9.5)
        title_font.setWeight(QFont.DemiBold)
        painter.setFont(title_font)
        painter.setPen(style.TEXT)
        text_w = NODE_WIDTH - 40 - 26
        title = QFontMetricsF(title_font).elidedText(self.title, Qt.ElideRight, text_w)
        painter.drawText(QRectF(38, top + 5, text_w, 20), Qt.AlignLeft | Qt.AlignVCenter, title)
        small = QFont(painter.font())
        small.setPointSizeF(7.8)
        small.setWeight(QFont.Normal)
        painter.setFont(small)
        painter.setPen(style.TEXT_MUTED)
        summary = QFontMetricsF(small).elidedText(self.summary or self.node_id, Qt.ElideRight,
                                                  NODE_WIDTH - 52)
        painter.drawText(QRectF(38, top + 24, NODE_WIDTH - 48, 16), Qt.AlignLeft | Qt.AlignVCenter,
                         summary)
        # port labels, next to their circles
        tiny = QFont(small)
        tiny.setPointSizeF(7.2)
        painter.setFont(tiny)
        painter.setPen(QColor("#6b7585"))
        for ports, y in ((self.inputs, 1.5), (self.outputs, self.height - PORT_ROW - 1)):
            span = NODE_WIDTH / (len(ports) + 1)
            for port in ports.values():
                painter.drawText(QRectF(port.x() - span / 2, y, span, PORT_ROW),
                                 Qt.AlignCenter, port.name)
        if self.inputs or self.outputs:
            painter.setPen(QPen(QColor("#eef0f3"), 1))
            if self.inputs:
                painter.drawLine(QPointF(6, top), QPointF(NODE_WIDTH - 1, top))
            if self.outputs:
                painter.drawLine(QPointF(6, top + BODY), QPointF(NODE_WIDTH - 1, top + BODY))
        if self.comment:
            italic = QFont(small)
            italic.setItalic(True)
            painter.setFont(italic)
            painter.setPen(style.TEXT_MUTED)
            painter.drawText(QRectF(NODE_WIDTH + 10, top, 180, BODY),
                             Qt.AlignLeft | Qt.AlignVCenter | Qt.TextWordWrap, self.comment)
        self._paint_state(painter, small)
        self._paint_problems(painter, small)

    def _paint_state(self, painter: QPainter, font: QFont) -> None:
        if self.state in ("idle", ""):
            return
        colour = QColor(style.STATE_COLOURS.get(self.state, "#999"))
        centre = QPointF(NODE_WIDTH - 16, self.body_top + BODY / 2)
        painter.setPen(Qt.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(centre, 8, 8)
        painter.setPen(QColor("#ffffff"))
        bold = QFont(font)
        bold.setWeight(QFont.Bold)
        painter.setFont(bold)
        glyph = STATE_GLYPHS.get(self.state, "")
        if self.state == "running":
            glyph = f"{int(self.progress * 100)}" if self.progress else "…"
        painter.drawText(QRectF(centre.x() - 8, centre.y() - 8, 16, 16), Qt.AlignCenter, glyph)

    def _paint_problems(self, painter: QPainter, font: QFont) -> None:
        if not self.problems:
            return
        severity = "error" if any(s == "error" for s, _ in self.problems) else "warning"
        colour = QColor(style.SEVERITY_COLOURS[severity])
        centre = QPointF(NODE_WIDTH - 2, 0)
        painter.setPen(QPen(QColor("#ffffff"), 2))
        painter.setBrush(colour)
        painter.drawEllipse(centre, 8, 8)
        bold = QFont(font)
        bold.setWeight(QFont.Bold)
        painter.setFont(bold)
        painter.setPen(QColor("#ffffff"))
        text = "!" if len(self.problems) == 1 else str(len(self.problems))
        painter.drawText(QRectF(centre.x() - 8, centre.y() - 8, 16, 16), Qt.AlignCenter, text)
