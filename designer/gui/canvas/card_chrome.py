"""A node card's chrome (soft shadow, rounded body, border, category stripe, port-row dividers),
rendered once per look and zoom level and shared by every card with that look: a zoom step then
re-renders a handful of pixmaps instead of five antialiased rounded rectangles per visible card."""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap, QTransform

from .. import style, theme

__all__ = ["paint_chrome", "MARGIN"]

MARGIN = 4.0          # room around the card for the shadow, in scene units
_MAX_CACHED = 256     # pixmaps; zooming through many levels must not grow memory forever
_cache: dict[tuple, QPixmap] = {}


def paint_chrome(painter: QPainter, width: float, height: float, body_top: float, body: float,
                 has_outputs: bool, category: str, border: str) -> None:
    """Draw the chrome of a card whose top-left is the item origin. `border`: normal, selected
    or failed."""
    transform = painter.worldTransform()
    if transform.type().value > QTransform.TxScale.value or transform.m11() != transform.m22():
        _draw(painter, width, height, body_top, body, has_outputs, category, border)
        return                       # rotated or stretched: no shared pixmap fits
    dpr = painter.device().devicePixelRatioF() if painter.device() else 1.0
    scale = round(transform.m11(), 4)
    key = (theme.current().name, width, height, body_top, has_outputs, category, border, scale,
           dpr)
    pixmap = _cache.get(key)
    if pixmap is None:
        if len(_cache) >= _MAX_CACHED:
            _cache.clear()
        pixmap = _cache[key] = _render(width, height, body_top, body, has_outputs, category,
                                       border, scale, dpr)
    origin = transform.map(QPointF(-MARGIN, -MARGIN))
    painter.save()
    painter.resetTransform()         # blit at whole device pixels: crisp, no resampling
    painter.drawPixmap(QPointF(round(origin.x()), round(origin.y())), pixmap)
    painter.restore()


def _render(width, height, body_top, body, has_outputs, category, border, scale,
            dpr) -> QPixmap:
    pixels = scale * dpr
    pixmap = QPixmap(math.ceil((width + 2 * MARGIN) * pixels),
                     math.ceil((height + 2 * MARGIN + 2) * pixels))
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.scale(pixels, pixels)
    painter.translate(MARGIN, MARGIN)
    _draw(painter, width, height, body_top, body, has_outputs, category, border)
    painter.end()
    pixmap.setDevicePixelRatio(dpr)
    return pixmap


def _draw(painter: QPainter, width, height, body_top, body, has_outputs, category,
          border) -> None:
    look = theme.current()
    painter.save()
    painter.setRenderHint(QPainter.Antialiasing)
    card = QRectF(0, 0, width, height)
    painter.setPen(Qt.NoPen)
    r, g, b = look.card_shadow
    for i, alpha in enumerate((18, 10, 5) if not look.dark else (60, 30, 14)):
        painter.setBrush(QColor(r, g, b, alpha))
        painter.drawRoundedRect(card.adjusted(-i, 1 - i, i, 3 + i), 9 + i, 9 + i)
    colour = {"selected": look.card_selected,
              "failed": style.STATE_COLOURS["failed"]}.get(border, look.card_border)
    painter.setPen(QPen(QColor(colour), 1 if border == "normal" else 2))
    painter.setBrush(QColor(look.card_bg))
    painter.drawRoundedRect(card, 8, 8)
    clip = QPainterPath()
    clip.addRoundedRect(card, 8, 8)
    painter.setClipPath(clip)
    painter.fillRect(QRectF(0, 0, 5, height), style.category_colour(category))
    painter.setClipping(False)
    painter.setPen(QPen(QColor(look.card_divider), 1))
    if body_top:
        painter.drawLine(QPointF(6, body_top), QPointF(width - 1, body_top))
    if has_outputs:
        painter.drawLine(QPointF(6, body_top + body), QPointF(width - 1, body_top + body))
    painter.restore()
