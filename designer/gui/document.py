"""One open pipeline: the model, its file (a `.pipeline.json` or a pipeline inside a `.mlw`
project), the project its runs are recorded in, its undo stack and scene, and the edits the
window's actions make on it (add, delete, copy/paste, duplicate, auto-layout)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtGui import QUndoStack

from designer.model import Node, Pipeline, load_pipeline, pipeline_from_json, save_pipeline

from . import clipboard, commands
from .canvas.layout import layered_positions
from .canvas.node_item import BODY, NODE_WIDTH
from .canvas.scene import PipelineScene
from .project_link import ProjectLink, is_project_file, project_beside

__all__ = ["Document", "project_pipeline_names"]


def project_pipeline_names(path: str | Path) -> tuple[list[str], tuple[str, ...]]:
    """(the pipelines saved in a project file, to ask which one to open; the project's notices).

    Not read-only: a project from an older MLWire is upgraded here (a backup copy is kept), and
    the notices say so, for the window to tell the user."""
    from designer.store import Project
    with Project.open(path) as project:
        return project.pipelines.names(), project.notices


class Document(QObject):
    changed = Signal()                 # any model change (for live checking)
    modified_changed = Signal(bool)    # unsaved changes appeared or were saved

    def __init__(self, pipeline: Pipeline | None = None, path: str | Path | None = None,
                 parent=None, *, link: ProjectLink | None = None,
                 base_dir: str | Path | None = None, modified: bool = False):
        super().__init__(parent)
        self.pipeline = pipeline if pipeline is not None else Pipeline()
        self.path = Path(path) if path else None
        self._base_dir = Path(base_dir) if base_dir else None
        self.link = link or self._link_for(self.path)
        self.undo_stack = QUndoStack(self)
        self._dirty = modified        # unsaved without any undoable edit (a restore, a clone)
        self._closed = False
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        if any(n.position is None for n in self.pipeline.nodes):
            self._place_unpositioned()
        self.scene = PipelineScene(self.pipeline, self.undo_stack)
        self._unsubscribe = self.pipeline.events.subscribe(lambda event: self.changed.emit())

    @staticmethod
    def _link_for(path: Path | None) -> ProjectLink:
        if path is None:
            return ProjectLink(None)
        return ProjectLink(path if is_project_file(path) else project_beside(path))

    @classmethod
    def open(cls, path: str | Path, registry=None, pipeline_name: str | None = None) -> "Document":
        """A pipeline file, or one pipeline of a project file (the only one, or `pipeline_name`)."""
        path = Path(path)
        if not is_project_file(path):
            return cls(load_pipeline(path, registry), path)
        link = ProjectLink(path)
        try:
            project = link.project()
            if project is None:
                from designer.store import ProjectError
                raise ProjectError(f"There is no project file at '{path}'.")
            names = project.pipelines.names()
            if pipeline_name is None and len(names) > 1:
                raise ValueError(f"{path.name} holds {len(names)} pipelines; choose one.")
            if pipeline_name is None and names:
                pipeline_name = names[0]
            if pipeline_name is None:    # an empty project: start its first pipeline
                pipeline = Pipeline(path.name[: -len(".mlw")], registry=registry)
            else:
                pipeline = pipeline_from_json(project.pipelines.get(pipeline_name), registry,
                                              source=f"{path} (pipeline '{pipeline_name}')")
        except BaseException:
            link.close()
            raise
        return cls(pipeline, path, link=link)

    # -- what it is -------------------------------------------------------------------------
    @property
    def is_project(self) -> bool:
        return is_project_file(self.path)

    @property
    def base_dir(self) -> Path:
        """Relative data paths resolve here: the file's folder (or where a clone came from)."""
        if self.path is not None:
            return self.path.parent
        return self._base_dir or Path.cwd()

    @property
    def display_name(self) -> str:
        if self.path is None:
            return f"{self.pipeline.name} (not saved)"
        if self.is_project:
            return f"{self.path.name} · {self.pipeline.name}"
        return self.path.name

    @property
    def modified(self) -> bool:
        return self._dirty or not self.undo_stack.isClean()

    def _clean_changed(self, clean: bool) -> None:
        if not self._closed:
            self.modified_changed.emit(self._dirty or not clean)

    def mark_modified(self) -> None:
        self._dirty = True
        self.modified_changed.emit(True)

    # -- saving -----------------------------------------------------------------------------
    def save(self, path: str | Path | None = None) -> str:
        """Save to `path` (default: where it came from); returns a sentence saying what was done.

        A `.mlw` target gets the pipeline saved into the project (an existing project keeps its
        other pipelines and runs; a new one starts as a copy of the runs recorded so far). A
        `.pipeline.json` target is written as a file; its runs go to the project beside it.
        """
        target = Path(path) if path else self.path
        if target is None:
            raise ValueError("Choose a file name first (Save As).")
        same = self.path is not None and target.absolute() == self.path.absolute()
        if is_project_file(target):
            link = self.link if same else ProjectLink(target)
            if not same and not target.exists():
                self.link.copy_to(target)      # the runs recorded so far come along
            link.project(create=True).pipelines.save(self.pipeline.name, self.pipeline.to_json())
            done = f"Saved pipeline '{self.pipeline.name}' in project {target}"
        else:
            save_pipeline(self.pipeline, target)
            link = self.link if same else ProjectLink(project_beside(target))
            if not same and not link.path.exists():
                self.link.copy_to(link.path)
            done = f"Saved {target}"
        if link is not self.link:
            old, self.link = self.link, link
            old.close()     # a scratch project is deleted: its runs were copied above
        self.path = target
        self._dirty = False
        self.undo_stack.setClean()
        self.modified_changed.emit(False)
        return done

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._unsubscribe()
        self.scene.dispose()
        if self.link is not None:   # None when handed over to another document
            self.link.close()

    def _place_unpositioned(self) -> None:
        """Files without positions get a layout before editing starts (not an undoable edit)."""
        sizes = {n.id: (NODE_WIDTH, BODY + 30) for n in self.pipeline.nodes}
        for node_id, pos in layered_positions(self.pipeline, sizes).items():
            if self.pipeline.node(node_id).position is None:
                self.pipeline.node(node_id).position = pos

    # -- edits ------------------------------------------------------------------------------
    def add_node_of_type(self, type_id: str, centre: QPointF) -> str:
        """Adds a node centred on `centre` (snapped); returns its id."""
        node_id = self.pipeline.new_id(type_id)
        top_left = self.scene.snap(QPointF(centre.x() - NODE_WIDTH / 2, centre.y() - BODY / 2))
        self.undo_stack.push(commands.AddNode(
            self.pipeline, Node(node_id, type_id, position=(top_left.x(), top_left.y()))))
        self.scene.select_nodes([node_id])
        return node_id

    def delete_selection(self) -> None:
        commands.remove_items(self.undo_stack, self.pipeline, self.scene.selected_node_ids(),
                              self.scene.selected_edges())

    def select_all(self) -> None:
        for item in self.scene.nodes.values():
            item.setSelected(True)

    def copy_selection(self) -> bool:
        return clipboard.copy_nodes(self.pipeline, self.scene.selected_node_ids()) is not None

    def paste(self) -> list[str]:
        data = clipboard.clipboard_fragment()
        if not data:
            return []
        ids = clipboard.paste_fragment(self.undo_stack, self.pipeline, data)
        self.scene.select_nodes(ids)
        return ids

    def duplicate_selection(self) -> list[str]:
        selected = self.scene.selected_node_ids()
        if not selected:
            return []
        ids = clipboard.paste_fragment(self.undo_stack, self.pipeline,
                                       clipboard.fragment(self.pipeline, selected), text="Duplicate")
        self.scene.select_nodes(ids)
        return ids

    def auto_layout(self) -> None:
        sizes = {nid: (NODE_WIDTH, item.height) for nid, item in self.scene.nodes.items()}
        if not sizes:
            return
        moves = {}
        for node_id, pos in layered_positions(self.pipeline, sizes, origin=(0.0, 0.0)).items():
            old = self.pipeline.node(node_id).position
            if old != pos:
                moves[node_id] = (old, pos)
        if moves:
            self.undo_stack.push(commands.MoveNodes(self.pipeline, moves, "Auto-layout"))
