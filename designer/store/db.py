"""The SQLite connection of a project: engine, pragmas, the managed session, checkpoint on close."""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool, QueuePool

from .errors import ProjectError

__all__ = ["Database", "make_engine", "write_copy", "BUSY_TIMEOUT_MS"]

# How long a writer waits for another process (the GUI and a CLI run may share a project).
BUSY_TIMEOUT_MS = 5000


def make_engine(path: str | os.PathLike, *, read_only: bool = False, wal: bool = True,
                foreign_keys: bool = True, pooled: bool = True) -> Engine:
    """An engine whose connections carry the project's pragmas and real BEGINs.

    pysqlite's own transaction handling starts transactions late and never for SELECTs; we turn
    it off and emit BEGIN ourselves (the SQLAlchemy recipe), IMMEDIATE for writing sessions so
    two writers queue on busy_timeout instead of failing on a lock upgrade.
    """
    path = Path(path).absolute()
    uri = path.as_uri() + ("?mode=ro" if read_only else "")

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        conn.execute("PRAGMA foreign_keys = " + ("ON" if foreign_keys else "OFF"))
        if read_only:
            conn.execute("PRAGMA query_only = ON")
        else:
            if wal:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")   # a committed run survives power loss
        return conn

    # The URL only names the dialect; `creator` opens the file (a URI, so read-only works).
    engine = create_engine("sqlite://", creator=connect,
                           poolclass=QueuePool if pooled else NullPool)

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        immediate = conn.get_execution_options().get("mlwire_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """One open project file: sessions for the stores, pragmas, and a clean close."""

    def __init__(self, path: str | os.PathLike, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self.engine = make_engine(self.path, read_only=read_only)
        self._write_engine = self.engine.execution_options(mlwire_write=True)

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """The one managed session: commits when the block ends, rolls back if it raises."""
        if write and self.read_only:
            raise ProjectError(f"'{self.path}' was opened read-only; open it without read_only "
                               "to change it.")
        session = Session(self._write_engine if write else self.engine)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction on a Core connection: bulk inserts without the ORM's overhead."""
        if self.read_only:
            raise ProjectError(f"'{self.path}' was opened read-only; open it without read_only "
                               "to change it.")
        with self._write_engine.begin() as conn:
            yield conn

    def pragma(self, name: str) -> object:
        """The value of a read-only pragma such as user_version (name is one of our constants)."""
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar()

    def copy_to(self, target: str | os.PathLike) -> None:
        """A consistent copy of the whole project at `target`, even while runs are recorded."""
        raw = self.engine.raw_connection()
        try:
            write_copy(raw.driver_connection, Path(target))
        finally:
            raw.close()

    def close(self) -> None:
        """Close every connection, fold the WAL into the .mlw file and leave it as one file."""
        self.engine.dispose()
        if self.read_only:
            return
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            # Back to a rollback journal at rest, so the file is complete on its own and opens
            # from read-only media; impossible (and skipped) while another process has it open.
            conn.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.OperationalError:
            pass
        finally:
            conn.close()


def write_copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy with SQLite's online backup API into a temporary file, then rename it into place.

    A crash mid-copy leaves no half-written file under the target name.
    """
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        dest = sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")   # the copy is one file at rest
        finally:
            dest.close()
        with open(partial, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
