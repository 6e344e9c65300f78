"""A node card: a rounded card with a category stripe, icon, title, parameter summary, ports,
run state and problem badges. Shows the model; never changes it."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem

from .. import style, theme
from .card_chrome import paint_chrome
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


TEXT_MIN_SCALE = 0.45   # below this zoom, cards are drawn without text (it cannot be read)


@lru_cache(maxsize=None)
def _category_pixmap(category: str) -> QPixmap:
    return style.category_icon(category).pixmap(18, 18)


@lru_cache(maxsize=1)
def _fonts() -> tuple[QFont, QFont, QFont]:
    """Title, summary and port-label fonts, made once (a QFont per paint showed up in profiles)."""
    title = QFont()
    title.setPointSizeF(9.5)
    title.setWeight(QFont.DemiBold)
    small = QFont()
    small.setPointSizeF(7.8)
    tiny = QFont()
    tiny.setPointSizeF(7.2)
    return title, small, tiny


@lru_cache(maxsize=4096)
def _elided(text: str, font: int, width: float) -> str:
    return QFontMetricsF(_fonts()[font]).elidedText(text, Qt.ElideRight, width)


@lru_cache(maxsize=None)
def _card_shape(height: float) -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(QRectF(0, 0, NODE_WIDTH, height), 8, 8)
    return path


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
        # Painted once into a pixmap and reused while panning, moving or repainting neighbours;
        # repainted only when the card itself changes (text, selection, failure) or on zoom.
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.badge = _StateBadge(self)
        self._update_tooltip()

    # -- what the scene tells it ------------------------------------------------------------
    def set_text(self, title: str, summary: str, comment: str) -> None:
        self.title, self.summary, self.comment = title, summary, comment
        self.prepareGeometryChange()
        self._update_tooltip()
        self.update()

    def set_state(self, state: str, progress: float = 0.0, message: str = "") -> None:
        repaint_card = "failed" in (state, self.state)   # border colour and message change
        before = self.shown_summary()
        self.state, self.progress, self.state_message = state, progress, message
        repaint_card = repaint_card or self.shown_summary() != before  # live progress text
        self._update_tooltip()
        if repaint_card:
            self.update()
        self.badge.update()     # cheap: the cached card is not re-rendered for progress

    def shown_summary(self) -> str:
        """The line under the title: a failure, a running node's progress message (e.g.
        AutoML's trials done, best so far and time left), else the parameter summary."""
        if self.state in ("failed", "running") and self.state_message:
            return self.state_message
        return self.summary or self.node_id

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
        if self.state == "failed":
            lines.append("<i>Click the red ✕ (or the message) for the details and traceback.</i>")
        for severity, message in self.problems:
            colour = style.SEVERITY_COLOURS.get(severity, "#333")
            lines.append(f"<span style='color:{colour}'>{severity}: {message}</span>")
        self.setToolTip("<br>".join(lines))

    # -- geometry and painting --------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        right = 190 if self.comment else 12
        return QRectF(-10, -12, NODE_WIDTH + 10 + right, self.height + 24)

    def shape(self) -> QPainterPath:
        return _card_shape(self.height)

    def itemChange(self, change, value):
        scene = self.scene()
        if change == QGraphicsItem.ItemPositionChange and scene is not None:
            return scene.snap(value) if hasattr(scene, "snap") else value
        if change == QGraphicsItem.ItemPositionHasChanged and scene is not None:
            if hasattr(scene, "node_item_moved"):
                scene.node_item_moved(self.node_id)
        return super().itemChange(change, value)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        look = theme.current()
        border = "failed" if self.state == "failed" else \
            "selected" if self.isSelected() else "normal"
        paint_chrome(painter, NODE_WIDTH, self.height, self.body_top, BODY, bool(self.outputs),
                     self.node_type.category, border)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setRenderHint(QPainter.TextAntialiasing)
        if option.levelOfDetailFromTransform(painter.worldTransform()) < TEXT_MIN_SCALE:
            self._paint_problems(painter, _fonts()[1])   # too small to read: shapes only
            return
        top = self.body_top
        painter.drawPixmap(QPointF(14, top + 7), _category_pixmap(self.node_type.category))
        title_font, small, tiny = _fonts()
        painter.setFont(title_font)
        painter.setPen(QColor(look.text))
        text_w = NODE_WIDTH - 40 - 26
        painter.drawText(QRectF(38, top + 5, text_w, 20), Qt.AlignLeft | Qt.AlignVCenter,
                         _elided(self.title, 0, text_w))
        painter.setFont(small)
        painter.setPen(QColor(look.text_muted))
        if self.state in ("failed", "running") and self.state_message:  # on the card itself
            painter.setPen(QColor(style.STATE_COLOURS[self.state]))
        painter.drawText(QRectF(38, top + 24, NODE_WIDTH - 48, 16), Qt.AlignLeft | Qt.AlignVCenter,
                         _elided(self.shown_summary(), 1, NODE_WIDTH - 62))
        # port labels, next to their circles
        painter.setFont(tiny)
        painter.setPen(QColor(look.text_muted))
        for ports, y in ((self.inputs, 1.5), (self.outputs, self.height - PORT_ROW - 1)):
            span = NODE_WIDTH / (len(ports) + 1)
            for port in ports.values():
                painter.drawText(QRectF(port.x() - span / 2, y, span, PORT_ROW),
                                 Qt.AlignCenter, port.name)
        if self.comment:
            italic = QFont(small)
            italic.setItalic(True)
            painter.setFont(italic)
            painter.setPen(QColor(look.text_muted))
            painter.drawText(QRectF(NODE_WIDTH + 10, top, 180, BODY),
                             Qt.AlignLeft | Qt.AlignVCenter | Qt.TextWordWrap, self.comment)
        self._paint_problems(painter, small)

    def details_hit(self, pos: QPointF) -> bool:
        """Whether a click at `pos` (item coordinates) asks for a failure's details."""
        if self.state != "failed":
            return False
        return QRectF(30, self.body_top + 22, NODE_WIDTH - 30, BODY - 22).contains(pos) or \
            QRectF(NODE_WIDTH - 26, self.body_top + 12, 22, 22).contains(pos)

    def mousePressEvent(self, event) -> None:
        scene = self.scene()
        if event.button() == Qt.LeftButton and self.details_hit(event.pos()) \
                and hasattr(scene, "details_requested"):
            scene.clearSelection()
            self.setSelected(True)
            scene.details_requested.emit(self.node_id)
            event.accept()
            return
        super().mousePressEvent(event)

    def _paint_problems(self, painter: QPainter, font: QFont) -> None:
        if not self.problems:
            return
        severity = "error" if any(s == "error" for s, _ in self.problems) else "warning"
        colour = QColor(style.SEVERITY_COLOURS[severity])
        centre = QPointF(NODE_WIDTH - 2, 0)
        painter.setPen(QPen(QColor(theme.current().card_bg), 2))   # a ring parting it from the card
        painter.setBrush(colour)
        painter.drawEllipse(centre, 8, 8)
        bold = QFont(font)
        bold.setWeight(QFont.Bold)
        painter.setFont(bold)
        painter.setPen(QColor("#ffffff"))
        text = "!" if len(self.problems) == 1 else str(len(self.problems))
        painter.drawText(QRectF(centre.x() - 8, centre.y() - 8, 16, 16), Qt.AlignCenter, text)


