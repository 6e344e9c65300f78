"""Models that passed the skops gate once, kept as signed pickles so the next load is quick.

Loading a model through skops imports every scikit-learn estimator to list the types it trusts
(about 2 s on a 2-core machine), which was most of a model server's start-up. After a model has
passed the gate (designer.artifacts.load_model), its loaded form is pickled into
`<user data dir>/model-cache/` and signed like the output cache (designer/engine/cache.py: an HMAC
under the user's own key over a header holding the blob's sha256). An entry copied from elsewhere
or changed fails the signature and is ignored, so nothing is unpickled here that this user's
MLWire did not first load through the gate itself.

Entries are keyed by the model's sha256 and the versions of Python, numpy, scikit-learn and
MLWire that pickled it. The folder is trimmed to LIMIT_BYTES, least recently used first.
Deleting it only costs time; any failure here falls back to the gated load.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

__all__ = ["load", "store", "folder", "LIMIT_BYTES"]

LIMIT_BYTES = 512 * 1024 * 1024
_PACKAGES = ("numpy", "scipy", "scikit-learn", "pandas")


def folder() -> Path:
    from designer.userdata import data_dir
    return data_dir() / "model-cache"


def _key(sha256: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    from designer import __version__
    parts = [sha256, sys.version, __version__]
    for package in _PACKAGES:
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=-")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _cache():
    from designer.engine.cache import OutputCache
    return OutputCache(folder())


def load(sha256: str):
    """The Model cached for `sha256`, or None (missing, foreign, damaged or stale)."""
    try:
        cache = _cache()
        entry = cache.get(_key(sha256))
        if entry is None or entry.summary.get("sha256") != sha256:
            return None
        model = pickle.loads(entry.blob("model"))
        os.utime(entry.path)                   # recently used: trimmed last
        return model
    except Exception:           # a cache never breaks a load: the gate is the way back
        return None


def store(sha256: str, model) -> None:
    """Keep `model` (just loaded through the gate) for the next load of `sha256`."""
    try:
        cache = _cache()
        cache.put(_key(sha256), {"model": pickle.dumps(model, protocol=5)},
                  {"sha256": sha256}, 0.0)
        _trim(cache.folder)
    except Exception:           # a full disk or a read-only home: just no cache
        pass


def _trim(root: Path, limit: int = LIMIT_BYTES) -> None:
    entries = [(p.stat().st_mtime, p.stat().st_size, p) for p in root.rglob("*.out")]
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        path.unlink(missing_ok=True)
        total -= size
