"""The window's actions (menus, toolbar, shortcuts), created in one place from a table."""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from .style import icon

__all__ = ["make_actions", "ACTIONS"]

# name: (text, shortcut, icon, tooltip)
ACTIONS = {
    "new_project": ("New &Project…", "Ctrl+Shift+N", "mdi6.folder-plus-outline",
                    "Create a project file (.mlw) for pipelines and their runs"),
    "new": ("&New Pipeline", QKeySequence.New, "mdi6.file-outline", "Start a new pipeline"),
    "open": ("&Open…", QKeySequence.Open, "mdi6.folder-open-outline",
             "Open a project (.mlw) or a pipeline file (.pipeline.json)"),
    "save": ("&Save", QKeySequence.Save, "mdi6.content-save-outline", "Save (Ctrl+S)"),
    "save_as": ("Save &As…", QKeySequence.SaveAs, None,
                "Save as a project (.mlw) or a pipeline file (.pipeline.json)"),
    "history": ("Pipeline &History…", "Ctrl+H", "mdi6.history",
                "Every saved revision of this pipeline in the project; open an older one"),
    "export": ("&Export Script…", None, "mdi6.language-python", "Export as a standalone Python script"),
    "quit": ("&Quit", QKeySequence.Quit, None, "Quit MLWire"),
    "undo": ("&Undo", QKeySequence.Undo, "mdi6.undo", "Undo"),
    "redo": ("&Redo", "Ctrl+Shift+Z", "mdi6.redo", "Redo"),
    "cut": ("Cu&t", QKeySequence.Cut, None, "Cut the selected nodes"),
    "copy": ("&Copy", QKeySequence.Copy, None, "Copy the selected nodes"),
    "paste": ("&Paste", QKeySequence.Paste, None, "Paste nodes"),
    "duplicate": ("&Duplicate", "Ctrl+D", None, "Duplicate the selected nodes"),
    "delete": ("De&lete", QKeySequence.Delete, "mdi6.delete-outline", "Delete the selection"),
    "select_all": ("Select &All", QKeySequence.SelectAll, None, "Select every node"),
    "quick_add": ("&Quick Add…", "Ctrl+Space", "mdi6.plus-box-outline", "Add a node at the cursor"),
    "run": ("&Run", "F5", "mdi6.play", "Run the pipeline (F5)"),
    "run_to_here": ("Run to &Here", "Shift+F5", "mdi6.play-speed",
                    "Run the selected nodes and what they need"),
    "cancel": ("&Cancel Run", "Ctrl+.", "mdi6.stop", "Stop the run"),
    "validate": ("&Validate", "Ctrl+Shift+V", "mdi6.check-decagram-outline", "Check the pipeline now"),
    "auto_layout": ("&Auto-layout", "Ctrl+L", "mdi6.sitemap-outline", "Arrange the nodes by data flow"),
    "fit_view": ("&Fit View", "Ctrl+0", "mdi6.fit-to-screen-outline", "Show the whole pipeline"),
    "zoom_in": ("Zoom &In", QKeySequence.ZoomIn, "mdi6.magnify-plus-outline", "Zoom in"),
    "zoom_out": ("Zoom &Out", QKeySequence.ZoomOut, "mdi6.magnify-minus-outline", "Zoom out"),
    "snap": ("&Snap to Grid", None, None, "Snap moved nodes to the grid"),
    "welcome": ("&Welcome Screen", None, "mdi6.home-outline", "New project, recent files, examples"),
    "minimap": ("&Minimap", "Ctrl+M", "mdi6.map-outline",
                "Show an overview of the whole pipeline; click or drag it to move the view"),
    "theme_light": ("&Light", None, None, "Light theme"),
    "theme_dark": ("&Dark", None, None, "Dark theme"),
    "theme_system": ("&System", None, None, "Follow the desktop's light or dark setting"),
}


def make_actions(parent) -> dict[str, QAction]:
    actions = {}
    for name, (text, shortcut, icon_name, tip) in ACTIONS.items():
        action = QAction(text, parent)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name:
            action.setIcon(icon(icon_name))   # follows the theme's text colour
        action.setToolTip(tip)
        action.setStatusTip(tip)
        actions[name] = action
    actions["snap"].setCheckable(True)
    actions["snap"].setChecked(True)
    actions["minimap"].setCheckable(True)
    actions["run"].setIcon(icon("mdi6.play", "#2fa85a"))
    actions["cancel"].setIcon(icon("mdi6.stop", "#e5484d"))
    actions["cancel"].setEnabled(False)
    return actions
