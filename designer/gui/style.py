"""Colours, sizes and icons of the designer's light theme (one place, so the look stays consistent)."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtCore import Qt

__all__ = ["CATEGORY_COLOURS", "PORT_COLOURS", "STATE_COLOURS", "category_colour", "port_colour",
           "icon", "category_icon", "GRID", "CANVAS_BG", "APP_STYLESHEET"]

GRID = 20  # snap step and dot spacing, in scene units
CANVAS_BG = QColor("#f6f7f9")
GRID_DOT = QColor("#d5d9e0")
CARD_BG = QColor("#ffffff")
CARD_BORDER = QColor("#dfe3e8")
CARD_SELECTED = QColor("#2f6fed")
TEXT = QColor("#1f2733")
TEXT_MUTED = QColor("#6b7585")

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

APP_STYLESHEET = """
QMainWindow, QDockWidget { background: #fbfbfc; }
QDockWidget::title { padding: 6px 8px; background: #f1f3f6; color: #1f2733; font-weight: 600; }
QToolBar { background: #ffffff; border-bottom: 1px solid #e3e6eb; spacing: 4px; padding: 3px; }
QToolButton { padding: 4px 6px; border-radius: 4px; }
QToolButton:hover { background: #eef2f8; }
QLineEdit, QPlainTextEdit {
    border: 1px solid #d5dae1; border-radius: 4px; padding: 3px 5px; background: #ffffff; }
QLineEdit:focus, QPlainTextEdit:focus { border: 1px solid #2f6fed; }
QTreeView, QListView, QTableView { border: none; background: #ffffff; }
QTabWidget::pane { border-top: 1px solid #e3e6eb; }
QTabBar::tab { padding: 5px 12px; border: none; color: #5b6573; }
QTabBar::tab:selected { color: #1f2733; border-bottom: 2px solid #2f6fed; }
QStatusBar { background: #f1f3f6; color: #3b4452; }
QStatusBar QLabel { padding: 0 10px; border-left: 1px solid #d5dae1; }
QLabel[role="error"] { color: #c42b30; }
QLabel[role="muted"] { color: #6b7585; }
QLabel[role="heading"] { font-size: 15px; font-weight: 600; color: #1f2733; }
QLabel[role="title"] { font-size: 28px; font-weight: 600; color: #1f2733; }
QWidget#welcome { background: #f6f7f9; }
QFrame#card { background: #ffffff; border: 1px solid #dfe3e8; border-radius: 8px; }
QFrame#card:hover { border: 1px solid #2f6fed; background: #f7faff; }
QFrame#card QLabel { border: none; background: transparent; }
QPushButton#link { border: none; background: transparent; color: #2f6fed; text-align: left;
    padding: 5px 2px; font-size: 13px; }
QPushButton#link:hover { text-decoration: underline; }
QListWidget#recent { background: transparent; border: none; }
QListWidget#recent::item { padding: 4px 2px; color: #2f6fed; }
QFrame#failure { background: #fdecec; border: 1px solid #f3b4b6; border-radius: 6px; }
"""


def category_colour(category: str) -> QColor:
    return QColor(CATEGORY_COLOURS.get(category, "#7b8794"))


def port_colour(port_type) -> QColor:
    return QColor(PORT_COLOURS.get(getattr(port_type, "value", str(port_type)), "#7b8794"))


@lru_cache(maxsize=None)
def icon(name: str, colour: str = "#3b4452") -> QIcon:
    """A qtawesome icon when available, else a plain coloured dot (the app works without it)."""
    try:
        import qtawesome
        return qtawesome.icon(name, color=colour)
    except Exception:
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setBrush(QColor(colour))
        painter.setPen(Qt.NoPen)
        painter.drawEllipse(3, 3, 10, 10)
        painter.end()
        return QIcon(pixmap)


def category_icon(category: str) -> QIcon:
    return icon(_CATEGORY_ICONS.get(category, "mdi6.cube-outline"), CATEGORY_COLOURS.get(category, "#7b8794"))
