"""The Models tab: the project's model registry. Registered models and their versions, editable
description, tags and aliases, and per version: open its run's pipeline, download it as .joblib,
serve it, score a file with it; plus registering a recorded run's model."""
from __future__ import annotations

import importlib
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QMessageBox, QPushButton, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from .register_dialog import WARNING_STYLE
from .style import icon

__all__ = ["ModelsPanel", "parse_tags", "open_register_dialog"]

HEADERS = ["Version", "Aliases", "Description", "Tags", "Created", "Run", "Node", "Task", "Label",
           "Input"]


def parse_tags(text: str) -> dict[str, str]:
    """"stage=prod, team=bio" -> {"stage": "prod", "team": "bio"}; ValueError names a bad item."""
    tags = {}
    for item in (p.strip() for p in text.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"Tag '{item}': write tags as key=value, separated by commas "
                             "(e.g. stage=prod, team=bio).")
        tags[key.strip()] = value.strip()
    return tags


def _names(text: str) -> list[str]:
    return [a.strip() for a in text.split(",") if a.strip()]


def _signature_summary(version) -> str:
    columns = [c for c, _ in version.signature]
    shown = ", ".join(columns[:3]) + (", …" if len(columns) > 3 else "")
    return f"{len(columns)} column(s): {shown}"


def _signature_tooltip(version) -> str:
    lines = ["Takes rows with:"] + [f"  {c} ({t})" for c, t in version.signature]
    if version.classes:
        lines.append("Classes: " + ", ".join(map(str, version.classes)))
    lines.append(f"Model file sha256 {version.sha256[:16]}…")
    return "\n".join(lines)


