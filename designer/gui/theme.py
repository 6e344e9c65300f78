"""Light and dark themes: the surface colours of the window, canvas, cards, wires and plots, the
View → Theme menu, and the choice remembered in QSettings ("view/theme": light, dark or system)."""
from __future__ import annotations

import sys
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QActionGroup, QColor, QGuiApplication, QPalette

__all__ = ["Theme", "LIGHT", "DARK", "CHOICES", "current", "apply", "notifier", "install_menu",
           "stored_choice", "SETTINGS_KEY"]

SETTINGS_KEY = "view/theme"
CHOICES = ("light", "dark", "system")


@dataclass(frozen=True)
class Theme:
    name: str
    dark: bool
    # canvas
    canvas_bg: str
    grid_dot: str
    card_bg: str
    card_border: str
    card_selected: str
    card_divider: str
    card_shadow: tuple[int, int, int]   # rgb of the soft shadow under cards
    text: str
    text_muted: str
    port_fill: str                      # inside of an unconnected port
    port_refused: str                   # a port a wire in progress cannot end on
    label_bg: str                       # row-count labels on wires
    label_border: str
    label_text: str
    minimap_bg: str
    minimap_view: str                   # the visible rectangle on the minimap
    # window
    window: str
    panel: str                          # docks' title bars, status bar
    base: str                           # text fields, lists, tables
    alt_base: str
    border: str
    hover: str
    accent: str
    error: str
    failure_bg: str
    failure_border: str
    # plots (pyqtgraph)
    plot_bg: str
    plot_fg: str

    def colour(self, field: str) -> QColor:
        return QColor(getattr(self, field))


LIGHT = Theme(
    name="light", dark=False,
    canvas_bg="#f6f7f9", grid_dot="#d5d9e0", card_bg="#ffffff", card_border="#dfe3e8",
    card_selected="#2f6fed", card_divider="#eef0f3", card_shadow=(20, 30, 50), text="#1f2733",
    text_muted="#6b7585", port_fill="#ffffff", port_refused="#c9ced6", label_bg="#ffffff",
    label_border="#d5dae1", label_text="#4b5563", minimap_bg="#eef0f4", minimap_view="#2f6fed",
    window="#fbfbfc", panel="#f1f3f6", base="#ffffff", alt_base="#f7f8fa", border="#e3e6eb",
    hover="#eef2f8", accent="#2f6fed", error="#c42b30", failure_bg="#fdecec",
    failure_border="#f3b4b6", plot_bg="#ffffff", plot_fg="#3b4452")

# Dark: surfaces a few steps apart so that cards stand off the canvas; text at least 7:1 on cards.
DARK = Theme(
    name="dark", dark=True,
    canvas_bg="#16191e", grid_dot="#343a44", card_bg="#262b33", card_border="#3a414c",
    card_selected="#5b8dff", card_divider="#323842", card_shadow=(0, 0, 0), text="#e6e9ee",
    text_muted="#a3acb9", port_fill="#262b33", port_refused="#4a515c", label_bg="#262b33",
    label_border="#46505c", label_text="#c9d0da", minimap_bg="#1d2127", minimap_view="#7aa2ff",
    window="#1b1e24", panel="#22262d", base="#1f232a", alt_base="#252a32", border="#323842",
    hover="#2c323b", accent="#5b8dff", error="#ff7b80", failure_bg="#3a2226",
    failure_border="#7a3a40", plot_bg="#1f232a", plot_fg="#c9d0da")

_STYLESHEET = """
QMainWindow, QDockWidget {{ background: {window}; }}
QDockWidget::title {{ padding: 6px 8px; background: {panel}; color: {text}; font-weight: 600; }}
QToolBar {{ background: {base}; border-bottom: 1px solid {border}; spacing: 4px; padding: 3px; }}
QToolButton {{ padding: 4px 6px; border-radius: 4px; }}
QToolButton:hover {{ background: {hover}; }}
QLineEdit, QPlainTextEdit {{
    border: 1px solid {label_border}; border-radius: 4px; padding: 3px 5px; background: {base}; }}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 1px solid {accent}; }}
QTreeView, QListView, QTableView {{ border: none; background: {base}; }}
QTabWidget::pane {{ border-top: 1px solid {border}; }}
QTabBar::tab {{ padding: 5px 12px; border: none; color: {text_muted}; }}
QTabBar::tab:selected {{ color: {text}; border-bottom: 2px solid {accent}; }}
QStatusBar {{ background: {panel}; color: {text}; }}
QStatusBar QLabel {{ padding: 0 10px; border-left: 1px solid {label_border}; }}
QLabel[role="error"] {{ color: {error}; }}
QLabel[role="muted"] {{ color: {text_muted}; }}
QLabel[role="heading"] {{ font-size: 15px; font-weight: 600; color: {text}; }}
QLabel[role="title"] {{ font-size: 28px; font-weight: 600; color: {text}; }}
QWidget#welcome {{ background: {canvas_bg}; }}
QFrame#card {{ background: {card_bg}; border: 1px solid {card_border}; border-radius: 8px; }}
QFrame#card:hover {{ border: 1px solid {accent}; background: {hover}; }}
QFrame#card QLabel {{ border: none; background: transparent; }}
QPushButton#link {{ border: none; background: transparent; color: {accent}; text-align: left;
    padding: 5px 2px; font-size: 13px; }}
QPushButton#link:hover {{ text-decoration: underline; }}
QListWidget#recent {{ background: transparent; border: none; }}
QListWidget#recent::item {{ padding: 4px 2px; color: {accent}; }}
QFrame#failure {{ background: {failure_bg}; border: 1px solid {failure_border}; border-radius: 6px; }}
"""


