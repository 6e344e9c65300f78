"""New / Open / Save / Save As / recent files / export for the main window; asks before
discarding unsaved changes."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from designer.model import PipelineError

from .document import Document

__all__ = ["RecentFiles", "ask_open", "open_path", "save", "save_as", "export_script",
           "confirm_discard", "PIPELINE_FILTER"]

PIPELINE_FILTER = "Pipeline files (*.pipeline.json *.json);;All files (*)"
MAX_RECENT = 10


class RecentFiles:
    def __init__(self, settings):
        self.settings = settings

    def paths(self) -> list[str]:
        value = self.settings.value("recent/files", [])
        if isinstance(value, str):
            value = [value]
        return [p for p in (value or []) if Path(p).exists()]

    def add(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        paths = [path] + [p for p in self.paths() if p != path]
        self.settings.setValue("recent/files", paths[:MAX_RECENT])

    def fill_menu(self, menu, open_callback) -> None:
        menu.clear()
        paths = self.paths()
        if not paths:
            menu.addAction("No recent files").setEnabled(False)
        for path in paths:
            menu.addAction(Path(path).name, lambda p=path: open_callback(p)).setToolTip(path)


def confirm_discard(window) -> bool:
    """True when there are no unsaved changes or the user saved or chose to discard them."""
    doc = window.document
    if doc is None or doc.undo_stack.isClean():
        return True
    answer = QMessageBox.question(
        window, "Unsaved changes", f"Save the changes to {doc.display_name}?",
        QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
    if answer == QMessageBox.Save:
        return save(window)
    return answer == QMessageBox.Discard


def ask_open(window) -> None:
    if not confirm_discard(window):
        return
    start = str(window.document.base_dir) if window.document else ""
    path, _ = QFileDialog.getOpenFileName(window, "Open pipeline", start, PIPELINE_FILTER)
    if path:
        open_path(window, path, confirm=False)


def open_path(window, path, confirm: bool = True) -> bool:
    if confirm and not confirm_discard(window):
        return False
    try:
        document = Document.open(path, window.registry)
    except (PipelineError, OSError) as exc:
        QMessageBox.warning(window, "Cannot open", str(exc))
        return False
    window.set_document(document)
    window.recent.add(path)
    window.show_message(f"Opened {path}")
    return True


def save(window) -> bool:
    doc = window.document
    if doc.path is None:
        return save_as(window)
    return _write(window, doc.path)


def save_as(window) -> bool:
    doc = window.document
    suggested = str(doc.path or Path.cwd() / f"{doc.pipeline.name}.pipeline.json")
    path, _ = QFileDialog.getSaveFileName(window, "Save pipeline as", suggested, PIPELINE_FILTER)
    if not path:
        return False
    return _write(window, Path(path))


def _write(window, path: Path) -> bool:
    try:
        window.document.save(path)
    except OSError as exc:
        QMessageBox.warning(window, "Cannot save", f"{path}: {exc.strerror or exc}")
        return False
    window.recent.add(path)
    window._update_title()
    window.show_message(f"Saved {path}")
    return True


def export_script(window) -> None:
    try:
        from designer.export import export_script as export  # landed with the exporter
    except ImportError:
        QMessageBox.information(window, "Export script",
                                "The script exporter is not available in this build yet. "
                                "Use `mlwire export` when it is.")
        return
    doc = window.document
    suggested = str((doc.path.with_suffix("").with_suffix(".py")) if doc.path
                    else Path.cwd() / f"{doc.pipeline.name}.py")
    path, _ = QFileDialog.getSaveFileName(window, "Export script", suggested, "Python (*.py)")
    if path:
        try:
            Path(path).write_text(export(doc.pipeline, doc.base_dir), encoding="utf-8")
        except Exception as exc:
            QMessageBox.warning(window, "Cannot export", str(exc))
            return
        window.show_message(f"Exported {path}")
