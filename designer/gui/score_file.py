"""Score a file: a CSV or Parquet file scored in batch by a registered model, off the GUI thread.

    ScoreFileDialog(project_path, "churn:3")    # or "churn@champion"

The work is designer.serving.batch.score_file (what `mlwire predict` runs): chunked, checked
against the model's input schema, written to a partial file renamed into place at the end. The
dialog adds a progress bar and Cancel (the partial file is removed); a malformed row is reported
with its line number, as on the command line.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QDialog, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QProgressBar, QPushButton, QVBoxLayout)

from .workers import Task

__all__ = ["ScoreFileDialog", "default_output"]

FILE_FILTER = "Tables (*.csv *.parquet *.pq);;CSV (*.csv);;Parquet (*.parquet *.pq)"
GUI_CHUNK_ROWS = 20_000     # smaller than the CLI's 50,000: the progress bar moves more often


def default_output(source: Path) -> Path:
    """customers.csv -> customers.scored.csv, beside it."""
    return source.with_name(f"{source.stem}.scored{source.suffix.lower() or '.csv'}")


def _score(project_path, model_ref, source, target, chunk_rows, task=None):
    """On a worker thread: load the model, then score chunk by chunk (Cancel checked per chunk)."""
    from designer.serving.batch import score_file
    from designer.serving.server import prepare
    task.report(0.0, 0)
    prepared = prepare(project_path, model_ref)
    task.report(0.0, 0)
    result = score_file(prepared.model.pipeline, prepared.schema, source, target,
                        chunk_rows=chunk_rows, progress=task.report)
    return prepared.info.ref, result


class ScoreFileDialog(QDialog):
    def __init__(self, project_path, model_ref: str, parent=None):
        super().__init__(parent)
        self.project_path = Path(project_path)
        self.model_ref = model_ref
        self.chunk_rows = GUI_CHUNK_ROWS
        self.task: Task | None = None
        self.result = None              # the BatchResult of the last successful run
        self._output_edited = False
        self._busy = False
        self.setWindowTitle(f"Score a file with {model_ref} — MLWire")
        self._build()
        self.resize(720, 300)

    def _build(self) -> None:
        heading = QLabel(f"Score a file with <b>{self.model_ref}</b>")
        heading.setProperty("role", "heading")
        hint = QLabel("Every row of a CSV or Parquet file is checked against the model's input "
                      "columns and scored. The output holds the input's columns, then "
                      "<code>scored_label</code> and, for classifiers, one "
                      "<code>scored_probability_&lt;class&gt;</code> per class.")
        hint.setWordWrap(True)
        hint.setProperty("role", "muted")
        self.input = QLineEdit(placeholderText="customers.csv or .parquet")
        self.input.textEdited.connect(self._input_changed)
        self.output = QLineEdit(placeholderText="where to write the scored rows")
        self.output.textEdited.connect(self._output_typed)
        browse_in = QPushButton("Browse…")
        browse_in.clicked.connect(self.browse_input)
        browse_out = QPushButton("Browse…")
        browse_out.clicked.connect(self.browse_output)
        grid = QGridLayout()
        grid.addWidget(QLabel("Input file"), 0, 0)
        grid.addWidget(self.input, 0, 1)
        grid.addWidget(browse_in, 0, 2)
        grid.addWidget(QLabel("Output file"), 1, 0)
        grid.addWidget(self.output, 1, 1)
        grid.addWidget(browse_out, 1, 2)

        self.progress = QProgressBar(maximum=1000, value=0)
        self.progress.setFormat("")
        self.status = QLabel(wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.open_folder = QPushButton("Open output folder")
        self.open_folder.setEnabled(False)
        self.open_folder.clicked.connect(self.open_output_folder)
        self.score_button = QPushButton("Score")
        self.score_button.setDefault(True)
        self.score_button.clicked.connect(self.score)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.setShortcut("Esc")
        self.cancel_button.clicked.connect(self.cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder)
        buttons.addStretch(1)
        buttons.addWidget(self.score_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addLayout(grid)
        layout.addWidget(self.progress)
        layout.addWidget(self.status, 1)
        layout.addLayout(buttons)

    # -- choosing files --------------------------------------------------------------------------
    def set_input(self, path) -> None:
        self.input.setText(str(path))
        self._input_changed(str(path))

    def set_output(self, path) -> None:
        self.output.setText(str(path))
        self._output_edited = True

    def _input_changed(self, text: str) -> None:
        if text.strip() and not self._output_edited:
            self.output.setText(str(default_output(Path(text.strip()))))

    def _output_typed(self, _text: str) -> None:
        self._output_edited = True

    def browse_input(self) -> None:
        start = self.input.text() or str(self.project_path.parent)
        path, _ = QFileDialog.getOpenFileName(self, "File to score", start, FILE_FILTER)
        if path:
            self.set_input(path)

    def browse_output(self) -> None:
        start = self.output.text() or str(self.project_path.parent)
        path, _ = QFileDialog.getSaveFileName(self, "Write the scored rows to", start, FILE_FILTER)
        if path:
            self.set_output(path)

    # -- scoring ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """From Score until the outcome is shown (the thread itself may have ended just before)."""
        return self._busy

    def score(self) -> None:
        if self.running:
            return
        source, target = self.input.text().strip(), self.output.text().strip()
        if not source or not target:
            self._say("Choose an input file and an output file first.", error=True)
            return
        if Path(target).exists() and not self._confirm_overwrite(Path(target)):
            return
        self.result = None
        self.open_folder.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setFormat("loading the model…")
        self._say(f"Scoring {Path(source).name}…")
        self.task = Task(_score, self.project_path, self.model_ref, Path(source), Path(target),
                         self.chunk_rows)
        self.task.progress.connect(self._on_progress)
        self.task.succeeded.connect(self._on_done)
        self.task.failed.connect(self._on_failed)
        self.task.cancelled.connect(self._on_cancelled)
        self.task.finished.connect(self._on_finished)
        self._set_running(True)
        self.task.start()

    def _confirm_overwrite(self, target: Path) -> bool:
        answer = QMessageBox.question(self, "Replace the file?",
                                      f"'{target.name}' exists. Replace it with the scored rows?")
        return answer == QMessageBox.Yes

    def cancel_or_close(self) -> None:
        if self.running:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self._say("Cancelling after the current chunk…")
        else:
            self.reject()

    def _on_progress(self, fraction: float, rows: int) -> None:
        if rows or fraction:
            self.progress.setValue(round(fraction * 1000))
            self.progress.setFormat(f"{fraction:.0%}  {rows:,} rows")

    def _on_done(self, outcome) -> None:
        ref, result = outcome
        self.result = result
        self.progress.setValue(1000)
        self.progress.setFormat(f"100%  {result.rows:,} rows")
        lines = [f"Scored {result.rows:,} rows with {ref} in {result.seconds:.2f} s "
                 f"({result.rows_per_second:,.0f} rows/s) → {result.output}"]
        for note in result.warnings[:5]:
            lines.append(f"Note: line {note.get('line')}, column '{note.get('column')}': "
                         f"{note.get('message')}")
        if result.warning_count > 5:
            lines.append(f"… {result.warning_count} unknown-category values in all.")
        self._say("\n".join(lines))
        self.open_folder.setEnabled(True)

    def _on_failed(self, message: str, details: str) -> None:
        self.progress.setValue(0)
        self.progress.setFormat("")
        self._say(f"Nothing was written. {message}", error=True)

    def _on_cancelled(self) -> None:
        self.progress.setFormat("cancelled")
        self._say("Cancelled: nothing was written.")

    def _on_finished(self) -> None:
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self._busy = running
        self.score_button.setEnabled(not running)
        self.input.setEnabled(not running)
        self.output.setEnabled(not running)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel" if running else "Close")

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setProperty("role", "error" if error else "")
        self.status.style().polish(self.status)
        self.status.setText(text)

    def open_output_folder(self) -> None:
        if self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.result.output).parent)))

    def done(self, result: int) -> None:      # closing while scoring: stop it, keep no partial
        if self.task is not None and self.task.isRunning():
            self.task.cancel()
            self.task.wait()
        super().done(result)