def stylesheet(theme: Theme) -> str:
    return _STYLESHEET.format(**{k: v for k, v in vars(theme).items() if isinstance(v, str)})


def _palette(theme: Theme, app) -> QPalette:
    if not theme.dark:
        return app.style().standardPalette()
    c = theme.colour
    palette = QPalette()
    for role, field in ((QPalette.Window, "window"), (QPalette.WindowText, "text"),
                        (QPalette.Base, "base"), (QPalette.AlternateBase, "alt_base"),
                        (QPalette.Text, "text"), (QPalette.Button, "panel"),
                        (QPalette.ButtonText, "text"), (QPalette.ToolTipBase, "card_bg"),
                        (QPalette.ToolTipText, "text"), (QPalette.PlaceholderText, "text_muted"),
                        (QPalette.Highlight, "accent"), (QPalette.Link, "accent"),
                        (QPalette.Light, "hover"), (QPalette.Midlight, "card_border"),
                        (QPalette.Mid, "border"), (QPalette.Dark, "window"),
                        (QPalette.Shadow, "canvas_bg")):
        palette.setColor(role, c(field))
    palette.setColor(QPalette.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.BrightText, c("error"))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        palette.setColor(QPalette.Disabled, role, QColor("#6c7482"))
    return palette


class _Notifier(QObject):
    changed = Signal(object)    # the Theme now in use


_current = LIGHT
_notifier: _Notifier | None = None


def notifier() -> _Notifier:
    """Emits `changed(theme)` after a switch: canvases repaint, plots restyle."""
    global _notifier
    if _notifier is None:
        _notifier = _Notifier()
    return _notifier


def current() -> Theme:
    return _current


def resolve(choice: str) -> Theme:
    """The theme for a menu choice; "system" follows the desktop's colour scheme when it has one."""
    if choice == "dark":
        return DARK
    if choice == "system":
        app = QGuiApplication.instance()
        scheme = app.styleHints().colorScheme() if app is not None else None
        return DARK if scheme == Qt.ColorScheme.Dark else LIGHT
    return LIGHT


def apply(choice: str, app=None) -> Theme:
    """Switch the whole application to `choice` (light, dark or system)."""
    global _current
    from PySide6.QtWidgets import QApplication
    app = app or QApplication.instance()
    theme = resolve(choice)
    _current = theme
    if app is not None:
        app.setPalette(_palette(theme, app))
        app.setStyleSheet(stylesheet(theme))
    style_plots()
    notifier().changed.emit(theme)
    return theme


def style_plots(widgets=None) -> None:
    """Plots follow the theme. pyqtgraph is only touched when something has already imported it
    (importing it here would put its cost back on start-up)."""
    pg = sys.modules.get("pyqtgraph")
    if pg is None:
        return
    theme = _current
    pg.setConfigOptions(background=theme.plot_bg, foreground=theme.plot_fg)
    if widgets is None:
        from PySide6.QtWidgets import QApplication
        widgets = QApplication.allWidgets() if QApplication.instance() else []
    for widget in widgets:
        if isinstance(widget, pg.PlotWidget):
            widget.setBackground(theme.plot_bg)
            for name in ("left", "bottom", "right", "top"):
                axis = widget.getPlotItem().getAxis(name)
                axis.setPen(theme.plot_fg)
                axis.setTextPen(theme.plot_fg)


def stored_choice(settings) -> str:
    value = str(settings.value(SETTINGS_KEY, "light") or "light").lower()
    return value if value in CHOICES else "light"


def install_menu(window, view_menu) -> None:
    """View → Theme → Light / Dark / System, from the window's `theme_*` actions; applies and
    remembers the choice in the window's settings."""
    group = QActionGroup(window)
    group.setExclusive(True)
    menu = view_menu.addMenu("&Theme")
    chosen = stored_choice(window.settings)
    for choice in CHOICES:
        action = window.actions_[f"theme_{choice}"]
        action.setCheckable(True)
        action.setChecked(choice == chosen)
        group.addAction(action)
        menu.addAction(action)
        action.triggered.connect(lambda _=False, c=choice: choose(window, c))
    app = QGuiApplication.instance()
    if app is not None:   # "system" follows the desktop when it switches
        app.styleHints().colorSchemeChanged.connect(
            lambda *_: stored_choice(window.settings) == "system" and apply("system"))
    output = getattr(window, "output", None)
    stack = getattr(output, "stack", None)
    if stack is not None:     # plots created after a switch pick the theme up when shown
        stack.currentChanged.connect(lambda *_: style_plots(output.findChildren(QObject)))
    if resolve(chosen) is not _current:
        apply(chosen)


def choose(window, choice: str) -> None:
    window.settings.setValue(SETTINGS_KEY, choice)
    window.actions_[f"theme_{choice}"].setChecked(True)
    apply(choice)
