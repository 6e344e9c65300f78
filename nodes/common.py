"""Helpers shared by the core node modules: error translation, column checks on schemas, emitting.

Light on purpose (stdlib only): node modules import it at top level, and the checker imports the
node modules without ever loading pandas or scikit-learn.
"""
from __future__ import annotations

import hashlib
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable

from .base import NodeError
from .schema import TableSchema

__all__ = ["reported", "check_columns", "pick_columns", "call", "literal", "file_digest",
           "uncached", "OPEN_TABLE", "require_file"]

# A table whose columns are known only once the node runs (e.g. a SQL query's result).
OPEN_TABLE = TableSchema((), open=True)


@contextmanager
def reported():
    """Turn ops.DataError (a problem a person can fix) into the NodeError the engine reports."""
    try:
        yield
    except Exception as exc:
        from . import ops  # already imported by the run() that raised
        if isinstance(exc, ops.DataError):
            raise NodeError(exc.message, exc.hint, param=exc.param, column=exc.column) from exc
        raise


def _names(columns: Iterable[str]) -> str:
    return ", ".join(repr(c) for c in columns) or "none"


def check_columns(schema: TableSchema | None, names: Iterable[str], param: str,
                  title: str) -> None:
    """NodeError for the first of `names` that a closed schema lacks, listing what it has."""
    if schema is None or schema.open:
        return
    for name in names:
        if not schema.has(name):
            raise NodeError(f"The '{param}' parameter of {title} names column {name!r}, which "
                            "the input table does not have.",
                            f"Available columns: {_names(schema.names)}.", param=param,
                            column=name)


def pick_columns(schema: TableSchema, columns: list[str], exclude: list[str],
                 numeric: bool) -> list[str]:
    """The known columns a transform works on: `columns`, or when empty all (non-)numeric known
    columns; minus `exclude`."""
    chosen = list(columns) or (schema.numeric() if numeric else schema.non_numeric())
    return [c for c in chosen if c not in set(exclude)]


def literal(value: Any) -> str:
    """Python source for a parameter value: repr() keeps every user string inert."""
    return repr(value)


def call(target: str, function: str, *args: str, **kwargs: Any) -> str:
    """`target = function(args..., name=repr(value), ...)`: positional args are variable names
    (already source), keyword values are literals."""
    parts = list(args) + [f"{k}={literal(v)}" for k, v in kwargs.items()]
    return f"{target} = {function}({', '.join(parts)})\n"


def file_digest(path: Path) -> str | None:
    """sha256 of a file's bytes (a cache fingerprint), or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def uncached() -> str:
    """A fingerprint that differs on every run: for nodes whose source can change at any time
    (a database, a web page) or whose effect must happen on every run (writing a file)."""
    return f"uncached:{time.time_ns()}"


def require_file(path: Path, param: str = "path") -> None:
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise NodeError(f"The file {str(path)!r} {what}.",
                        f"Check the '{param}' parameter; relative paths start at the pipeline's "
                        "folder.", param=param)
