"""The project file a document's runs are recorded in: opened on demand, created on the first run,
a scratch project for pipelines not saved yet; the run history and the engine's cache folder."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths

if TYPE_CHECKING:
    from designer.store import Project

__all__ = ["ProjectLink", "project_beside", "cache_dir_for", "is_project_file"]

# designer.store (SQLAlchemy) is imported when a project is first touched, not at start-up.
PROJECT_SUFFIX = ".mlw"     # designer.store.PROJECT_SUFFIX


def is_project_file(path: str | Path | None) -> bool:
    return path is not None and str(path).endswith(PROJECT_SUFFIX)


def project_beside(pipeline_file: Path) -> Path:
    """`x.pipeline.json` -> `x.mlw`, as `mlwire run` records it."""
    name = pipeline_file.name
    stem = name[: -len(".pipeline.json")] if name.endswith(".pipeline.json") else pipeline_file.stem
    return pipeline_file.with_name(stem + PROJECT_SUFFIX)


_CREATE = "import sys; from designer.store import Project; Project.open(sys.argv[1], create=True).close()"


def create_project_file(path: Path) -> None:
    """Create a new, empty project file in a short-lived helper process.

    Creating one runs the store's migrations (alembic, mako, pygments: ~1 s of imports holding
    the interpreter lock); in a helper process that never stalls the window's event loop.
    Packaged builds (no separate interpreter) and any helper failure fall back to this process.
    """
    if not getattr(sys, "frozen", False):
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (root, os.environ.get("PYTHONPATH", "")) if p))
        try:
            subprocess.run([sys.executable, "-c", _CREATE, str(path)], env=env, timeout=120,
                           check=True, capture_output=True)
            if path.exists():
                return
        except (OSError, subprocess.SubprocessError):
            pass
    from designer.store import Project
    Project.open(path, create=True).close()


def cache_dir_for(project_path: Path) -> Path:
    """`x.mlw` -> `x.mlw-cache/` (the engine's output cache; safe to delete)."""
    return project_path.with_name(project_path.name + "-cache")


class ProjectLink:
    """One open `.mlw` for one document. Thread-safe: the run thread opens it to record a run."""

    def __init__(self, path: Path | None = None):
        self.scratch = path is None
        self.path = path or paths.scratch_dir() / f"unsaved-{uuid.uuid4().hex[:10]}{PROJECT_SUFFIX}"
        self._project: Project | None = None
        self._lock = threading.RLock()

    def project(self, create: bool = False) -> Project | None:
        """The open project; None when it does not exist yet and create is False."""
        with self._lock:
            if self._project is None or self._project.closed:
                if not self.path.exists():
                    if not create:
                        return None
                    create_project_file(self.path)
                from designer.store import Project
                self._project = Project.open(self.path)
            return self._project

    @property
    def cache_dir(self) -> Path:
        return cache_dir_for(self.path)

    def _existing(self):
        """The project when something was recorded, else None (without loading the store)."""
        if self._project is None and not self.path.exists():
            return None
        from designer.store import ProjectError
        try:
            return self.project()
        except ProjectError:
            return None

    def runs(self):
        """The run history with every run's pipeline snapshot, newest first (empty when nothing
        was recorded yet); the Runs tab pages through runs instead."""
        project = self._existing()
        return project.runs.list() if project is not None else []

    def has_runs(self) -> bool:
        project = self._existing()
        return project is not None and project.runs.count() > 0

    def copy_to(self, target: Path) -> bool:
        """Copy the recorded runs to a new project file (Save As); False when there is nothing."""
        with self._lock:
            project = self.project()
            if project is None or target.exists():
                return False
            project.save_as(target)
            return True

    def close(self) -> None:
        with self._lock:
            if self._project is not None:
                self._project.close()
                self._project = None
            if self.scratch:   # unsaved work's runs go with it; nothing is left behind
                self.path.unlink(missing_ok=True)
                for suffix in ("-wal", "-shm", "-journal"):
                    self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
                import shutil
                shutil.rmtree(self.cache_dir, ignore_errors=True)
