"""Project: the facade over one `.mlw` file; opens (checks, creates, upgrades) and closes it."""
from __future__ import annotations

import os
import socket
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DatabaseError

from .artifacts import ArtifactStore
from .assets import DataAssetStore
from .db import Database
from .entities import LockHolder
from .errors import ProjectError
from .header import APPLICATION_ID, SCHEMA_VERSION, read_header
from .lock import WriterLock, read_holder
from .pipelines import PipelineStore
from .process import pid_alive
from .registry import ModelRegistry
from .runs import RunStore

__all__ = ["Project", "PROJECT_SUFFIX"]

PROJECT_SUFFIX = ".mlw"


class Project:
    """An open project file: `pipelines`, `runs`, `artifacts` (model files), `registry` (named
    models) and `assets` (data assets) hold its content.

    Use `Project.open(...)`, ideally as a context manager, so the file is closed (checkpointed
    into a single complete file) however the block ends.
    """

    def __init__(self, db: Database, notices: tuple[str, ...] = ()):
        self.db = db                    # for the store's own modules (RunRecorder); not an API
        self.path = db.path
        self.read_only = db.read_only
        self.notices = notices          # sentences for the user, e.g. "upgraded; backup at ..."
        self.interrupted_runs: tuple[str, ...] = ()
        self.pipelines = PipelineStore(db)
        self.runs = RunStore(db)
        self.artifacts = ArtifactStore(db)
        self.registry = ModelRegistry(db, self.artifacts)
        self.assets = DataAssetStore(db)
        self.lock: WriterLock | None = None     # held when opened with exclusive=True
        self._closed = False

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike, create: bool = False, read_only: bool = False,
             exclusive: bool = False, program: str = "MLWire") -> "Project":
        """Open the project at `path`; with create=True a missing file becomes a new project.

        exclusive=True (the designer does this) takes the project's writer lock: a second
        exclusive opener gets a ProjectLockedError whose `holder` says who has it (pid, host,
        since) and may open read-only instead. A lock left by a process that has died is taken
        over, and `notices` says so. Short writers (`mlwire run`, registry commands) do not take
        it: SQLite serialises their transactions.

        The file's header is checked with plain file I/O first: a file that is not an MLWire
        project, or is from a newer MLWire, is refused with a ProjectError and left untouched.
        An older project is backed up (`<name>.bak-<revision>`) and upgraded; `notices` says so.
        """
        path = Path(path)
        notices: list[str] = []
        if not path.exists():
            if not create:
                raise ProjectError(f"There is no project file at '{path}'. Check the path, or "
                                   "create a new project there (Project.open(path, create=True); "
                                   "`mlwire run` creates one beside a pipeline file).")
            if read_only:
                raise ProjectError(f"There is no project file at '{path}' to open read-only.")
            if not path.parent.is_dir():
                raise ProjectError(f"Cannot create a project at '{path}': the folder "
                                   f"'{path.parent}' does not exist.")
            from .migrate import create_project_file    # alembic only when needed
            _guard(lambda: create_project_file(path), path, "create")
        header = read_header(path)
        if not read_only:
            _require_writable(path)
        lock = None
        if exclusive:
            if read_only:
                raise ProjectError("A project opened read-only takes no writer lock; open it "
                                   "with exclusive=False.")
            lock = WriterLock.acquire(path, program)
            notice = lock.stale_notice(path.name)
            if notice:
                notices.append(notice)
        elif not read_only and (holder := read_holder(path)) is not None:
            notices.append(f"'{path.name}' is open for editing in {holder.describe()}; changes "
                           "made here are written between its own.")
        try:
            project = cls._open_checked(path, header, read_only, notices)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        project.lock = lock
        return project

    @classmethod
    def _open_checked(cls, path: Path, header, read_only: bool, notices: list[str]) -> "Project":
        if header.user_version < SCHEMA_VERSION:
            if read_only:
                raise ProjectError(f"'{path}' was written by an older MLWire (file format "
                                   f"revision {header.user_version}) and must be upgraded before "
                                   "use; open it without read-only to upgrade it (a backup copy "
                                   "is kept).")
            from .migrate import upgrade_project_file
            _, notice = _guard(lambda: upgrade_project_file(path, header.user_version), path,
                               "upgrade")
            notices.append(notice)
        db = Database(path, read_only=read_only)
        try:
            _check_open_file(db, path)
            project = cls(db, tuple(notices))
            if not read_only:
                project.interrupted_runs = tuple(
                    project.runs.recover_interrupted(socket.gethostname(), pid_alive))
        except DatabaseError as exc:
            db.engine.dispose()
            raise ProjectError(f"'{path}' is damaged and cannot be read as an MLWire project "
                               f"({exc.orig}). Restore it from a backup (a .mlw.bak-N file "
                               "beside it, if any).") from exc
        except BaseException:
            db.engine.dispose()
            raise
        return project

    # -- copying and closing -----------------------------------------------------------------
    def save_as(self, new_path: str | os.PathLike, *, overwrite: bool = False) -> Path:
        """Write a complete copy of the project to `new_path` (SQLite's online backup API).

        This project stays open on its own file; open the copy to continue there.
        """
        self._require_open()
        target = Path(new_path)
        if target.absolute() == self.path.absolute():
            raise ProjectError(f"'{target}' is this project's own file; choose another name.")
        if target.exists() and not overwrite:
            raise ProjectError(f"'{target}' already exists; choose another name or allow "
                               "overwriting it.")
        try:
            self.db.copy_to(target)
        except (OSError, sqlite3.Error) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise ProjectError(f"Could not save a copy of the project as '{target}' ({reason}); "
                               "the project itself is unchanged.") from exc
        return target

    def close(self) -> None:
        """Close the file, folding the write-ahead log into it. Safe to call twice."""
        if not self._closed:
            self._closed = True
            try:
                self.db.close()
            finally:
                if self.lock is not None:
                    self.lock.release()

    @staticmethod
    def lock_holder(path: str | os.PathLike) -> LockHolder | None:
        """Who holds the project at `path` for writing (exclusive), or None."""
        return read_holder(path)

    @property
    def closed(self) -> bool:
        return self._closed

    def _require_open(self) -> None:
        if self._closed:
            raise ProjectError(f"The project '{self.path}' is closed.")

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("read-only" if self.read_only else "open")
        return f"<Project {str(self.path)!r} {state}>"


