"""The Serve dialog: a registered model on a local REST endpoint, a test form, copyable snippets.

    ServeDialog(project_path, "churn:3")     # or "churn@champion"; starts serving at once

The server is designer.serving.process.ServerProcess (a child process on 127.0.0.1, a free
port). Starting, stopping and each test request run on a worker thread, so the window never
waits. Every server the GUI starts is tracked: closing the dialog, pressing Stop,
live_servers.stop_all_servers() (called when the app quits and when the main window closes)
stop it, so no server outlives the designer.
"""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QProgressBar,
                               QPushButton, QScrollArea, QSplitter, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)

from .live_servers import forget, halt, live_servers, stop_all_servers, track
from .workers import Cancelled, Task

__all__ = ["ServeDialog", "stop_all_servers", "live_servers"]

START_TIMEOUT = 180.0           # seconds; a busy laptop can take a while to import scikit-learn
_STATE_COLOURS = {"starting": "#2f6fed", "serving": "#2fa85a", "stopping": "#f08c2e",
                  "stopped": "#b8c0cc", "failed": "#e5484d"}


# -- the dialog ------------------------------------------------------------------------------
class ServeDialog(QDialog):
    """Serves one registered model while open; see the module docstring."""

    def __init__(self, project_path, model_ref: str, parent=None):
        super().__init__(parent)
        self.project_path = Path(project_path)
        self.model_ref = model_ref
        self.server = None              # the current ServerProcess
        self.state = "stopped"
        self.schema: dict | None = None
        self.last_answer: dict | None = None
        self.form = None
        self._example: dict | None = None
        self._tasks: list[Task] = []
        self._start_task: Task | None = None
        track(dialog=self)
        self.setWindowTitle(f"Serve {model_ref} — MLWire")
        self._build()
        self.resize(1020, 640)
        self.start()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel(f"Model <b>{self.model_ref}</b>")
        self.heading.setProperty("role", "heading")
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.status.setWordWrap(True)
        self.busy = QProgressBar(maximum=0, maximumWidth=90, textVisible=False)
        self.log_button = QPushButton("Server log…")
        self.log_button.setToolTip("What the server process wrote (start-up, warnings, errors)")
        self.log_button.clicked.connect(self.show_log)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.stop)
        self.restart_button = QPushButton("Restart")
        self.restart_button.setToolTip("Stop and start again: serves the registry's version as "
                                       "it is now (e.g. after moving an alias)")
        self.restart_button.clicked.connect(self.restart)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        for w in (self.busy, self.log_button, self.stop_button, self.restart_button):
            top.addWidget(w)

        self.url = QLineEdit(readOnly=True, placeholderText="(not serving)")
        self.copy_url = QPushButton("Copy URL")
        self.copy_url.clicked.connect(lambda: self._copy(self.url.text()))
        self.docs_link = QLabel()
        self.docs_link.setOpenExternalLinks(True)
        url_row = QHBoxLayout()
        url_row.addWidget(QLabel("URL"))
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.copy_url)
        url_row.addWidget(self.docs_link)

        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self._build_test_side())
        splitter.addWidget(self._build_code_side())
        splitter.setSizes([520, 500])

        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        note = QLabel("Closing this window stops the server.")
        note.setProperty("role", "muted")
        bottom = QHBoxLayout()
        bottom.addWidget(note, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addLayout(url_row)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

    def _build_test_side(self) -> QWidget:
        box = QGroupBox("Test the model: one row")
        self.form_hint = QLabel()
        self.form_hint.setProperty("role", "muted")
        self.form_hint.setWordWrap(True)
        self.form_area = QScrollArea(widgetResizable=True)
        self.form_area.setFrameShape(QScrollArea.NoFrame)
        self.predict_button = QPushButton("Predict")
        self.predict_button.setDefault(True)
        self.predict_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.predict_button.setToolTip("POST the row to /predict (Ctrl+Enter)")
        self.predict_button.clicked.connect(self.predict)
        self.reset_button = QPushButton("Reset row")
        self.reset_button.clicked.connect(self.reset_row)
        row = QHBoxLayout()
        row.addWidget(self.predict_button)
        row.addWidget(self.reset_button)
        row.addStretch(1)
        self.prediction = QLabel()
        self.prediction.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.prediction.setStyleSheet("font-size: 15px;")
        self.answer_note = QLabel(wordWrap=True)
        self.answer_note.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.probabilities = QTableWidget(0, 2)
        self.probabilities.setHorizontalHeaderLabels(["class", "probability"])
        self.probabilities.verticalHeader().hide()
        self.probabilities.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.probabilities.setEditTriggers(QTableWidget.NoEditTriggers)
        self.probabilities.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.probabilities.hide()
        layout = QVBoxLayout(box)
        layout.addWidget(self.form_hint)
        layout.addWidget(self.form_area, 1)
        layout.addLayout(row)
        layout.addWidget(self.prediction)
        layout.addWidget(self.probabilities)
        layout.addWidget(self.answer_note)
        return box

    def _build_code_side(self) -> QWidget:
        box = QGroupBox("Call it from code")
        hint = QLabel("These send the row in the form. Paste them into a terminal or a script "
                      "while the server runs.")
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        fixed = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        self.curl_text = QPlainTextEdit(readOnly=True)
        self.python_text = QPlainTextEdit(readOnly=True)
        for text in (self.curl_text, self.python_text):
            text.setFont(fixed)
            text.setLineWrapMode(QPlainTextEdit.WidgetWidth)    # copies stay single lines
        self.snippet_tabs = QTabWidget()
        self.snippet_tabs.addTab(self.curl_text, "curl")
        self.snippet_tabs.addTab(self.python_text, "Python")
        self.copy_snippet = QPushButton("Copy snippet")
        self.copy_snippet.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_snippet.setToolTip("Copy the snippet shown (Ctrl+Shift+C)")
        self.copy_snippet.clicked.connect(
            lambda: self._copy(self.snippet_tabs.currentWidget().toPlainText()))
        layout = QVBoxLayout(box)
        layout.addWidget(hint)
        layout.addWidget(self.snippet_tabs, 1)
        layout.addWidget(self.copy_snippet, 0, Qt.AlignRight)
        return box

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        """Start serving (on a worker thread); the status says when it answers."""
        if self.state in ("starting", "serving", "stopping"):
            return
        if self.server is not None:
            forget(self.server)
        self._set_state("starting")
        # pandas and FastAPI are imported on a worker thread first: the window never waits
        self._start_task = self._run(_preload, ok=self._launch, failed=self._on_start_failed)

    def _launch(self, _=None) -> None:
        if self.state != "starting":        # stopped or closed meanwhile
            return
        from designer.serving.process import ServerProcess
        try:
            self.server = ServerProcess(self.project_path, self.model_ref, port=0)
        except Exception as exc:
            self._set_state("failed", str(exc))
            return
        self._start_task = self._run(_start_server, self.server, self.project_path,
                                     ok=self._on_started, failed=self._on_start_failed,
                                     server=self.server)

    def stop(self) -> None:
        if self.state in ("stopped", "stopping"):
            return
        if self.server is None:             # still importing: nothing runs yet
            self._set_state("stopped")
            return
        if self.state == "starting" and self._start_task is not None:
            self._start_task.cancel()       # it stops the child itself once spawned
        self._set_state("stopping")
        self._run(self.server.stop, ok=self._on_stopped, failed=self._on_stopped)

    def restart(self) -> None:
        if self.state == "stopping":
            return
        server = self.server
        self._set_state("starting", "Restarting…")

        def again(task=None):
            if server is not None:
                server.stop()
            if task is not None and task.cancel_requested:
                raise Cancelled()
        self._run(again, ok=self._after_restart_stop, failed=self._on_start_failed)

    def _after_restart_stop(self, _=None) -> None:
        if self.state != "starting":        # Stop or Close came in between
            return
        self.state = "stopped"
        self.start()

    def shutdown(self) -> None:
        """Stop the server now and wait for this dialog's threads (close, app quit)."""
        tasks, self._tasks = [t for t in self._tasks if t.isRunning()], []
        servers = [self.server] if self.server is not None else []
        halt(servers, tasks)
        if self.state != "stopped":
            self._set_state("stopped")

    def done(self, result: int) -> None:      # Close, Escape and the window's X all end here
        self.shutdown()
        super().done(result)

    def _run(self, fn, *args, ok, failed, server=None) -> Task:
        task = Task(fn, *args)
        task.succeeded.connect(ok)
        task.failed.connect(failed)
        self._tasks = [t for t in self._tasks if t.isRunning()] + [task]
        track(server=server, task=task)
        task.start()
        return task

    def _on_started(self, result) -> None:
        url, schema, example = result
        if self.state != "starting":
            return
        self.schema = schema
        self._example = example
        self.heading.setText(_heading(schema))
        self.url.setText(url)
        self.docs_link.setText(f"<a href='{url}/docs'>API docs</a>")
        self.docs_link.setToolTip(f"{url}/docs: the OpenAPI page, to try requests in a browser")
        self._build_form(schema, example)
        self._set_state("serving")
        self.predict_button.setFocus()

    def _on_start_failed(self, message: str, details: str = "") -> None:
        if self.state in ("stopping", "stopped"):     # stopped while starting: nothing to report
            return
        self._set_state("failed", message)

    def _on_stopped(self, *_) -> None:
        if self.state == "stopping":
            self._set_state("stopped")

    def _set_state(self, state: str, message: str = "") -> None:
        self.state = state
        ref = (self.server.model_ref if self.server is not None and self.server.model_ref
               else self.model_ref)
        text = {
            "starting": message or f"Starting a server for {self.model_ref} (loading the model "
                                   "in its own process)…",
            "serving": f"Serving {ref} on this machine only (127.0.0.1). POST /predict, "
                       "GET /schema, GET /health.",
            "stopping": "Stopping the server…",
            "stopped": "Stopped. Press Restart to serve again.",
            "failed": _first_lines(message) + (" Server log… has the details." if
                                               self.server is not None and
                                               self.server.log().strip() else "")
                      + " Restart tries again.",
        }[state]
        colour = _STATE_COLOURS[state]
        self.status.setText(f"<span style='color:{colour}'>●</span> {_escape(text)}")
        self.status.setProperty("role", "error" if state == "failed" else "")
        self.status.style().polish(self.status)
        self.busy.setVisible(state in ("starting", "stopping"))
        serving = state == "serving"
        self.stop_button.setEnabled(state in ("starting", "serving"))
        self.restart_button.setEnabled(state in ("serving", "stopped", "failed"))
        self.predict_button.setEnabled(serving and self.form is not None)
        self.reset_button.setEnabled(self.form is not None)
        if self.form is None:
            self.form_hint.setText("The test form appears here once the server answers: one "
                                   "field per input column of the model.")
        self.copy_url.setEnabled(serving)
        self.log_button.setEnabled(self.server is not None)
        if not serving:
            self.url.clear()
            self.docs_link.clear()
        self._update_snippets()

    # -- the test form ---------------------------------------------------------------------------
    def _build_form(self, schema: dict, example) -> None:
        from designer.serving.snippets import form_fields
        from .serve_form import RowForm
        fields = form_fields(schema)
        if self.form is not None:
            self.form.deleteLater()
        self.form = RowForm(fields)
        self.form.changed.connect(self._update_snippets)
        self.form_area.setWidget(self.form)
        if example is not None:
            self.form.set_row(example[0])
            self.form_hint.setText(f"Prefilled with a row of {example[1]}, the data this "
                                   "model's run read. Edit any value, then Predict.")
        else:
            self.form_hint.setText("Prefilled with an example row (zeros and first "
                                   "categories). Edit any value, then Predict.")
        self._update_snippets()

    def reset_row(self) -> None:
        if self.form is None:
            return
        from designer.serving.snippets import example_row
        self.form.set_row(self._example[0] if self._example else example_row(self.schema))

    def current_row(self) -> dict | None:
        return self.form.row() if self.form is not None else None

    def predict(self) -> None:
        if self.state != "serving" or self.form is None:
            return
        problems = self.form.problems()
        if problems:
            self._show_error("\n".join(problems))
            return
        self.predict_button.setEnabled(False)
        self._run(self.server.predict, [self.form.row()], ok=self._on_answer,
                  failed=self._on_predict_failed)

    def _on_answer(self, result) -> None:
        status, body = result
        self.predict_button.setEnabled(self.state == "serving")
        self.last_answer = body
        if status != 200:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            self._show_error(f"HTTP {status} ({error.get('rule', 'error')}): "
                             f"{error.get('message', body)}")
            return
        prediction = body["predictions"][0]
        self.prediction.setText(f"Prediction: <b>{_escape(str(prediction))}</b>")
        probabilities = (body.get("probabilities") or [None])[0]
        self._show_probabilities(probabilities, prediction)
        warnings = body.get("warnings") or []
        self.answer_note.setProperty("role", "muted")
        self.answer_note.style().polish(self.answer_note)
        self.answer_note.setText("\n".join(f"Note: {w.get('message', w)}" for w in warnings)
                                 or f"HTTP 200 from {body.get('model', self.model_ref)}.")

    def _on_predict_failed(self, message: str, details: str = "") -> None:
        self.predict_button.setEnabled(self.state == "serving")
        self._show_error(f"The request failed: {message}")

    def _show_error(self, text: str) -> None:
        self.prediction.setText("Prediction: –")
        self.probabilities.hide()
        self.answer_note.setProperty("role", "error")
        self.answer_note.style().polish(self.answer_note)
        self.answer_note.setText(text)

    def _show_probabilities(self, probabilities: dict | None, prediction) -> None:
        if not probabilities:
            self.probabilities.hide()
            return
        self.probabilities.setRowCount(len(probabilities))
        for i, (cls, p) in enumerate(probabilities.items()):
            name = QTableWidgetItem(str(cls))
            if str(cls) == str(prediction):
                font = name.font()
                font.setBold(True)
                name.setFont(font)
            self.probabilities.setItem(i, 0, name)
            self.probabilities.setItem(i, 1, QTableWidgetItem(f"{p:.4f}"))
            bar = QProgressBar(maximum=1000, value=round(p * 1000), format=f"{p:.4f}")
            self.probabilities.setCellWidget(i, 1, bar)
        shown = min(len(probabilities), 6)         # more classes scroll
        self.probabilities.setFixedHeight(
            self.probabilities.horizontalHeader().height() + 2 * self.probabilities.frameWidth()
            + sum(self.probabilities.rowHeight(i) for i in range(shown)))
        self.probabilities.show()

    def _update_snippets(self) -> None:
        from designer.serving.snippets import curl_snippet, python_snippet
        url, row = self.url.text(), self.current_row()
        if self.state != "serving" or not url or row is None:
            waiting = "(the snippets appear once the server is serving)"
            self.curl_text.setPlainText(waiting)
            self.python_text.setPlainText(waiting)
            self.copy_snippet.setEnabled(False)
            return
        token = self.server.token if self.server is not None else None
        self.curl_text.setPlainText(curl_snippet(url, row, token))
        self.python_text.setPlainText(python_snippet(url, row, token))
        self.copy_snippet.setEnabled(True)

    # -- helpers -------------------------------------------------------------------------------
    def show_log(self) -> None:
        text = self.server.log() if self.server is not None else ""
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Server log: {self.model_ref} — MLWire")
        view = QPlainTextEdit(text or "(the server has written nothing yet)", readOnly=True)
        view.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        view.setLineWrapMode(QPlainTextEdit.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(view, 1)
        layout.addWidget(buttons)
        dialog.resize(820, 420)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()
        self.log_dialog = dialog

    def _copy(self, text: str) -> None:
        if text:
            QGuiApplication.clipboard().setText(text)


def _preload() -> None:
    import designer.serving.process  # noqa: F401  (pandas, numpy)
    import designer.serving.snippets  # noqa: F401  (FastAPI, for the form's example row)


def _start_server(server, project_path, task=None):
    """On a worker thread: start, read the schema, find a real example row."""
    url = server.start(timeout=START_TIMEOUT)
    if task is not None and task.cancel_requested:     # closed while starting
        server.stop()
        raise Cancelled()
    schema = server.schema()
    try:
        from .serve_form import training_row
        example = training_row(project_path, server.model_ref or server.model, schema)
    except Exception:           # no training data to offer: the form starts from zeros
        example = None
    return url, schema, example


def _heading(schema: dict) -> str:
    what = schema.get("task") or "model"
    if schema.get("label"):
        what += f" of <b>{_escape(str(schema['label']))}</b>"
    if schema.get("classes"):
        what += " (" + ", ".join(_escape(str(c)) for c in schema["classes"][:8]) + \
            (", …" if len(schema["classes"]) > 8 else "") + ")"
    return f"Model <b>{_escape(str(schema.get('model')))}</b> — {what}"


def _first_lines(text: str, limit: int = 400) -> str:
    text = re.sub(r"\.\.(\s|$)", r".\1", (text or "").strip())     # "...VERSION`.." -> one dot
    text = text if len(text) <= limit else text[:limit].rstrip() + "…"
    return text if text.endswith((".", "…")) else text + "."


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
