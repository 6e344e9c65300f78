"""New / Open / Save / Save As / recent files / examples / export for the main window; asks
before discarding unsaved changes. Projects (`.mlw`) and pipeline files (`.pipeline.json`)."""
from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from designer.model import Pipeline, PipelineError, load_pipeline, pipeline_from_json
from nodes.params import Path as PathParam

from . import paths
from .document import Document, project_pipeline_names
from .project_link import ProjectLink

__all__ = ["RecentFiles", "ask_open", "open_path", "save", "save_as", "export_script",
           "confirm_discard", "new_project", "open_example", "open_run_pipeline",
           "OPEN_FILTER", "SAVE_FILTER"]

OPEN_FILTER = ("MLWire files (*.mlw *.pipeline.json);;Projects (*.mlw);;"
               "Pipeline files (*.pipeline.json *.json);;All files (*)")
SAVE_FILTER = "Project (*.mlw);;Pipeline file (*.pipeline.json)"
MAX_RECENT = 10


def _store_error():
    from designer.store import ProjectError
    return ProjectError


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
        paths_ = [path] + [p for p in self.paths() if p != path]
        self.settings.setValue("recent/files", paths_[:MAX_RECENT])

    def fill_menu(self, menu, open_callback) -> None:
        menu.clear()
        paths_ = self.paths()
        if not paths_:
            menu.addAction("No recent files").setEnabled(False)
        for path in paths_:
            menu.addAction(Path(path).name, lambda p=path: open_callback(p)).setToolTip(path)


