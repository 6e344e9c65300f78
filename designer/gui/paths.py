"""Where the designer keeps its own files: recovery autosaves, scratch projects, example copies."""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "recovery_dir", "scratch_dir", "examples_workspace", "bundled_examples_dir"]

ENV_DATA_DIR = "MLWIRE_DATA_DIR"   # tests and portable installs point this elsewhere


def data_dir() -> Path:
    """platformdirs' user data dir for MLWire (MLWIRE_DATA_DIR overrides it)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    import platformdirs
    return Path(platformdirs.user_data_dir("MLWire", "MLWire"))


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