class ModelsPanel(QWidget):
    open_run_requested = Signal(str)              # run id: open the pipeline it ran
    register_requested = Signal()                 # register a recorded run's model

    def __init__(self, run_number=None, parent=None):
        super().__init__(parent)
        self.run_number = run_number or (lambda run_id: 0)
        self.link = None
        self.versions: list = []
        self._dialogs: list = []        # serve / score windows stay alive while shown
        self.caption = QLabel()
        self.caption.setProperty("role", "muted")
        self.caption.setWordWrap(True)
        self.register_button = QPushButton(icon("mdi6.bookmark-plus-outline"), "Register model…")
        self.register_button.setToolTip("Register the Model output of a recorded run (the run "
                                        "selected in the Runs tab, or the latest)")
        self.register_button.clicked.connect(self.register_requested)
        self.model_list = QListWidget()
        self.model_list.setMaximumWidth(260)
        self.model_list.setWordWrap(True)
        self.model_list.setSpacing(2)
        self.model_list.currentItemChanged.connect(lambda *_: self._show_versions())
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_version)
        self.table.doubleClicked.connect(lambda _index: self._open_pipeline())
        self.description = QLineEdit()
        self.description.setPlaceholderText("what this version is")
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("key=value, separated by commas (e.g. stage=prod)")
        self.aliases = QLineEdit()
        self.aliases.setPlaceholderText("e.g. champion, challenger (an alias names one version)")
        self.save_button = QPushButton(icon("mdi6.content-save-outline"), "Save changes")
        self.save_button.setToolTip("Store the description, tags and aliases of this version "
                                    "(Enter in a field does the same)")
        self.save_button.clicked.connect(self.save_changes)
        for field in (self.description, self.tags, self.aliases):
            field.returnPressed.connect(self.save_changes)
            field.textChanged.connect(self._update_buttons)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Description:", self.description)
        form.addRow("Tags:", self.tags)
        form.addRow("Aliases:", self.aliases)
        self.open_button = QPushButton(icon("mdi6.file-restore-outline"), "Open pipeline")
        self.open_button.setToolTip("Open the pipeline of the run this version came from, as a "
                                    "new editable pipeline")
        self.download_button = QPushButton(icon("mdi6.download-outline"), "Download as .joblib…")
        self.download_button.setToolTip("Write the inference pipeline as a .joblib file for use "
                                        "outside MLWire. A .joblib file is a pickle: loading one "
                                        "runs code stored in it.")
        self.serve_button = QPushButton(icon("mdi6.server-network"), "Serve…")
        self.serve_button.setToolTip("Serve this version on a local REST endpoint")
        self.score_button = QPushButton(icon("mdi6.file-table-outline"), "Score a file…")
        self.score_button.setToolTip("Predict every row of a CSV or Parquet file with this "
                                     "version")
        self.open_button.clicked.connect(self._open_pipeline)
        self.download_button.clicked.connect(self._ask_download)
        self.serve_button.clicked.connect(lambda: self._open_tool("serve_dialog", "ServeDialog",
                                                                  "Serving"))
        self.score_button.clicked.connect(lambda: self._open_tool("score_file", "ScoreFileDialog",
                                                                  "Scoring a file"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self._build_layout(form)
        self._show_version()

    def _build_layout(self, form) -> None:
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.caption, 1)
        top.addWidget(self.register_button)
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        for button in (self.save_button, None, self.open_button, self.download_button,
                       self.serve_button, self.score_button):
            actions.addStretch(1) if button is None else actions.addWidget(button)
        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.table, 1)
        box.addLayout(form)
        box.addLayout(actions)
        box.addWidget(self.message)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.model_list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    # -- the project -------------------------------------------------------------------------
    def set_link(self, link) -> None:
        self.link = link
        self.refresh()

    def project(self):
        """The open project, or None when nothing was recorded yet."""
        if self.link is None or (self.link.scratch and not self.link.path.exists()):
            return None
        from designer.store import ProjectError
        try:
            return self.link.project()
        except ProjectError as exc:
            self._say("error", str(exc))
            return None

    @property
    def registry(self):
        project = self.project()
        return project.registry if project is not None else None

    def refresh(self, select: tuple[str, int] | None = None) -> None:
        """Reread the registry; keep (or move to `select`) the model and version shown."""
        name, version = select or (self.selected_model(), self.selected_version_number())
        self.message.clear()
        registry = self.registry
        models = registry.models() if registry is not None else []
        self.model_list.blockSignals(True)
        self.model_list.clear()
        for model in models:
            aliases = ", ".join(f"{a} → {v}" for a, v in model.aliases.items())
            item = QListWidgetItem(f"{model.name}\n{model.versions} version(s)"
                                   + (f"\n{aliases}" if aliases else ""))
            item.setData(Qt.UserRole, model.name)
            item.setToolTip(model.description or model.name)
            self.model_list.addItem(item)
        self.model_list.blockSignals(False)
        where = self.link.path.name if self.link is not None and not self.link.scratch \
            else "this unsaved pipeline's runs"
        self.caption.setText(
            f"{len(models)} registered model(s) in {where}. Select a version to edit its "
            "description, tags and aliases, serve it or score a file." if models else
            "No registered models yet. Run a pipeline, select its Train Model node and press "
            "Register model… in the Output tab (or here).")
        names = [m.name for m in models]
        if names:
            self.model_list.setCurrentRow(names.index(name) if name in names else 0)
        self._show_versions(version)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()      # `mlwire register` or another window may have changed it

    # -- selection ---------------------------------------------------------------------------
    def selected_model(self) -> str | None:
        item = self.model_list.currentItem()
        return item.data(Qt.UserRole) if item is not None else None

    def selected(self):
        """The ModelVersionInfo of the selected row, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.versions[rows[0].row()] if rows else None

    def selected_version_number(self) -> int | None:
        version = self.selected()
        return version.version if version is not None else None

    def selected_ref(self) -> str | None:
        version = self.selected()
        return version.ref if version is not None else None

    def select_version(self, name: str, version: int) -> None:
        self.refresh(select=(name, version))

    def _show_versions(self, select_version: int | None = None) -> None:
        name, registry = self.selected_model(), self.registry
        self.versions = registry.versions(name) if name and registry is not None else []
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.versions))
        for row, v in enumerate(self.versions):
            number = self.run_number(v.run_id)
            local = v.created_at.astimezone() if v.created_at.tzinfo else v.created_at
            cells = [str(v.version), ", ".join(v.aliases), v.description,
                     ", ".join(f"{k}={x}" for k, x in v.tags.items()), f"{local:%Y-%m-%d %H:%M}",
                     f"{number} · {v.run_id}" if number else v.run_id, v.node_id, v.task,
                     v.label or "—", _signature_summary(v)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 9:
                    item.setToolTip(_signature_tooltip(v))
                elif col == 5:
                    item.setToolTip(f"Run {number} (id {v.run_id}), pipeline "
                                    f"'{v.pipeline_name}'" if number else
                                    f"Run {v.run_id}, pipeline '{v.pipeline_name}'")
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        numbers = [v.version for v in self.versions]
        if numbers:
            self.table.selectRow(numbers.index(select_version) if select_version in numbers
                                 else 0)
        self._show_version()

    def _show_version(self) -> None:
        version = self.selected()
        self.description.setText(version.description if version else "")
        self.tags.setText(", ".join(f"{k}={x}" for k, x in version.tags.items())
                          if version else "")
        self.aliases.setText(", ".join(version.aliases) if version else "")
        for field in (self.description, self.tags, self.aliases):
            field.setEnabled(version is not None)
        self._update_buttons()

    def _changed(self) -> bool:
        version = self.selected()
        if version is None:
            return False
        try:
            tags = parse_tags(self.tags.text())
        except ValueError:
            return True
        return (self.description.text().strip() != version.description or
                tags != version.tags or set(_names(self.aliases.text())) != set(version.aliases))

    def _update_buttons(self, *_args) -> None:
        chosen = self.selected() is not None
        self.save_button.setEnabled(self._changed())
        for button in (self.open_button, self.download_button, self.serve_button,
                       self.score_button):
            button.setEnabled(chosen)

    # -- editing -----------------------------------------------------------------------------
    def save_changes(self) -> bool:
        """Store the form's description, tags and aliases; errors are shown, the store reread."""
        from designer.store.registry import check_alias
        version, registry = self.selected(), self.registry
        if version is None or registry is None or not self._changed():
            return False
        from designer.store import ProjectError
        ref, name = version.ref, version.model
        try:
            tags = parse_tags(self.tags.text())
            aliases = _names(self.aliases.text())
            for alias in aliases:           # every alias checked before anything is written
                check_alias(alias)
            description = self.description.text().strip()
            if description != version.description:
                registry.set_description(ref, description)
            for key in version.tags.keys() - tags.keys():
                registry.remove_tag(ref, key)
            for key, value in tags.items():
                if version.tags.get(key) != value:
                    registry.set_tag(ref, key, value)
            for alias in set(version.aliases) - set(aliases):
                registry.remove_alias(name, alias)
            moved = [a for a in aliases if a not in version.aliases]
            for alias in moved:
                registry.set_alias(name, alias, version.version)
        except (ValueError, ProjectError) as exc:
            self.refresh(select=(name, version.version))
            self._say("error", f"{ref} was not fully changed: {exc}")
            return False
        self.refresh(select=(name, version.version))
        self._say("info", f"Saved {ref}." + (f" {', '.join(moved)} now point(s) at version "
                                             f"{version.version}." if moved else ""))
        return True

    # -- actions on a version ----------------------------------------------------------------
    def _open_pipeline(self) -> None:
        version = self.selected()
        if version is not None:
            self.open_run_requested.emit(version.run_id)

    def _ask_download(self) -> None:
        from designer.store import PICKLE_WARNING
        version = self.selected()
        if version is None:
            return
        answer = QMessageBox.warning(
            self, "Download as .joblib", f"{PICKLE_WARNING}\n\nWrite {version.ref} as a .joblib "
            "file?", QMessageBox.Save | QMessageBox.Cancel, QMessageBox.Cancel)
        if answer != QMessageBox.Save:
            return
        start = (self.link.path.parent if self.link is not None and not self.link.scratch
                 else Path.home()) / f"{version.model}-v{version.version}.joblib"
        target, _ = QFileDialog.getSaveFileName(self, f"Download {version.ref}", str(start),
                                                "joblib files (*.joblib)")
        if target:
            self.download(target)

    def download(self, target: str | Path) -> Path | None:
        """Write the selected version's inference pipeline as .joblib; the note says pickle."""
        from designer.artifacts import UnsafeModelError
        from designer.store import PICKLE_WARNING, ProjectError
        version, registry = self.selected(), self.registry
        if version is None or registry is None:
            return None
        try:
            written = registry.download_joblib(version.ref, target)
        except (UnsafeModelError, ProjectError, OSError) as exc:
            self._say("error", f"{version.ref} was not written: {exc}")
            return None
        self._say("warning", f"Wrote {version.ref} (a scikit-learn Pipeline) to {written}. "
                             f"{PICKLE_WARNING}")
        return written

    def _open_tool(self, module: str, cls: str, what: str):
        """ServeDialog / ScoreFileDialog(project_path, "NAME:VERSION", parent), shown."""
        version = self.selected()
        if version is None or self.link is None:
            return None
        try:
            dialog_class = getattr(importlib.import_module(f"designer.gui.{module}"), cls)
        except (ImportError, AttributeError) as exc:
            command = "serve PROJECT --model" if module == "serve_dialog" else \
                "predict PROJECT -i IN.csv -o OUT.csv --model"
            self._say("error", f"{what} from the window is not available here ({exc}). From a "
                               f"terminal: mlwire {command} {version.ref}")
            return None
        dialog = dialog_class(Path(self.link.path), version.ref, self.window())
        self._dialogs = [d for d in self._dialogs if d.isVisible()] + [dialog]
        dialog.show()
        return dialog

    def _say(self, kind: str, text: str) -> None:
        self.message.setProperty("role", {"error": "error", "info": "muted"}.get(kind, ""))
        self.message.setStyleSheet(WARNING_STYLE if kind == "warning" else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)