def _check_open_file(db: Database, path: Path) -> None:
    """Re-check through SQLite: a write-ahead log left by a crash may hold newer header values."""
    application_id, user_version = db.pragma("application_id"), db.pragma("user_version")
    if application_id != APPLICATION_ID or user_version != SCHEMA_VERSION:
        raise ProjectError(f"'{path}' is not an MLWire project of this version (application id "
                           f"{application_id}, file format revision {user_version}; expected "
                           f"revision {SCHEMA_VERSION}). Update MLWire or choose another file.")


def _require_writable(path: Path) -> None:
    """SQLite needs to write the file and, for its write-ahead log, the folder beside it."""
    for place in (path, path.parent):
        if not os.access(place, os.W_OK):
            raise ProjectError(f"'{place}' cannot be written (read-only media or permissions), "
                               f"so the project '{path.name}' cannot be changed there. Open it "
                               "read-only to look at it, or copy it to a folder you can write.")


def _guard(action, path: Path, verb: str):
    """Run a create/upgrade step, turning low-level failures into a message for people."""
    try:
        return action()
    except ProjectError:
        raise
    except (OSError, DatabaseError) as exc:
        reason = getattr(exc, "strerror", None) or getattr(exc, "orig", None) or exc
        raise ProjectError(f"Could not {verb} the project '{path}' ({reason}). Check that the "
                           "folder is writable and the disk is not full.") from exc