def confirm_discard(window) -> bool:
    """True when there are no unsaved changes or the user saved or chose to discard them."""
    doc = window.document
    if doc is None or not doc.modified:
        return True
    answer = QMessageBox.question(
        window, "Unsaved changes", f"Save the changes to {doc.display_name}?",
        QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
    if answer == QMessageBox.Save:
        return save(window)
    return answer == QMessageBox.Discard


def _start_dir(window) -> str:
    doc = window.document
    return str(doc.base_dir) if doc is not None and doc.path is not None else str(Path.home())


def ask_open(window) -> None:
    if not confirm_discard(window):
        return
    path, _ = QFileDialog.getOpenFileName(window, "Open", _start_dir(window), OPEN_FILTER)
    if path:
        open_path(window, path, confirm=False)


def open_path(window, path, confirm: bool = True, pipeline_name: str | None = None) -> bool:
    """Open a pipeline file or a project (asking which pipeline when it holds several)."""
    if confirm and not confirm_discard(window):
        return False
    path = Path(path)
    notices: tuple[str, ...] = ()
    try:
        if path.name.endswith(".mlw"):
            names, notices = project_pipeline_names(path)
            if len(names) > 1 and pipeline_name is None:
                pipeline_name, ok = QInputDialog.getItem(
                    window, "Open pipeline", f"{path.name} holds several pipelines. Open:",
                    names, 0, False)
                if not ok:
                    return False
        document = Document.open(path, window.registry, pipeline_name)
    except (PipelineError, OSError, _store_error()) as exc:
        QMessageBox.warning(window, "Cannot open", str(exc))
        return False
    window.set_document(document)
    window.recent.add(path)
    window.show_message(f"Opened {path}")
    if notices:     # e.g. upgraded from an older file format, with where the backup is
        QMessageBox.information(window, "Project opened", "\n\n".join(notices))
    return True


def new_project(window, path: str | Path | None = None) -> bool:
    """Create a `.mlw` project (asking where) and start its first pipeline."""
    if not confirm_discard(window):
        return False
    if path is None:
        path, _ = QFileDialog.getSaveFileName(window, "New project", str(Path.home() /
                                                                       "project.mlw"),
                                              "Project (*.mlw)")
        if not path:
            return False
    path = Path(path)
    if not path.name.endswith(".mlw"):
        path = path.with_name(path.name + ".mlw")
    if path.exists():
        QMessageBox.warning(window, "New project", f"{path} exists already; open it instead, "
                            "or choose another name.")
        return False
    stem = path.name[: -len(".mlw")]
    document = Document(Pipeline(stem, registry=window.registry), path)
    try:
        document.save()
    except (OSError, _store_error()) as exc:
        document.close()
        QMessageBox.warning(window, "New project", str(exc))
        return False
    window.set_document(document)
    window.recent.add(path)
    window.show_message(f"Created project {path}. Drag nodes from the palette on the left.")
    return True


def save(window) -> bool:
    doc = window.document
    if doc.path is None:
        return save_as(window)
    return _write(window, doc.path)


def save_as(window) -> bool:
    doc = window.document
    if window.runs.running:
        QMessageBox.information(window, "Save As", "A run is in progress; wait for it to finish "
                                "or cancel it, then Save As.")
        return False
    default = doc.path or Path(_start_dir(window)) / f"{doc.pipeline.name}.mlw"
    path, chosen = QFileDialog.getSaveFileName(window, "Save as", str(default), SAVE_FILTER)
    if not path:
        return False
    path = Path(path)
    if not (path.name.endswith(".mlw") or path.name.endswith(".json")):
        path = path.with_name(path.name + (".mlw" if "mlw" in chosen else ".pipeline.json"))
    return _write(window, path)


def _write(window, path: Path) -> bool:
    try:
        done = window.document.save(path)
    except (OSError, _store_error(), ValueError) as exc:
        QMessageBox.warning(window, "Cannot save", f"{path}: {getattr(exc, 'strerror', None) or exc}")
        return False
    window.recent.add(path)
    window.document_saved()
    window.show_message(done)
    return True


def open_example(window, example: str | Path) -> bool:
    """Copy a bundled example (and the data files it reads) to the examples workspace in the
    user data dir, then open the copy: it runs at once and its runs are recorded beside it."""
    if not confirm_discard(window):
        return False
    example = Path(example)
    target_dir = paths.examples_workspace()
    target = target_dir / example.name
    if not target.exists():
        try:
            for data_file in _data_files(example, window.registry):
                if not (target_dir / data_file.name).exists():
                    shutil.copy2(data_file, target_dir / data_file.name)
            shutil.copy2(example, target)
        except (OSError, PipelineError) as exc:
            QMessageBox.warning(window, "Cannot open the example", str(exc))
            return False
    if not open_path(window, target, confirm=False):
        return False
    window.show_message(f"Opened the example {example.name} (a copy in {target_dir}). "
                        "Press Run (F5).", 15000)
    window.runs.controller.warm_up(window.document)
    return True


def _data_files(pipeline_file: Path, registry) -> list[Path]:
    """Relative file paths the example's nodes read, resolved beside the example."""
    pipeline = load_pipeline(pipeline_file, registry)
    found = []
    for node in pipeline.nodes:
        for param in pipeline.node_type(node.id).params:
            value = node.params.get(param.name)
            if isinstance(param, PathParam) and isinstance(value, str) and value:
                candidate = pipeline_file.parent / value
                if not Path(value).is_absolute() and candidate.is_file():
                    found.append(candidate)
    return found


def open_run_pipeline(window, run_id: str) -> bool:
    """Open the pipeline a past run ran, as a new editable pipeline 'cloned from run N'."""
    doc = window.document
    project = doc.link.project()
    if project is None:
        return False
    run = project.runs.get(run_id)
    number = window.runs_panel.number(run_id)
    if not confirm_discard(window):
        return False
    try:
        pipeline = pipeline_from_json(run.pipeline, window.registry, source=f"run {number}")
    except PipelineError as exc:
        QMessageBox.warning(window, "Cannot open the run's pipeline", str(exc))
        return False
    pipeline.name = f"{run.pipeline_name} (from run {number})"
    if doc.is_project:   # a new pipeline in the same project; Save stores it there
        clone = Document(pipeline, doc.path, modified=True)
    else:                # runs stay recorded in the same project; Save asks for a file
        if doc.link.scratch:    # the unsaved pipeline's runs move on with the clone
            link, doc.link = doc.link, None
        else:
            link = ProjectLink(doc.link.path)
        clone = Document(pipeline, link=link, base_dir=doc.base_dir, modified=True)
    window.set_document(clone)
    window.show_message(f"Opened the pipeline of run {number} as '{pipeline.name}' "
                        "(not saved yet).", 15000)
    return True


def export_script(window) -> None:
    from designer.export import ExportError, export_script as export
    doc = window.document
    stem = doc.pipeline.name.replace(" ", "_")
    suggested = str(Path(_start_dir(window)) / f"{stem}.py")
    path, _ = QFileDialog.getSaveFileName(window, "Export script", suggested, "Python (*.py)")
    if not path:
        return
    try:
        source = export(doc.pipeline, doc.base_dir, Path(path))
        Path(path).write_text(source, encoding="utf-8")
    except (ExportError, PipelineError, OSError) as exc:
        QMessageBox.warning(window, "Cannot export", str(exc))
        return
    window.show_message(f"Exported {path}: run it with `python {Path(path).name}`", 15000)
