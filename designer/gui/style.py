"""Colours that mean something (categories, port types, run states), sizes and icons; the light
and dark surface colours live in theme.py."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtCore import Qt

__all__ = ["CATEGORY_COLOURS", "PORT_COLOURS", "STATE_COLOURS", "category_colour", "port_colour",
           "icon", "category_icon", "GRID"]

GRID = 20  # snap step and dot spacing, in scene units

CATEGORY_COLOURS = {
    "Data Input and Output": "#14a3a3",
    "Data Transformation": "#3b82f6",
    "Feature Selection": "#6366f1",
    "Machine Learning Algorithms": "#9b51e0",
    "Model Training": "#f08c2e",
    "Model Scoring and Evaluation": "#2fa85a",
}
_CATEGORY_ICONS = {
    "Data Input and Output": "mdi6.database-import-outline",
    "Data Transformation": "mdi6.table-cog",
    "Feature Selection": "mdi6.filter-variant",
    "Machine Learning Algorithms": "mdi6.brain",
    "Model Training": "mdi6.school-outline",
    "Model Scoring and Evaluation": "mdi6.chart-box-outline",
}
PORT_COLOURS = {
    "Table": "#3b82f6",
    "Learner": "#9b51e0",
    "Model": "#f08c2e",
    "Transform": "#14a3a3",
    "Metrics": "#e5484d",
}
STATE_COLOURS = {
    "idle": "#b8c0cc", "queued": "#94a3b8", "running": "#2f6fed", "done": "#2fa85a",
    "cached": "#14a3a3", "failed": "#e5484d", "skipped": "#b8c0cc", "cancelled": "#f08c2e",
}
SEVERITY_COLOURS = {"error": "#e5484d", "warning": "#e8a317"}

def category_colour(category: str) -> QColor:
    return QColor(CATEGORY_COLOURS.get(category, "#7b8794"))


def port_colour(port_type) -> QColor:
    return QColor(PORT_COLOURS.get(getattr(port_type, "value", str(port_type)), "#7b8794"))


@lru_cache(maxsize=None)
def icon(name: str, colour: str | None = None) -> QIcon:
    """An icon from the Material Design font (see glyph_icons), else a plain coloured dot (the app
    works without the font). `colour` None follows the theme's text colour."""
    from .glyph_icons import glyph_icon
    found = glyph_icon(name, colour)
    if found is not None:
        return found
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setBrush(QColor(colour or "#7b8794"))
    painter.setPen(Qt.NoPen)
    painter.drawEllipse(3, 3, 10, 10)
    painter.end()
    return QIcon(pixmap)


def category_icon(category: str) -> QIcon:
    return icon(_CATEGORY_ICONS.get(category, "mdi6.cube-outline"), CATEGORY_COLOURS.get(category, "#7b8794"))
