"""The main window: palette left, canvas centre, inspector right, Output / Runs / Problems / Log /
History tabs below, toolbar, menus and status bar; its layout is remembered."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (QDockWidget, QLabel, QMainWindow, QPlainTextEdit, QProgressBar,
                               QTabWidget, QUndoView)

from nodes.registry import registry as default_registry

from . import files
from .actions import make_actions
from .canvas import CanvasView
from .checking import LiveChecker
from .document import Document
from .inspector import InspectorPanel
from .outputs import OutputPanel
from .palette import PaletteWidget
from .problems import ProblemsPanel
from .run_view import RunView

__all__ = ["MainWindow"]


class MainWindow(QMainWindow):
    def __init__(self, registry=None, settings: QSettings | None = None):
        super().__init__()
        self.registry = registry or default_registry
        self.settings = settings or QSettings("MLWire", "Designer")
        self.document: Document | None = None
        self.actions_ = make_actions(self)
        self.view = CanvasView()
        self.setCentralWidget(self.view)
        self.palette = PaletteWidget(self.registry)
        self.inspector = InspectorPanel()
        self.problems = ProblemsPanel()
        self.output = OutputPanel()
        self.log = QPlainTextEdit(readOnly=True)
        self.runs_tab = QLabel("Run history appears here once the project store is connected.")
        self.runs_tab.setAlignment(Qt.AlignCenter)
        self.history = QUndoView()
        self.history.setEmptyLabel("<opened>")
        self.tabs = QTabWidget()
        for widget, title in ((self.output, "Output"), (self.runs_tab, "Runs"),
                              (self.problems, "Problems"), (self.log, "Log"),
                              (self.history, "History")):
            self.tabs.addTab(widget, title)
        self._dock(self.palette, "Nodes", "palette", Qt.LeftDockWidgetArea)
        self._dock(self.inspector, "Inspector", "inspector", Qt.RightDockWidgetArea)
        self._dock(self.tabs, "Results", "bottom", Qt.BottomDockWidgetArea)
        self.checker = LiveChecker(self)
        self.runs = RunView(self)
        self.status_text = QLabel()
        self.progress = QProgressBar(maximumWidth=180, textVisible=False)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.status_text)
        self.statusBar().addPermanentWidget(self.progress)
        self.recent = files.RecentFiles(self.settings)
        self._build_menus()
        self._connect()
        self.resize(1440, 900)
        self.set_document(Document(self._new_pipeline()))
        self._restore_layout()

    # -- construction -----------------------------------------------------------------------
    def _dock(self, widget, title: str, name: str, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                         | QDockWidget.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        a = self.actions_
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for name in ("new", "open"):
            file_menu.addAction(a[name])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(lambda: self.recent.fill_menu(self.recent_menu,
                                                                          self.open_file))
        for name in ("save", "save_as", None, "export", None, "quit"):
            file_menu.addSeparator() if name is None else file_menu.addAction(a[name])
        edit = bar.addMenu("&Edit")
        for name in ("undo", "redo", None, "cut", "copy", "paste", "duplicate", "delete", None,
                     "select_all", "quick_add"):
            edit.addSeparator() if name is None else edit.addAction(a[name])
        view = bar.addMenu("&View")
        for name in ("fit_view", "zoom_in", "zoom_out", None, "auto_layout", "snap"):
            view.addSeparator() if name is None else view.addAction(a[name])
        view.addSeparator()
        for dock in self.findChildren(QDockWidget):
            view.addAction(dock.toggleViewAction())
        run = bar.addMenu("&Run")
        for name in ("run", "run_to_here", "cancel", None, "validate"):
            run.addSeparator() if name is None else run.addAction(a[name])
        tools = self.addToolBar("Main")
        tools.setObjectName("main_toolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        for name in ("new", "open", "save", None, "undo", "redo", None, "run", "run_to_here",
                     "cancel", "validate", None, "auto_layout", "fit_view", None, "export"):
            tools.addSeparator() if name is None else tools.addAction(a[name])

    def _connect(self) -> None:
        a = self.actions_
        a["new"].triggered.connect(self.new_file)
        a["open"].triggered.connect(lambda: files.ask_open(self))
        a["save"].triggered.connect(lambda: files.save(self))
        a["save_as"].triggered.connect(lambda: files.save_as(self))
        a["export"].triggered.connect(lambda: files.export_script(self))
        a["quit"].triggered.connect(self.close)
        a["undo"].triggered.connect(lambda: self.document.undo_stack.undo())
        a["redo"].triggered.connect(lambda: self.document.undo_stack.redo())
        a["copy"].triggered.connect(lambda: self.document.copy_selection())
        a["cut"].triggered.connect(self._cut)
        a["paste"].triggered.connect(lambda: self.document.paste())
        a["duplicate"].triggered.connect(lambda: self.document.duplicate_selection())
        a["delete"].triggered.connect(lambda: self.document.delete_selection())
        a["select_all"].triggered.connect(lambda: self.document.select_all())
        a["quick_add"].triggered.connect(self._quick_add_at_cursor)
        a["auto_layout"].triggered.connect(self._auto_layout)
        a["fit_view"].triggered.connect(self.view.fit_view)
        a["zoom_in"].triggered.connect(self.view.zoom_in)
        a["zoom_out"].triggered.connect(self.view.zoom_out)
        a["snap"].toggled.connect(lambda on: setattr(self.document.scene, "snap_enabled", on))
        a["validate"].triggered.connect(self.validate)
        a["run"].triggered.connect(lambda: self.runs.run())
        a["run_to_here"].triggered.connect(
            lambda: self.runs.run(self.document.scene.selected_node_ids() or None))
        a["cancel"].triggered.connect(lambda: self.runs.cancel())
        self.palette.add_requested.connect(self.add_node_at_centre)
        self.view.node_type_dropped.connect(
            lambda type_id, pos: self.document.add_node_of_type(type_id, pos))
        self.checker.findings_changed.connect(self._show_findings)
        self.problems.node_activated.connect(self.focus_node)

    # -- the document -----------------------------------------------------------------------
    def _new_pipeline(self):
        from designer.model import Pipeline
        return Pipeline("untitled", registry=self.registry)

    def set_document(self, document: Document) -> None:
        old = self.document
        self.document = document
        self.view.set_scene(document.scene)
        document.scene.message.connect(self.show_message)
        document.scene.selectionChanged.connect(self._selection_changed)
        document.scene.snap_enabled = self.actions_["snap"].isChecked()
        stack = document.undo_stack
        self.history.setStack(stack)
        stack.cleanChanged.connect(self._update_title)
        stack.canUndoChanged.connect(self.actions_["undo"].setEnabled)
        stack.canRedoChanged.connect(self.actions_["redo"].setEnabled)
        stack.undoTextChanged.connect(self._undo_text)
        stack.redoTextChanged.connect(self._redo_text)
        self.actions_["undo"].setEnabled(stack.canUndo())
        self.actions_["redo"].setEnabled(stack.canRedo())
        self.inspector.set_document(document)
        self.checker.set_document(document)
        self.output.clear()
        self._update_title()
        if old is not None:
            old.close()
            old.scene.deleteLater()
            old.deleteLater()
        self.view.fit_view()

    def _undo_text(self, text: str) -> None:
        self.actions_["undo"].setText(f"&Undo {text}".strip())

    def _redo_text(self, text: str) -> None:
        self.actions_["redo"].setText(f"&Redo {text}".strip())

    def new_file(self) -> None:
        if files.confirm_discard(self):
            self.set_document(Document(self._new_pipeline()))

    def open_file(self, path: str | Path) -> bool:
        return files.open_path(self, path)

    def _update_title(self) -> None:
        doc = self.document
        self.setWindowTitle(f"{doc.display_name}[*] — MLWire")
        self.setWindowModified(not doc.undo_stack.isClean())

    # -- canvas helpers ---------------------------------------------------------------------
    def add_node_at_centre(self, type_id: str) -> str:
        centre = self.view.visible_centre()
        taken = [i.pos() for i in self.document.scene.nodes.values()]
        while any((p - QPointF(centre.x() - 110, centre.y() - 23)).manhattanLength() < 30
                  for p in taken):
            centre += QPointF(30, 30)  # do not stack new nodes exactly on top of each other
        node_id = self.document.add_node_of_type(type_id, centre)
        self.view.setFocus()
        return node_id

    def _cut(self) -> None:
        if self.document.copy_selection():
            self.document.delete_selection()

    def _auto_layout(self) -> None:
        self.document.auto_layout()
        self.view.fit_view()

    def _quick_add_at_cursor(self) -> None:
        from .quick_add_search import QuickAddPopup
        pos = self.view.mapFromGlobal(QCursor.pos())
        if not self.view.viewport().rect().contains(pos):
            pos = self.view.viewport().rect().center()
        popup = QuickAddPopup(self.registry, self)
        popup.chosen.connect(lambda t, p=self.view.mapToScene(pos):
                             self.document.add_node_of_type(t, p))
        popup.show_at(self.view.viewport().mapToGlobal(pos))
        self.quick_add_popup = popup

    def focus_node(self, node_id: str) -> None:
        if node_id in self.document.scene.nodes:
            self.document.scene.select_nodes([node_id])
            self.view.centre_on_node(node_id)

    def _selection_changed(self) -> None:
        try:
            selected = self.document.scene.selected_node_ids()
        except RuntimeError:  # the scene is being destroyed
            return
        self.inspector.set_node(selected[0] if len(selected) == 1 else None)
        if len(selected) == 1:
            self.runs.show_output(selected[0])

    def show_message(self, text: str, timeout: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout)

    # -- checking ---------------------------------------------------------------------------
    def validate(self) -> None:
        findings = self.checker.check_now()
        errors = sum(1 for f in findings if f.severity == "error")
        self.show_message(f"{errors} error(s), {len(findings) - errors} warning(s)" if findings
                          else "No problems found.")
        self.tabs.setCurrentWidget(self.problems)

    def _show_findings(self, findings) -> None:
        self.problems.set_findings(findings, self.document.pipeline)
        per_node: dict[str, list] = {}
        for finding in findings:
            if finding.node_id:
                per_node.setdefault(finding.node_id, []).append((finding.severity, finding.message))
        for node_id, item in self.document.scene.nodes.items():
            item.set_problems(per_node.get(node_id, []))
        errors = sum(1 for f in findings if f.severity == "error")
        self.tabs.setTabText(self.tabs.indexOf(self.problems),
                             f"Problems ({len(findings)})" if findings else "Problems")
        self.status_text.setText(f"{errors} error(s), {len(findings) - errors} warning(s)"
                                 if findings else "Ready")

    # -- layout and closing -----------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        else:
            self.resizeDocks([self.findChild(QDockWidget, "palette"),
                              self.findChild(QDockWidget, "inspector")], [230, 320], Qt.Horizontal)
            self.resizeDocks([self.findChild(QDockWidget, "bottom")], [170], Qt.Vertical)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())

    def closeEvent(self, event) -> None:
        if not files.confirm_discard(self):
            event.ignore()
            return
        self.save_layout()
        self.runs.close()
        event.accept()
