"""The main window: palette left, canvas (or the welcome screen) centre, inspector right, Output /
Runs / Models / Problems / Log / History tabs below, toolbar, menus and status bar; its layout is
remembered, its unsaved work autosaved for crash recovery."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCursor
from PySide6.QtWidgets import (QDockWidget, QLabel, QMainWindow, QMessageBox, QPlainTextEdit,
                               QProgressBar, QStackedWidget, QTabWidget, QUndoView)

from nodes.registry import registry as default_registry

from . import files, minimap, paths, theme
from .actions import make_actions
from .canvas import CanvasView
from .checking import LiveChecker
from .document import Document
from .gc_guard import install_gui_thread_gc
from .inspector import InspectorPanel
from .models_panel import ModelsPanel, open_register_dialog
from .outputs import OutputPanel
from .palette import PaletteWidget
from .preload import preload_in_background
from .problems import ProblemsPanel
from .recovery import Autosave, pending_recoveries
from .run_view import RunView
from .runs_panel import RunsPanel
from .style import icon
from .welcome import WelcomePage

__all__ = ["MainWindow"]


class MainWindow(QMainWindow):
    def __init__(self, registry=None, settings: QSettings | None = None,
                 autosave_ms: int | None = None):
        super().__init__()
        install_gui_thread_gc()     # also when a test or embedder made the QApplication itself
        self.registry = registry or default_registry
        self.settings = settings or QSettings("MLWire", "Designer")
        self.document: Document | None = None
        self.actions_ = make_actions(self)
        self.view = CanvasView()
        self.welcome = WelcomePage(paths.bundled_examples_dir())
        self.centre = QStackedWidget()
        self.centre.addWidget(self.view)
        self.centre.addWidget(self.welcome)
        self.setCentralWidget(self.centre)
        self.palette = PaletteWidget(self.registry)
        self.inspector = InspectorPanel()
        self.problems = ProblemsPanel()
        self.output = OutputPanel()
        self.log = QPlainTextEdit(readOnly=True)
        self.runs_panel = RunsPanel()
        self.models_panel = ModelsPanel(run_number=self.runs_panel.number)
        self.history = QUndoView()
        self.history.setEmptyLabel("<opened>")
        self.tabs = QTabWidget()
        for widget, title in ((self.output, "Output"), (self.runs_panel, "Runs"),
                              (self.models_panel, "Models"),
                              (self.problems, "Problems"), (self.log, "Log"),
                              (self.history, "History")):
            self.tabs.addTab(widget, title)
        self._dock(self.palette, "Nodes", "palette", Qt.LeftDockWidgetArea)
        self._dock(self.inspector, "Inspector", "inspector", Qt.RightDockWidgetArea)
        self._dock(self.tabs, "Results", "bottom", Qt.BottomDockWidgetArea)
        self.checker = LiveChecker(self)
        self.runs = RunView(self)
        # Status bar: transient messages on the left; the checker's and the run's state right.
        self.problems_status = QLabel()
        self.run_status = QLabel()
        self.progress = QProgressBar(maximumWidth=180, textVisible=False)
        self.progress.hide()
        for widget in (self.problems_status, self.run_status, self.progress):
            self.statusBar().addPermanentWidget(widget)
        self.recent = files.RecentFiles(self.settings)
        self._build_menus()
        self._connect()
        self.resize(1440, 900)
        self.set_document(Document(self._new_pipeline()))
        self._restore_layout()
        minimap.install(self)
        self.autosave = Autosave(self, **({"interval_ms": autosave_ms} if autosave_ms else {}))
        self.show_welcome()

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
        for name in ("new_project", "new", "open"):
            file_menu.addAction(a[name])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(lambda: self.recent.fill_menu(self.recent_menu,
                                                                          self.open_file))
        for name in ("save", "save_as", "history", None, "export", None, "quit"):
            file_menu.addSeparator() if name is None else file_menu.addAction(a[name])
        edit = bar.addMenu("&Edit")
        for name in ("undo", "redo", None, "cut", "copy", "paste", "duplicate", "delete", None,
                     "select_all", "quick_add"):
            edit.addSeparator() if name is None else edit.addAction(a[name])
        view = bar.addMenu("&View")
        for name in ("welcome", None, "fit_view", "zoom_in", "zoom_out", None, "auto_layout",
                     "snap", "minimap"):
            view.addSeparator() if name is None else view.addAction(a[name])
        theme.install_menu(self, view)      # View → Theme → Light / Dark / System
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
        a["new_project"].triggered.connect(lambda: files.new_project(self))
        a["welcome"].triggered.connect(self.show_welcome)
        a["open"].triggered.connect(lambda: files.ask_open(self))
        a["save"].triggered.connect(lambda: files.save(self))
        a["save_as"].triggered.connect(lambda: files.save_as(self))
        a["export"].triggered.connect(lambda: files.export_script(self))
        a["history"].triggered.connect(self.show_history)
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
        self.view.quick_add_key.connect(self._quick_add_at_cursor)
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
        self.runs_panel.open_requested.connect(lambda run_id: files.open_run_pipeline(self, run_id))
        self.runs_panel.compare_requested.connect(self.compare_runs)
        self.models_panel.open_run_requested.connect(
            lambda run_id: files.open_run_pipeline(self, run_id))
        self.models_panel.register_requested.connect(lambda: open_register_dialog(self))
        self.output.register_requested.connect(
            lambda run_id, node_id, port: open_register_dialog(self, run_id, node_id, port))
        self.output.candidate_registered.connect(self._candidate_registered)
        register = QAction(icon("mdi6.bookmark-plus-outline"), "Register a model of this run…",
                           self.runs_panel.table)
        register.triggered.connect(lambda: open_register_dialog(self))
        self.runs_panel.table.addAction(register)   # right-click on a run
        self.runs_panel.table.setContextMenuPolicy(Qt.ActionsContextMenu)
        w = self.welcome
        w.new_project.connect(lambda: files.new_project(self))
        w.blank_pipeline.connect(self._blank_from_welcome)
        w.open_file.connect(lambda: files.ask_open(self))
        w.open_path.connect(self.open_file)
        w.open_example.connect(lambda path: files.open_example(self, path))

    # -- the document -----------------------------------------------------------------------
    def _new_pipeline(self):
        from designer.model import Pipeline
        return Pipeline("untitled", registry=self.registry)

    def set_document(self, document: Document) -> None:
        old = self.document
        if old is not None:
            self.runs.document_changed()
        self.document = document
        self.centre.setCurrentWidget(self.view)
        self.view.set_scene(document.scene)
        document.scene.message.connect(self.show_message)
        document.scene.selectionChanged.connect(self._selection_changed)
        document.scene.details_requested.connect(self.show_failure)
        document.scene.port_clicked.connect(self.show_port_output)
        document.scene.snap_enabled = self.actions_["snap"].isChecked()
        stack = document.undo_stack
        self.history.setStack(stack)
        document.modified_changed.connect(self._update_title)
        stack.canUndoChanged.connect(self.actions_["undo"].setEnabled)
        stack.canRedoChanged.connect(self.actions_["redo"].setEnabled)
        stack.undoTextChanged.connect(self._undo_text)
        stack.redoTextChanged.connect(self._redo_text)
        self.actions_["undo"].setEnabled(stack.canUndo())
        self.actions_["redo"].setEnabled(stack.canRedo())
        self.inspector.set_document(document)
        self.checker.set_document(document)
        self.runs.document_shown(document)
        self.output.clear()
        self.runs_panel.set_link(document.link)
        self.models_panel.set_link(document.link)
        self._update_title()
        if old is not None:
            old.close()
            old.scene.deleteLater()
            old.deleteLater()
        self.view.fit_view()

    def _undo_text(self, text: str) -> None:
        # the menu names the edit; the toolbar button stays short (its tooltip names it)
        action = self.actions_["undo"]
        action.setText(f"&Undo {text}".strip())
        action.setIconText("Undo")
        action.setToolTip(f"Undo {text} (Ctrl+Z)".replace("  ", " "))

    def _redo_text(self, text: str) -> None:
        action = self.actions_["redo"]
        action.setText(f"&Redo {text}".strip())
        action.setIconText("Redo")
        action.setToolTip(f"Redo {text} (Ctrl+Shift+Z)".replace("  ", " "))

    def new_file(self) -> None:
        if files.confirm_discard(self):
            self.set_document(Document(self._new_pipeline()))

    def _blank_from_welcome(self) -> None:
        if self.document.pipeline.nodes or self.document.path is not None:
            self.new_file()
        self.centre.setCurrentWidget(self.view)

    def show_welcome(self) -> None:
        self.welcome.set_recent(self.recent.paths())
        self.centre.setCurrentWidget(self.welcome)

    def open_file(self, path: str | Path) -> bool:
        return files.open_path(self, path)

    def document_saved(self) -> None:
        """After Save / Save As: the title, the runs' project and the recovery file follow."""
        self.runs_panel.set_link(self.document.link)
        self.models_panel.set_link(self.document.link)
        self._update_title()
        self.autosave.save_now()

    def _update_title(self, *_args) -> None:
        doc = self.document
        self.setWindowTitle(f"{doc.display_name}[*] — MLWire")
        self.setWindowModified(doc.modified)

    # -- canvas helpers ---------------------------------------------------------------------
    def add_node_at_centre(self, type_id: str) -> str:
        self.centre.setCurrentWidget(self.view)
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
            failure = self.runs.failure(selected[0])
            if failure:
                self.inspector.show_failure(failure[0], lambda: self.show_failure(selected[0]))

    def show_port_output(self, node_id: str, port: str) -> None:
        self.tabs.setCurrentWidget(self.output)
        if not self.runs.show_output(node_id, port):
            self.show_message("Run the pipeline first: outputs appear after a run.")

    def show_failure(self, node_id: str) -> None:
        """The failed node's message and traceback, one click from the node."""
        failure = self.runs.failure(node_id)
        if failure is None:
            return
        from .details_dialog import FailureDialog
        title = self.document.pipeline.display_name(node_id) \
            if node_id in self.document.pipeline else node_id
        self.failure_dialog = FailureDialog(title, *failure, parent=self)
        self.failure_dialog.show()

    def _candidate_registered(self, _registration) -> None:
        # the candidate's refit is a run of its own, and a new model version
        self.runs_panel.refresh()
        self.models_panel.refresh()

    def show_history(self) -> None:
        from .history_dialog import HistoryDialog
        self.history_dialog = HistoryDialog(self)
        self.history_dialog.show()

    def compare_runs(self, run_a: str, run_b: str) -> None:
        project = self.document.link.project()
        if project is None:
            return
        from .compare_view import CompareDialog
        self.compare_dialog = CompareDialog(project, run_a, run_b, self.runs_panel.model.numbers,
                                            self)
        self.compare_dialog.show()

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
        warnings = len(findings) - errors
        self.problems_status.setText(
            ", ".join(t for t in (f"{errors} error(s)" if errors else "",
                                  f"{warnings} warning(s)" if warnings else "") if t)
            if findings else "No problems")

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

    def offer_recovery(self) -> bool:
        """After a crash: offer the newest autosave left behind; True when it was restored."""
        pending = pending_recoveries()
        if not pending:
            return False
        found = pending[0]
        import time
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(found.saved_at))
        answer = QMessageBox.question(
            self, "Restore unsaved work?",
            f"MLWire did not close properly last time. Unsaved changes to {found.name} were "
            f"autosaved at {when}.\n\nRestore them? (Discard deletes the autosave.)",
            QMessageBox.Yes | QMessageBox.Discard, QMessageBox.Yes)
        if answer != QMessageBox.Yes:
            found.discard()
            return False
        from .recovery import restore
        document = restore(found, self.registry)
        if document is None:
            self.show_message(f"The autosave of {found.name} could not be read.")
            return False
        self.set_document(document)
        found.discard()
        self.autosave.save_now()        # now this session's recovery file holds it
        self.show_message(f"Restored unsaved changes to {found.name}. Save to keep them.", 15000)
        return True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # once the window is on screen, load what showing results needs in the background
        QTimer.singleShot(300, preload_in_background)

    def closeEvent(self, event) -> None:
        if not files.confirm_discard(self):
            event.ignore()
            return
        self.save_layout()
        self.runs.close()
        from .serve_dialog import stop_all_servers      # no model server outlives the window
        stop_all_servers()
        self.document.close()
        self.autosave.clean_exit()
        event.accept()
