"""The minimap: a small overview in the canvas's bottom-right corner showing every node and the
visible rectangle; a click or drag on it moves the view there. View → Minimap (Ctrl+M) toggles
it; the choice is remembered in QSettings ("view/minimap")."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from . import style, theme

__all__ = ["Minimap", "install", "SETTINGS_KEY"]

SETTINGS_KEY = "view/minimap"
SIZE = (220, 150)
MARGIN = 12         # from the canvas's corner, in pixels
PADDING = 6         # inside the minimap, in pixels


class Minimap(QWidget):
    def __init__(self, view):
        super().__init__(view)          # a child of the view, not its viewport: it must not scroll
        self.view = view
        self.resize(*SIZE)
        self.setCursor(Qt.PointingHandCursor)
        self.setToolTip("Overview: click or drag to move the view")
        self._frozen_world: QRectF | None = None   # the mapping stays put while dragging
        for bar in (view.horizontalScrollBar(), view.verticalScrollBar()):
            bar.valueChanged.connect(self._changed)
            bar.rangeChanged.connect(self._changed)
        self.hide()

    # -- geometry ---------------------------------------------------------------------------
    def place(self) -> None:
        """Keep to the bottom-right corner of the view's viewport."""
        area = self.view.viewport().geometry()
        self.move(area.right() - self.width() - MARGIN, area.bottom() - self.height() - MARGIN)

    def _nodes(self) -> list:
        scene = self.view.scene()
        return list(getattr(scene, "nodes", {}).values()) if scene is not None else []

    def visible_rect(self) -> QRectF:
        return self.view.mapToScene(self.view.viewport().rect()).boundingRect()

    def world(self) -> QRectF:
        """The scene rectangle the minimap shows: every node and the visible area."""
        if self._frozen_world is not None:
            return self._frozen_world
        rect = self.visible_rect()
        for item in self._nodes():
            rect = rect.united(item.sceneBoundingRect())
        return rect.adjusted(-40, -40, 40, 40)

    def _mapping(self, world: QRectF) -> tuple[float, QPointF]:
        """(scale, offset): minimap point = scene point * scale + offset, aspect kept, centred."""
        inner = QRectF(self.rect()).adjusted(PADDING, PADDING, -PADDING, -PADDING)
        scale = min(inner.width() / max(world.width(), 1.0),
                    inner.height() / max(world.height(), 1.0))
        offset = inner.center() - world.center() * scale
        return scale, offset

    def to_scene(self, point: QPointF) -> QPointF:
        scale, offset = self._mapping(self.world())
        return (point - offset) / scale

    def to_minimap(self, point: QPointF) -> QPointF:
        scale, offset = self._mapping(self.world())
        return point * scale + offset

    # -- painting ---------------------------------------------------------------------------
    def _changed(self, *_args) -> None:
        if self.isVisible() and self._frozen_world is None:
            self.update()

    def paintEvent(self, event) -> None:
        look = theme.current()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        background = QColor(look.minimap_bg)
        background.setAlpha(235)
        painter.setPen(QPen(QColor(look.card_border), 1))
        painter.setBrush(background)
        painter.drawRoundedRect(frame, 6, 6)
        scale, offset = self._mapping(self.world())

        def mapped(rect: QRectF) -> QRectF:
            return QRectF(rect.topLeft() * scale + offset, rect.size() * scale)
        painter.setPen(Qt.NoPen)
        for item in self._nodes():      # a few hundred small rectangles: cheap, no cache needed
            card = item.shape().boundingRect().translated(item.scenePos())
            painter.setBrush(style.category_colour(item.node_type.category))
            painter.drawRect(mapped(card))
        view_colour = QColor(look.minimap_view)
        fill = QColor(view_colour)
        fill.setAlpha(40)
        painter.setPen(QPen(view_colour, 1.5))
        painter.setBrush(fill)
        painter.setClipRect(frame)
        painter.drawRect(mapped(self.visible_rect()))
        painter.end()

    # -- clicking and dragging --------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self._frozen_world = self.world()
            self._centre_at(event.position())
            event.accept()

    def mouseMoveEvent(self, event) -> None:
        if self._frozen_world is not None:
            self._centre_at(event.position())
            event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.LeftButton and self._frozen_world is not None:
            self._frozen_world = None
            self.update()
            event.accept()

    def _centre_at(self, point: QPointF) -> None:
        self.view.centerOn(self.to_scene(point))
        self.update()


def install(window) -> None:
    """Wire View → Minimap to the window's canvas and remember the choice."""
    action = window.actions_["minimap"]
    shown = str(window.settings.value(SETTINGS_KEY, "false")).lower() == "true"
    action.setChecked(shown)
    window.view.set_minimap_visible(shown)

    def toggled(on: bool) -> None:
        window.view.set_minimap_visible(on)
        window.settings.setValue(SETTINGS_KEY, "true" if on else "false")
    action.toggled.connect(toggled)
