"""Where the designer keeps its own files: recovery autosaves, scratch projects, example copies."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from designer import userdata

__all__ = ["data_dir", "recovery_dir", "scratch_dir", "examples_workspace", "bundled_examples_dir",
           "adopt_old_folder"]

ENV_DATA_DIR = userdata.ENV_DATA_DIR     # tests and portable installs point this elsewhere
_SUBFOLDERS = ("recovery", "scratch", "examples")
_adopted = False


def data_dir() -> Path:
    """The user's MLWire data folder (designer.userdata: MLWIRE_DATA_DIR overrides it), shared
    with the cache key, the trust store and the model cache."""
    global _adopted
    path = userdata.data_dir()
    if not _adopted and not os.environ.get(ENV_DATA_DIR):
        _adopted = True
        import platformdirs
        adopt_old_folder(Path(platformdirs.user_data_dir("MLWire", "MLWire")), path)
    return path


def adopt_old_folder(old: Path, new: Path) -> list[str]:
    """Move the designer's subfolders from the folder older MLWire versions used for them
    (platformdirs' "MLWire" by "MLWire": a second folder beside `new` on Linux and Windows)
    into `new`, so that recovery autosaves and scratch runs are not left behind. A subfolder
    that `new` already has stays where it is. Returns the names moved."""
    moved = []
    try:
        if not old.is_dir() or (new.exists() and old.samefile(new)):
            return moved
        for name in _SUBFOLDERS:
            if (old / name).is_dir() and not (new / name).exists():
                new.mkdir(parents=True, exist_ok=True)
                shutil.move(str(old / name), str(new / name))
                moved.append(name)
    except OSError:         # an unreadable old folder: it stays as it is, nothing is lost
        pass
    return moved


def _sub(name: str) -> Path:
    path = data_dir() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def recovery_dir() -> Path:
    return _sub("recovery")


def scratch_dir() -> Path:
    """Projects recording the runs of pipelines not saved yet."""
    return _sub("scratch")


def examples_workspace() -> Path:
    """Where bundled examples are copied to be opened, edited and run (and their runs recorded)."""
    return _sub("examples")


def bundled_examples_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "assets" / "examples"
