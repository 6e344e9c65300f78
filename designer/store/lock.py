"""The writer lock of a project: `<name>.mlw.lock` beside it, held with an OS file lock.

The operating system releases the file lock when its process ends however it ends (exit, crash,
SIGKILL), so a lock file nobody holds is stale by definition: its content only says who left it.
The content (pid, host, since, program) is what a second app instance shows its user.
"""
from __future__ import annotations

import json
import os
import socket
import time
from datetime import datetime, timezone
from pathlib import Path

from .entities import LockHolder
from .errors import ProjectError, ProjectLockedError

__all__ = ["WriterLock", "lock_path", "read_holder"]

_WINDOWS_LOCK_AT = 1 << 30      # Windows locks are mandatory: lock a byte past the content


def lock_path(project_path: str | os.PathLike) -> Path:
    project_path = Path(project_path)
    return project_path.with_name(project_path.name + ".lock")


def _try_lock(fd: int, shared: bool = False) -> bool:
    if os.name == "nt":
        import msvcrt
        os.lseek(fd, _WINDOWS_LOCK_AT, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        if shared:                  # a probe: give it back at once
            os.lseek(fd, _WINDOWS_LOCK_AT, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return True
    import fcntl
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except OSError:
        return False
    if shared:
        fcntl.flock(fd, fcntl.LOCK_UN)
    return True


def _read_bytes(fd: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, 4096, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 4096)


def _read_holder(fd: int) -> LockHolder | None:
    try:
        data = json.loads(_read_bytes(fd).decode("utf-8"))
        return LockHolder(int(data["pid"]), str(data["host"]),
                          datetime.fromisoformat(data["since"]), str(data.get("program", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _unknown_holder() -> LockHolder:
    return LockHolder(0, "an unknown computer", datetime.now(timezone.utc), "")


def read_holder(project_path: str | os.PathLike) -> LockHolder | None:
    """Who holds the project for writing now; None when nobody does (or the lock is stale)."""
    path = lock_path(project_path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        if _try_lock(fd, shared=True):
            return None
        return _read_holder(fd) or _unknown_holder()
    finally:
        os.close(fd)


class WriterLock:
    """The lock this process holds; `stale` is who had left a lock behind, if anyone."""

    def __init__(self, path: Path, fd: int, holder: LockHolder, stale: LockHolder | None):
        self.path, self._fd, self.holder, self.stale = path, fd, holder, stale

    @classmethod
    def acquire(cls, project_path: Path, program: str = "MLWire") -> "WriterLock":
        path = lock_path(project_path)
        for _ in range(20):
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise ProjectError(f"Could not create the lock file '{path}' for the project "
                                   f"'{project_path.name}' ({exc.strerror}). Check that its folder "
                                   "is writable, or open the project read-only.") from exc
            if not _try_lock(fd):
                holder = cls._holder_of(fd)
                os.close(fd)
                raise ProjectLockedError(
                    f"The project '{project_path}' is already open for writing in "
                    f"{holder.describe()}. Open it read-only to look at it, or close it there "
                    "first and open it again.", holder)
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if not same:            # the holder removed it between our open and our lock
                os.close(fd)
                continue
            stale = _read_holder(fd)
            holder = LockHolder(os.getpid(), socket.gethostname(), datetime.now(timezone.utc),
                                program)
            data = json.dumps({"pid": holder.pid, "host": holder.host,
                               "since": holder.since.isoformat(), "program": program}).encode()
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, data)
            os.fsync(fd)
            return cls(path, fd, holder, stale)
        raise ProjectError(f"Could not take the lock '{path}' for the project: it keeps being "
                           "replaced by another process. Try again.")

    @staticmethod
    def _holder_of(fd: int) -> LockHolder:
        for _ in range(50):         # the holder may not have written its name yet
            holder = _read_holder(fd)
            if holder is not None:
                return holder
            time.sleep(0.01)
        return _unknown_holder()

    def stale_notice(self, project_name: str) -> str | None:
        if self.stale is None:
            return None
        return (f"'{project_name}' had been left locked by {self.stale.describe()}, which is no "
                "longer running (it crashed or was stopped); the lock was taken over.")

    def release(self) -> None:
        """Remove the lock file, then let go of the OS lock. Safe to call twice."""
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)      # closing releases the OS lock
            self._fd = None