class _StateBadge(QGraphicsItem):
    """The run state circle and progress bar of a card: a child item, so that a state change
    repaints these few pixels and not the (cached) card."""

    def __init__(self, card: "NodeItem"):
        super().__init__(card)
        self.card = card
        self.setAcceptedMouseButtons(Qt.NoButton)

    def boundingRect(self) -> QRectF:
        top = self.card.body_top
        return QRectF(0, top + BODY - 4, NODE_WIDTH, 5).united(
            QRectF(NODE_WIDTH - 26, top + BODY / 2 - 10, 20, 20))

    def paint(self, painter: QPainter, option, widget=None) -> None:
        card = self.card
        if card.state in ("idle", ""):
            return
        painter.setRenderHint(QPainter.Antialiasing)
        top = card.body_top
        if card.state == "running":
            painter.fillRect(QRectF(4, top + BODY - 3, (NODE_WIDTH - 8) * max(0.04, card.progress),
                                    3), QColor(style.STATE_COLOURS["running"]))
        colour = QColor(style.STATE_COLOURS.get(card.state, "#999"))
        centre = QPointF(NODE_WIDTH - 16, top + BODY / 2)
        painter.setPen(Qt.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(centre, 8, 8)
        painter.setPen(QColor("#ffffff"))
        bold = QFont(painter.font())
        bold.setPointSizeF(7.8)
        bold.setWeight(QFont.Bold)
        painter.setFont(bold)
        glyph = STATE_GLYPHS.get(card.state, "")
        if card.state == "running":
            glyph = f"{int(card.progress * 100)}" if card.progress else "…"
        painter.drawText(QRectF(centre.x() - 8, centre.y() - 8, 16, 16), Qt.AlignCenter, glyph)
