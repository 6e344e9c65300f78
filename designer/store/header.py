"""The 100-byte SQLite header of a project file, read with plain file I/O before SQLite opens it.

Refusing a file here means a wrong file (a CSV, another application's database, a project from a
newer MLWire) is never touched by SQLite, so not a single byte of it can change.
"""
from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ProjectError

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "Header", "read_header"]

# `PRAGMA application_id` of every MLWire project: the bytes "MLWR". Never changes.
APPLICATION_ID = int.from_bytes(b"MLWR", "big")
# `PRAGMA user_version` = the alembic revision number at head (migrations/versions/NNNN_*.py).
# A test checks that the two agree, so this module never needs to import alembic.
SCHEMA_VERSION = 3

_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
_USER_VERSION_AT = 60     # offsets fixed by https://www.sqlite.org/fileformat.html
_APPLICATION_ID_AT = 68


@dataclass(frozen=True)
class Header:
    application_id: int
    user_version: int


def _int_at(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset:offset + 4], "big", signed=True)


def read_header(path: str | os.PathLike) -> Header:
    """The project header of an existing file, or a ProjectError saying why it is not one."""
    path = Path(path)
    if path.is_dir():
        raise ProjectError(f"'{path}' is a folder, not an MLWire project file. Choose the "
                           "project's .mlw file inside it, or give a new file name to create one.")
    try:
        with open(path, "rb") as f:
            data = f.read(_HEADER_SIZE)
    except OSError as exc:
        raise ProjectError(f"'{path}' cannot be read ({exc.strerror}). Check that the file exists "
                           "and that you may read it.") from exc
    if not data:
        raise ProjectError(f"'{path}' is an empty file (0 bytes), not an MLWire project; perhaps "
                           "a copy or download that did not finish. It was left untouched. Choose "
                           "the right project file, or remove this empty file and open the path "
                           "again to create a new project there.")
    if not data.startswith(_MAGIC):
        raise ProjectError(f"'{path}' is not an MLWire project: {_describe(data)}, while a project "
                           "file (.mlw) is a SQLite database written by MLWire. It was left "
                           "untouched. Check that you chose the right file" + _hint(data) + ".")
    if len(data) < _HEADER_SIZE:
        raise ProjectError(f"'{path}' starts like a SQLite database but is only {len(data)} bytes "
                           "long, so it is damaged (cut short). It was left untouched. Restore the "
                           "project from a backup (a .mlw.bak-N file beside it, if any).")
    header = Header(_int_at(data, _APPLICATION_ID_AT), _int_at(data, _USER_VERSION_AT))
    if header.application_id != APPLICATION_ID:
        raise ProjectError(f"'{path}' is a SQLite database of another application, not an MLWire "
                           f"project (its application id is {_app_id_text(header.application_id)}; "
                           f"MLWire's is {_app_id_text(APPLICATION_ID)}). It was left untouched. "
                           "Choose an .mlw project file, or give a new file name to create a "
                           "project.")
    if header.user_version > SCHEMA_VERSION:
        raise ProjectError(f"'{path}' is an MLWire project written by a newer version of MLWire "
                           f"(file format revision {header.user_version}; this version reads up to "
                           f"revision {SCHEMA_VERSION}). It was left untouched. Update MLWire to "
                           "open it.")
    return header


def _describe(data: bytes) -> str:
    try:   # incremental: the 100 bytes may end inside a multi-byte character
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        text = None
    if text is None or any(ord(c) < 32 and c not in "\t\r\n\f" for c in text):
        return "it holds binary data of an unknown kind"
    if text.lstrip().startswith(("{", "[")):
        return "it is a text file that looks like JSON"
    return "it is a text file"


def _hint(data: bytes) -> str:
    if data.lstrip().startswith(b"{"):
        return ("; a pipeline file (.pipeline.json) is run with `mlwire run FILE` or imported "
                "into a project, not opened as one")
    return ""


def _app_id_text(value: int) -> str:
    if value == 0:
        return "not set"
    raw = value.to_bytes(4, "big", signed=True)
    shown = raw.decode("ascii") if all(32 < b < 127 for b in raw) else ""
    return f"0x{value & 0xFFFFFFFF:08X}" + (f" '{shown}'" if shown else "")
