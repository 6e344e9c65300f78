"""File → Pipeline History: every saved revision of the open pipeline, and opening one of them."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QLabel,
                               QMessageBox, QTableWidget, QTableWidgetItem, QVBoxLayout)

__all__ = ["HistoryDialog", "open_revision"]


class HistoryDialog(QDialog):
    """The revisions of the window's pipeline, newest first; Open (or double-click) opens one."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        doc = window.document
        self.name = doc.pipeline.name
        self.setWindowTitle(f"History of '{self.name}'")
        self.resize(560, 380)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Revision", "Saved", "Nodes", "Content hash"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self.open_selected)
        note = QLabel("Every Save that changed the pipeline is kept in the project. Opening a "
                      "revision makes an unsaved copy; the saved pipeline stays as it is.")
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.open_button = buttons.addButton("Open Revision", QDialogButtonBox.AcceptRole)
        self.open_button.clicked.connect(self.open_selected)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.revisions = self._load(doc)

    def _load(self, doc) -> list:
        project = doc.link.project() if doc.is_project else None
        if project is None:
            self.table.hide()
            self.open_button.setEnabled(False)
            self.layout().insertWidget(0, QLabel(
                "History is kept for pipelines saved in a project (.mlw). Use Save As… and "
                "choose a project file to start keeping it."))
            return []
        from designer.store import UnknownPipelineError
        try:
            revisions = project.pipelines.revisions(self.name)
        except UnknownPipelineError:
            revisions = []          # never saved under this name yet
        self.table.setRowCount(len(revisions))
        for row, r in enumerate(revisions):
            when = r.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            for col, text in enumerate((str(r.revision), when, str(r.nodes), r.sha256[:12])):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignVCenter | (Qt.AlignRight if col in (0, 2)
                                                         else Qt.AlignLeft))
                self.table.setItem(row, col, item)
        if revisions:
            self.table.selectRow(0)
        self.open_button.setEnabled(bool(revisions))
        return revisions

    def open_selected(self, *_args) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        if open_revision(self.window_, self.name, self.revisions[rows[0].row()].revision):
            self.accept()


def open_revision(window, name: str, number: int) -> bool:
    """Open revision `number` of the project's pipeline `name` as a new, unsaved pipeline."""
    from designer.model import PipelineError, pipeline_from_json
    from . import files
    from .document import Document
    doc = window.document
    project = doc.link.project()
    if project is None or not files.confirm_discard(window):
        return False
    try:
        pipeline = pipeline_from_json(project.pipelines.revision(name, number), window.registry,
                                      source=f"revision {number} of '{name}'")
    except PipelineError as exc:
        QMessageBox.warning(window, "Cannot open the revision", str(exc))
        return False
    pipeline.name = f"{name} (revision {number})"
    window.set_document(Document(pipeline, doc.path, modified=True))
    window.show_message(f"Opened revision {number} of '{name}' as '{pipeline.name}' (not saved "
                        "yet; Save keeps it as a new pipeline).", 15000)
    return True
