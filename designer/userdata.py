"""The user's MLWire data folder: the cache-signing key, the trust store, the model load cache.

MLWIRE_DATA_DIR overrides it (tests and portable installs point it elsewhere).
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "ENV_DATA_DIR"]

ENV_DATA_DIR = "MLWIRE_DATA_DIR"


def data_dir() -> Path:
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    from platformdirs import user_data_dir
    return Path(user_data_dir("mlwire", appauthor=False))
