"""Probes of project files for the store tests: exact file state, one SQLite value."""
from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["file_state", "sqlite_value"]


def file_state(path: Path) -> tuple[bytes, int]:
    """The exact bytes and modification time of a file, to prove it was not touched."""
    return path.read_bytes(), path.stat().st_mtime_ns


def sqlite_value(path: Path, statement: str):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(statement).fetchone()[0]
    finally:
        conn.close()
