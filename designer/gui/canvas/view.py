"""The canvas view: dotted grid, zoom (wheel, Ctrl +/-), pan (middle button or space-drag),
rubber-band selection, fit view, the minimap, and drops from the palette."""
from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

from .. import style, theme

__all__ = ["CanvasView", "NODE_MIME"]

NODE_MIME = "application/x-mlwire-node-type"
MIN_ZOOM, MAX_ZOOM = 0.2, 2.5
FIT_MIN_ZOOM = 0.7
ZOOM_SETTLE_MS = 180   # after the last zoom step, cards are re-rendered crisp at the new scale


class CanvasView(QGraphicsView):
    node_type_dropped = Signal(str, QPointF)  # type id, scene position
    quick_add_key = Signal()                  # Tab on the canvas: quick-add at the cursor

    def __init__(self, scene=None, parent=None):
        super().__init__(parent)
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing
                            | QPainter.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.BoundingRectViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheBackground)   # the dotted grid, drawn once
        # Every item sets the pen, brush and font it uses, so the view need not save and restore
        # the painter around each of them (a measurable share of a frame with 300 cards).
        self.setOptimizationFlag(QGraphicsView.DontSavePainterState)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        self.setDragMode(QGraphicsView.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.IntersectsItemShape)
        self.setAcceptDrops(True)
        self.setFrameShape(QGraphicsView.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self._pan_from: QPointF | None = None
        self._space = False
        self._zoom_burst = False
        self._zoom_settle = QTimer(self, singleShot=True, interval=ZOOM_SETTLE_MS)
        self._zoom_settle.timeout.connect(self._zoom_settled)
        from ..minimap import Minimap
        self.minimap = Minimap(self)
        theme.notifier().changed.connect(self.theme_changed)
        if scene is not None:
            self.set_scene(scene)

    def set_scene(self, scene) -> None:
        scene.setParent(self)  # a view does not own its scene; keep it alive
        self.setScene(scene)
        scene.setBackgroundBrush(QColor(theme.current().canvas_bg))   # for scene.render() too
        scene.changed.connect(self.minimap._changed)   # nodes moved, added or removed

    def set_minimap_visible(self, on: bool) -> None:
        self.minimap.setVisible(on)
        if on:
            self.minimap.place()
            self.minimap.raise_()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.minimap.place()

    def theme_changed(self, *_args) -> None:
        """Repaint the grid and every card (their cached pixmaps hold the old colours)."""
        self.resetCachedContent()
        if self.scene() is not None:
            self.scene().setBackgroundBrush(QColor(theme.current().canvas_bg))
            for item in self.scene().items():
                item.update()
        self.viewport().update()
        self.minimap.update()

    # -- look -------------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        look = theme.current()
        painter.fillRect(rect, QColor(look.canvas_bg))
        scale = self.transform().m11()
        step = style.GRID * (1 if scale >= 0.6 else 2 if scale >= 0.3 else 4)
        dot = 1.6 / max(scale, 0.3)          # scene units: about 1.6 pixels on screen
        # One dashed line per grid row, its dashes one dot long and one grid step apart: Qt
        # dashes in C++ what a Python loop over thousands of points did in 10-20 ms per zoom step.
        pen = QPen(QColor(look.grid_dot), dot, Qt.CustomDashLine, Qt.FlatCap)
        pen.setDashPattern([1.0, step / dot - 1.0])     # in pen widths
        painter.setPen(pen)
        left = math.floor(rect.left() / step) * step - dot / 2   # dots centred on grid points
        right = rect.right() + step
        y = math.floor(rect.top() / step) * step
        rows = []
        while y <= rect.bottom() + step:
            rows.append(QLineF(left, y, right, y))
            y += step
        painter.drawLines(rows)

    # -- zoom and fit -----------------------------------------------------------------------
    def zoom(self, factor: float) -> None:
        current = self.transform().m11()
        factor = max(MIN_ZOOM / current, min(MAX_ZOOM / current, factor))
        self._zooming()
        self.scale(factor, factor)

    def _zooming(self) -> None:
        """While zoom steps come in, cards keep one pixmap in their own coordinates and are only
        scaled (a card re-rendered per zoom step is what made zooming slow); once the steps
        stop, they go back to a pixel-exact cache at the new scale."""
        self._zoom_settle.start()
        if not self._zoom_burst and self.scene() is not None:
            self._zoom_burst = True
            self._set_card_cache(QGraphicsItem.ItemCoordinateCache)

    def _zoom_settled(self) -> None:
        self._zoom_burst = False
        self._set_card_cache(QGraphicsItem.DeviceCoordinateCache)

    def _set_card_cache(self, mode) -> None:
        for item in getattr(self.scene(), "nodes", {}).values():
            item.setCacheMode(mode)

    def zoom_in(self) -> None:
        self.zoom(1.2)

    def zoom_out(self) -> None:
        self.zoom(1 / 1.2)

    def fit_view(self) -> None:
        rect = QRectF()
        for item in self.scene().nodes.values():
            rect = rect.united(item.sceneBoundingRect())
        if rect.isNull():
            self.resetTransform()
            self.centerOn(0, 0)
            return
        self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.KeepAspectRatio)
        scale = self.transform().m11()
        if scale > 1.0 or scale < FIT_MIN_ZOOM:
            # never blow cards up; never shrink them past legibility: show the top instead
            zoom = min(1.0, max(scale, FIT_MIN_ZOOM))
            self.resetTransform()
            self.scale(zoom, zoom)
            if scale < FIT_MIN_ZOOM:
                top = self.mapToScene(self.viewport().rect()).boundingRect()
                self.centerOn(rect.center().x(), rect.top() - 40 + top.height() / 2)
            else:
                self.centerOn(rect.center())

    def centre_on_node(self, node_id: str) -> None:
        item = self.scene().nodes.get(node_id)
        if item is not None:
            self.centerOn(item.sceneBoundingRect().center())

    def visible_centre(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.ShiftModifier:
            return super().wheelEvent(event)
        delta = event.angleDelta().y()
        if delta:
            self.zoom(1.0015 ** delta)
        event.accept()

    # -- pan --------------------------------------------------------------------------------
    def event(self, event) -> bool:
        from PySide6.QtCore import QEvent
        if event.type() == QEvent.KeyPress and event.key() == Qt.Key_Tab \
                and not event.modifiers() and self.scene() is not None and self.scene().wire is None:
            self.quick_add_key.emit()   # Tab would otherwise move the focus away
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Space and not event.isAutoRepeat() and self.scene().wire is None:
            self._space = True
            self.viewport().setCursor(Qt.OpenHandCursor)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MiddleButton or (self._space and event.button() == Qt.LeftButton):
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            if self._space:
                self.viewport().setCursor(Qt.OpenHandCursor)
            else:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # -- drops from the palette -------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(NODE_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(NODE_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        if event.mimeData().hasFormat(NODE_MIME):
            type_id = bytes(event.mimeData().data(NODE_MIME)).decode()
            self.node_type_dropped.emit(type_id, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
        else:
            super().dropEvent(event)