def open_register_dialog(window, run_id: str | None = None, node_id: str | None = None,
                         port: str | None = None):
    """The Register dialog for the window's project: a given run's node (Output tab), or a
    run to choose (the one selected in the Runs tab first)."""
    from .register_dialog import RegisterDialog
    link = window.document.link
    project = link.project() if link is not None else None
    if project is None:
        window.show_message("Run the pipeline first: a model is registered from a recorded run.")
        return None
    panel = window.runs_panel
    runs = [(r.id, f"Run {panel.number(r.id) or r.id} · {r.pipeline_name} · {r.status} · "
                   f"{r.started_at.astimezone():%Y-%m-%d %H:%M}")
            for r in project.runs.summaries(limit=200, with_metrics=False)]
    if run_id is None:
        selected = panel.selected_ids()
        run_id = selected[0] if selected else (runs[0][0] if runs else None)
    dialog = RegisterDialog(project, runs, run_id, node_id, port, window)
    if link.scratch:
        dialog.add_note("This pipeline is not saved yet: its runs and registered models are kept "
                        "in a temporary project until you save it (saving keeps them).")

    def done(version):
        window.models_panel.refresh(select=(version.model, version.version))
        window.show_message(f"Registered {version.ref}: see the Models tab.", 10000)
    dialog.registered.connect(done)
    window.register_dialog = dialog
    dialog.show()
    return dialog
