"""The environment a run records: Python, platform and library versions (no heavy imports)."""
from __future__ import annotations

import platform
import sys
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

__all__ = ["environment"]

_LIBRARIES = ("mlwire", "pandas", "numpy", "scikit-learn", "scipy", "joblib", "sqlalchemy")


@lru_cache(maxsize=1)
def environment() -> dict[str, str]:
    env = {"python": sys.version.split()[0], "platform": platform.platform(),
           "implementation": platform.python_implementation()}
    for name in _LIBRARIES:
        try:
            env[name] = version(name)
        except PackageNotFoundError:
            pass
    return env
