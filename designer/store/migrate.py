"""Creating and upgrading project files with alembic; imported only when a file needs it.

Opening an up-to-date project never imports this module (nor alembic), which keeps `mlwire run`
quick.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import uuid
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from .db import make_engine, write_copy
from .errors import ProjectError

__all__ = ["MIGRATIONS_DIR", "head_revision", "create_project_file", "upgrade_project_file"]

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
log = logging.getLogger("designer.store")


def _config(connection=None) -> Config:
    config = Config()   # no alembic.ini at runtime
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> int:
    """The number of the newest migration (revision ids are numbers: '0001', '0002', ...)."""
    return int(ScriptDirectory.from_config(_config()).get_current_head())


def _upgrade_to_head(path: Path) -> None:
    # Foreign keys off: batch mode copies tables into new ones and drops the old, which would
    # cascade-delete child rows. Checked afterwards with foreign_key_check instead.
    engine = make_engine(path, wal=False, foreign_keys=False, pooled=False)
    try:
        with engine.begin() as conn:    # the whole upgrade is one transaction
            command.upgrade(_config(conn), "head")
            if conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise ProjectError(f"Upgrading '{path}' would break links between its runs and "
                                   "their results; the upgrade was undone. Please report this.")
    finally:
        engine.dispose()


def create_project_file(path: Path) -> None:
    """A new project at head, built under a temporary name so a crash leaves nothing half-made."""
    scratch = path.with_name(f".{path.name}.creating-{uuid.uuid4().hex[:8]}")
    try:
        _upgrade_to_head(scratch)
        with open(scratch, "rb+") as f:
            os.fsync(f.fileno())
        try:
            os.link(scratch, path)          # never replaces a file someone else just created
        except FileExistsError:
            pass                            # they won; the caller opens (and checks) theirs
        except OSError:
            os.replace(scratch, path)       # file systems without hard links
    finally:
        scratch.unlink(missing_ok=True)


def _backup_name(path: Path, revision: int) -> Path:
    candidate = path.with_name(f"{path.name}.bak-{revision}")
    n = 2
    while candidate.exists():               # never overwrite an earlier backup
        candidate = path.with_name(f"{path.name}.bak-{revision}-{n}")
        n += 1
    return candidate


def upgrade_project_file(path: Path, from_revision: int) -> tuple[Path, str]:
    """Back the file up as `<name>.bak-<revision>`, then migrate it to head.

    Returns the backup's path and a sentence for the user saying what happened.
    """
    backup = _backup_name(path, from_revision)
    source = sqlite3.connect(path, isolation_level=None)
    try:
        write_copy(source, backup)
    except (sqlite3.Error, OSError) as exc:
        raise ProjectError(f"'{path}' needs an upgrade to this version of MLWire, but its backup "
                           f"copy '{backup}' could not be written ({exc}); nothing was changed. "
                           "Free some disk space or check the folder's permissions, then open "
                           "it again.") from exc
    finally:
        source.close()
    try:
        _upgrade_to_head(path)
    except ProjectError:
        raise
    except Exception as exc:
        raise ProjectError(f"Upgrading '{path}' from file format revision {from_revision} "
                           f"failed ({exc}); the file was left as it was, and a copy is in "
                           f"'{backup}'.") from exc
    notice = (f"Upgraded '{path.name}' from file format revision {from_revision} to "
              f"{head_revision()}; the previous file was kept as '{backup.name}'. Older versions "
              "of MLWire open that copy, not the upgraded file.")
    log.info(notice)            # shown by the caller (project.notices), not twice
    return backup, notice
