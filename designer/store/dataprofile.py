"""A data file's fingerprint and schema snapshot, for registering it as a data asset version."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import ProjectError

__all__ = ["FileProfile", "profile_file", "file_sha256"]

_CSV = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class FileProfile:
    path: Path                  # absolute
    sha256: str                 # the same fingerprint import nodes record for a run
    size: int
    rows: int | None
    columns: int | None
    schema: list                # [[column, dtype], ...]; empty when the format is not known


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def profile_file(path: str | Path) -> FileProfile:
    """Fingerprint, size and, for CSV/TSV and Parquet, row and column counts and dtypes."""
    path = Path(path).absolute()
    if not path.is_file():
        raise ProjectError(f"There is no file '{path}' to register as a data asset. Check the "
                           "path.")
    try:
        sha, size = file_sha256(path), path.stat().st_size
    except OSError as exc:
        raise ProjectError(f"'{path}' cannot be read ({exc.strerror}).") from exc
    frame = _read(path)
    if frame is None:
        return FileProfile(path, sha, size, None, None, [])
    schema = [[str(c), str(t)] for c, t in frame.dtypes.items()]
    return FileProfile(path, sha, size, len(frame), len(frame.columns), schema)


def _read(path: Path):
    import pandas as pd
    suffix = path.suffix.lower()
    try:
        if suffix in _CSV:
            return pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
        if suffix == ".parquet":
            return pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - any parse failure becomes one message
        raise ProjectError(f"'{path}' could not be read as a {suffix} table ({exc}); fix the "
                           "file or register another.") from exc
    return None
