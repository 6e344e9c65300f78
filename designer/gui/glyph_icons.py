"""Icons drawn from the Material Design icon font that ships with qtawesome, without importing
qtawesome: its import (qtpy star-imports every Qt module) cost about half a second of start-up."""
from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QIconEngine, QPainter, QPalette, \
    QPixmap
from PySide6.QtWidgets import QApplication

__all__ = ["glyph_icon", "available"]

_FONT_FILES = {"mdi6": ("materialdesignicons6-webfont-6.9.96.ttf",
                        "materialdesignicons6-webfont-charmap-6.9.96.json")}


@lru_cache(maxsize=None)
def _font(prefix: str) -> tuple[str, dict[str, str]] | None:
    """(font family, name -> character) of an icon font, loaded once; None when not installed."""
    spec = importlib.util.find_spec("qtawesome")     # finds the package without running it
    if spec is None or not spec.submodule_search_locations or prefix not in _FONT_FILES:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "fonts"
    ttf, charmap = _FONT_FILES[prefix]
    font_id = QFontDatabase.addApplicationFont(str(folder / ttf))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return None
    chars = {name: chr(int(code, 16))
             for name, code in json.loads((folder / charmap).read_text()).items()}
    return families[0], chars


def available(name: str) -> bool:
    prefix, _, glyph = name.partition(".")
    font = _font(prefix)
    return font is not None and glyph in font[1]


class _GlyphEngine(QIconEngine):
    """Paints one glyph at any size; `colour` None follows the palette's text colour (themes)."""

    def __init__(self, family: str, char: str, colour: str | None):
        super().__init__()
        self.family, self.char, self.colour = family, char, colour

    def paint(self, painter: QPainter, rect: QRect, mode, state) -> None:
        if self.colour is not None:
            colour = QColor(self.colour)
        else:
            app = QApplication.instance()
            colour = app.palette().color(QPalette.Text) if app else QColor("#3b4452")
        if mode == QIcon.Disabled:
            colour.setAlphaF(0.38)
        font = QFont(self.family)
        font.setPixelSize(max(1, round(0.875 * rect.height())))   # qtawesome's proportion
        painter.save()
        painter.setRenderHint(QPainter.TextAntialiasing)
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(QRectF(rect), Qt.AlignCenter, self.char)
        painter.restore()

    def pixmap(self, size, mode, state) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _GlyphEngine(self.family, self.char, self.colour)


def glyph_icon(name: str, colour: str | None = None) -> QIcon | None:
    """The icon `prefix.name` (e.g. "mdi6.play"), or None when the font or the glyph is missing."""
    prefix, _, glyph = name.partition(".")
    font = _font(prefix)
    if font is None or glyph not in font[1]:
        return None
    return QIcon(_GlyphEngine(font[0], font[1][glyph], colour))
