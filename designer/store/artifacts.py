"""Model files kept in the project: content-addressed skops bytes, loaded only through the gate.

Listing runs, metrics or models never reads these bytes. Every load goes through
designer.artifacts.load_model (sha256 check, skops with reviewed types only, never pickle).
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from designer.artifacts import load_model, sha256_of

from .coltypes import utcnow
from .db import Database
from .entities import ArtifactInfo
from .errors import ProjectError, UnknownArtifactError
from .orm import ArtifactRow, NodeRunRow, RunArtifactRow

__all__ = ["ArtifactStore", "PICKLE_WARNING", "write_joblib"]

PICKLE_WARNING = ("Note: a .joblib file is a pickle. Loading a pickle runs code stored in it, so "
                  "load only .joblib files you made or fully trust, with the same scikit-learn "
                  "version (and MLWire installed, for its column steps). MLWire itself never "
                  "loads pickles; inside a project, models are kept as skops files.")


class ArtifactStore:
    """`project.artifacts`: the model files of runs (see the registry for named models)."""

    def __init__(self, db: Database):
        self._db = db

    def put(self, data: bytes, format: str = "skops") -> str:
        """Keep `data` (once per content) and return its sha256."""
        sha = sha256_of(data)
        with self._db.session(write=True) as session:
            session.execute(insert(ArtifactRow).values(
                sha256=sha, format=format, size=len(data), data=data, created_at=utcnow())
                .on_conflict_do_nothing(index_elements=["sha256"]))
        return sha

    def info(self, sha256: str) -> ArtifactInfo:
        with self._db.session() as session:
            row = session.execute(select(ArtifactRow.sha256, ArtifactRow.format, ArtifactRow.size)
                                  .where(ArtifactRow.sha256 == sha256)).one_or_none()
        if row is None:
            raise UnknownArtifactError(f"There is no model file with sha256 {sha256} in this "
                                       "project.")
        return ArtifactInfo(*row)

    def of_run(self, run_id: str) -> list[ArtifactInfo]:
        """The model files a run produced, by node and port (no bytes read)."""
        with self._db.session() as session:
            rows = session.execute(
                select(ArtifactRow.sha256, ArtifactRow.format, ArtifactRow.size,
                       RunArtifactRow.run_id, RunArtifactRow.node_id, RunArtifactRow.port)
                .join(RunArtifactRow, RunArtifactRow.sha256 == ArtifactRow.sha256)
                .where(RunArtifactRow.run_id == run_id)
                .order_by(RunArtifactRow.node_id, RunArtifactRow.port)).all()
        return [ArtifactInfo(*r) for r in rows]

    def find(self, run_id: str, node_id: str, port: str | None = None) -> ArtifactInfo:
        """The model file of `node_id` in run `run_id` (its only model port unless `port`)."""
        found = [a for a in self.of_run(run_id)
                 if a.node_id == node_id and (port is None or a.port == port)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UnknownArtifactError(
                f"Node '{node_id}' of run '{run_id}' has several models (ports "
                f"{', '.join(a.port for a in found)}); choose one with its port.")
        raise UnknownArtifactError(self._why_none(run_id, node_id, port))

    def read(self, sha256: str) -> bytes:
        """The raw skops bytes, checked against their sha256 (for a download of the file)."""
        with self._db.session() as session:
            data = session.scalar(select(ArtifactRow.data).where(ArtifactRow.sha256 == sha256))
        if data is None:
            raise UnknownArtifactError(f"There is no model file with sha256 {sha256} in this "
                                       "project.")
        return data

    def load(self, sha256: str, *, keep: bool = False):
        """The Model (nodes.values.Model) in a kept file, through the one safe gate (keep: also
        into the user's signed model cache, see designer/model_cache.py)."""
        return load_model(self.read(sha256), sha256, keep=keep)

    def load_run_model(self, run_id: str, node_id: str, port: str | None = None):
        return self.load(self.find(run_id, node_id, port).sha256)

    def download_joblib(self, sha256: str, target: str | os.PathLike) -> Path:
        """Write the model's inference pipeline as a .joblib (a pickle!) file; see PICKLE_WARNING."""
        return write_joblib(self.load(sha256), Path(target))

    def _why_none(self, run_id: str, node_id: str, port: str | None) -> str:
        with self._db.session() as session:
            node = session.execute(select(NodeRunRow.node_type, NodeRunRow.status,
                                          NodeRunRow.outputs)
                                   .where(NodeRunRow.run_id == run_id,
                                          NodeRunRow.node_id == node_id)).one_or_none()
        where = f"node '{node_id}'" + (f" (port '{port}')" if port else "") + f" of run '{run_id}'"
        if node is None:
            return (f"There is no {where}: the run has no such node, or the node never ran. "
                    f"`mlwire show PROJECT {run_id}` lists its nodes.")
        node_type, status, outputs = node
        if status not in ("done", "cached"):
            return f"The {where} has no model: the node {status}."
        models = [p for p, info in outputs.items()
                  if isinstance(info, dict) and info.get("type") == "Model"]
        if not models:
            return (f"The {where} produced no model (its type is '{node_type}'). Choose the "
                    "train node whose Model output you want.")
        return (f"The {where} has no kept model file (the run was recorded by an older MLWire or "
                "its model came from the cache without its file). Run the pipeline again with "
                "--no-cache to keep it.")


def write_joblib(model, target: Path) -> Path:
    """The model's scikit-learn Pipeline with joblib, written atomically."""
    import joblib
    target = Path(target)
    partial = target.with_name(f".{target.name}.partial")
    try:
        joblib.dump(model.pipeline, partial)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ProjectError(f"Could not write '{target}' ({exc.strerror}). Check the folder "
                           "exists and is writable.") from exc
    return target
