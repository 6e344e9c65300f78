"""The "Register model" dialog: a recorded run's Model output becomes a new version of a named
model in the project's registry, with a description and an optional alias such as `champion`."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLineEdit, QVBoxLayout)

__all__ = ["RegisterDialog", "registration_error", "WARNING_STYLE"]

# Readable on the light and the dark theme alike: it sets both colours.
WARNING_STYLE = ("QLabel { background: #fff4d6; color: #5c4400; border: 1px solid #e8a317; "
                 "padding: 6px; }")


def registration_error(exc: Exception) -> str | None:
    """The message of an error a person can act on (bad name, no model file, unsafe file), else
    None (a bug: let it surface)."""
    from designer.artifacts import UnsafeModelError
    from designer.store import ProjectError
    if isinstance(exc, UnsafeModelError):
        return f"The model file was refused, so nothing was registered: {exc}"
    if isinstance(exc, ProjectError):
        return str(exc)
    return None


class RegisterDialog(QDialog):
    """Register the model of (run, node, port). `runs`: [(run id, caption)] to choose from,
    newest first; with `node_id` given the run and node are fixed (from the Output tab)."""

    registered = Signal(object)     # designer.store.ModelVersionInfo

    def __init__(self, project, runs: list[tuple[str, str]], run_id: str | None = None,
                 node_id: str | None = None, port: str | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Register model")
        self.project = project
        self.version = None             # the registered ModelVersionInfo, once done
        self._fixed = node_id is not None
        intro = QLabel("A registered model is the inference pipeline of a run's Model output "
                       "(the fitted preprocessing plus the estimator, taking raw rows), kept as "
                       "a new version of a named model. Its run and pipeline stay linked.")
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        self.run_box = QComboBox()
        for rid, caption in runs:
            self.run_box.addItem(caption, rid)
        if run_id is not None and self.run_box.findData(run_id) < 0:
            self.run_box.insertItem(0, f"run {run_id}", run_id)
        if run_id is not None:
            self.run_box.setCurrentIndex(self.run_box.findData(run_id))
        self.run_box.setEnabled(not self._fixed)
        self.node_box = QComboBox()
        self.node_box.setEnabled(not self._fixed)
        self.name_box = QComboBox()
        self.name_box.setEditable(True)
        self.name_box.setInsertPolicy(QComboBox.NoInsert)
        self.name_box.addItems([m.name for m in project.registry.models()])
        self.name_box.setCurrentIndex(-1)
        self.name_box.lineEdit().setPlaceholderText("a new name, or an existing model's")
        self.name_box.setToolTip("An existing name adds a new version to that model; a new name "
                                 "starts a model at version 1.")
        self.description = QLineEdit()
        self.description.setPlaceholderText("what it is, what it was trained on (optional)")
        self.alias = QLineEdit()
        self.alias.setPlaceholderText("e.g. champion (optional)")
        self.alias.setToolTip("An alias names one version (serve it as NAME@ALIAS); setting it "
                              "here moves it from the version it pointed at before.")
        form = QFormLayout()
        form.addRow("Run:", self.run_box)
        form.addRow("Model output:", self.node_box)
        form.addRow("Model name:", self.name_box)
        form.addRow("Description:", self.description)
        form.addRow("Alias:", self.alias)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.register_button = self.buttons.button(QDialogButtonBox.Ok)
        self.register_button.setText("Register")
        self.buttons.accepted.connect(self.register)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.register)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())
        self.run_box.currentIndexChanged.connect(self._fill_nodes)
        self._fill_nodes(node_id=node_id, port=port)
        self.name_box.setFocus()

    # -- choices -----------------------------------------------------------------------------
    def _fill_nodes(self, *_args, node_id: str | None = None, port: str | None = None) -> None:
        self.node_box.clear()
        run_id = self.run_box.currentData()
        if self._fixed:
            self.node_box.addItem(f"{node_id} · {port}", (node_id, port))
        elif run_id is not None:
            for artifact in self.project.artifacts.of_run(run_id):
                self.node_box.addItem(f"{artifact.node_id} · {artifact.port}",
                                      (artifact.node_id, artifact.port))
        empty = self.node_box.count() == 0
        self.register_button.setEnabled(not empty)
        if empty:
            self._say("error", "This run kept no model file: run a pipeline with a Train Model "
                      "node (or Tune / AutoML) first, then register its Model output."
                      if run_id is not None else "No recorded runs yet: run the pipeline first.")
        else:
            self.message.hide()

    def add_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()

    def select_name(self, name: str) -> None:
        self.name_box.setEditText(name)

    # -- registering ---------------------------------------------------------------------------
    def register(self) -> bool:
        """Register with what the form says; errors stay in the dialog, nothing half-done."""
        from designer.store.registry import check_alias, check_model_name
        if self.version is not None:         # registered already: the button now closes
            self.accept()
            return True
        choice = self.node_box.currentData()
        if choice is None:
            return False
        node_id, port = choice
        name, alias = self.name_box.currentText().strip(), self.alias.text().strip()
        try:
            check_model_name(name)           # both checked before anything is written
            if alias:
                check_alias(alias)
            version = self.project.registry.register(
                self.run_box.currentData(), node_id, name, port=port,
                description=self.description.text().strip())
            if alias:   # the aliased version as stored now, with registration's note
                version = replace(self.project.registry.set_alias(name, alias, version.version),
                                  inference_note=version.inference_note)
        except Exception as exc:
            text = registration_error(exc)
            if text is None:
                raise
            self._say("error", text)
            return False
        self.version = version
        self.registered.emit(version)
        done = f"Registered {version.ref}" + (f" as {name}@{alias}" if alias else "") + "."
        if not version.inference_note:
            self.accept()
            return True
        # Registered, with something the person must know before serving it: keep it shown.
        self._say("warning", f"{done}\n\n{version.inference_note}")
        for widget in (self.run_box, self.node_box, self.name_box, self.description, self.alias):
            widget.setEnabled(False)
        self.register_button.setText("Close")
        self.buttons.button(QDialogButtonBox.Cancel).hide()
        return True

    def _say(self, kind: str, text: str) -> None:
        self.message.setProperty("role", "error" if kind == "error" else "")
        self.message.setStyleSheet("" if kind == "error" else WARNING_STYLE)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.show()
