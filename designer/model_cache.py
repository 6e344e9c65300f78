"""Models that passed the skops gate once, kept as signed pickles so the next load is quick.

Loading a model through skops imports every scikit-learn estimator to list the types it trusts
(about 2 s on a 2-core machine), which was most of a model server's start-up. After a model has
passed the gate (designer.artifacts.load_model), its loaded form is pickled into
`<user data dir>/model-cache/` and signed like the output cache (designer/engine/cache.py: an HMAC
under the user's own key over a header holding the blob's sha256). An entry copied from elsewhere
or changed fails the signature and is ignored, so nothing is unpickled here that this user's
MLWire did not first load through the gate itself.

Besides the Model, a model server keeps its snapshot here (kind "serving": plain data,
designer/serving/snapshot.py). Entries are keyed by the model's sha256, their kind and the
versions of Python, numpy, scipy, scikit-learn, pandas and MLWire that pickled them. The
folder is trimmed to LIMIT_BYTES, least recently used first. Deleting it only costs time; any
failure here falls back to the gated load.
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


def _key(sha256: str, kind: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    from designer import __version__
    parts = [sha256, kind, sys.version, __version__]
    for package in _PACKAGES:
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=-")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _cache():
    from designer.engine.cache import OutputCache
    return OutputCache(folder())


def load(sha256: str, kind: str = "model"):
    """What was stored for `sha256` under `kind` ("model": the Model; "serving": a model
    server's snapshot, designer/serving/snapshot.py), or None (missing, foreign, damaged or
    stale)."""
    try:
        cache = _cache()
        entry = cache.get(_key(sha256, kind))
        if entry is None or entry.summary.get("sha256") != sha256:
            return None
        value = pickle.loads(entry.blob(kind))
        os.utime(entry.path)                   # recently used: trimmed last
        return value
    except Exception:           # a cache never breaks a load: the gate is the way back
        return None


def store(sha256: str, value, kind: str = "model") -> None:
    """Keep `value` (for "model": just loaded through the gate) for the next load of `sha256`."""
    try:
        cache = _cache()
        cache.put(_key(sha256, kind), {kind: pickle.dumps(value, protocol=5)},
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
