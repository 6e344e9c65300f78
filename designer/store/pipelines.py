"""The pipelines saved in a project: one JSON document per unique name, and every saved revision."""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import delete, func, select

from .coltypes import to_json_value, utcnow
from .db import Database
from .entities import PipelineInfo, PipelineRevisionInfo
from .errors import ProjectError, UnknownPipelineError
from .orm import PipelineRevisionRow, PipelineRow

__all__ = ["PipelineStore"]


def _info(row: PipelineRow) -> PipelineInfo:
    return PipelineInfo(row.name, row.document, row.created_at, row.updated_at)


def document_digest(doc: dict) -> str:
    """sha256 of the document's canonical JSON (sorted keys): equal documents, equal digests."""
    canonical = json.dumps(to_json_value(doc), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _revision_info(row: PipelineRevisionRow, nodes: int) -> PipelineRevisionInfo:
    return PipelineRevisionInfo(row.pipeline_name, row.revision, row.saved_at, row.sha256, nodes)


class PipelineStore:
    """`project.pipelines`: save, read, list and delete pipeline documents by name."""

    def __init__(self, db: Database):
        self._db = db

    def save(self, name: str, doc: dict) -> PipelineInfo:
        """Insert or replace the pipeline called `name`, and add it as a new revision when it
        differs from the last one saved under that name; one transaction."""
        if not isinstance(name, str) or not name.strip():
            raise ProjectError("A pipeline needs a non-empty name to be saved in the project.")
        if not isinstance(doc, dict):
            raise ProjectError(f"Pipeline '{name}' must be saved as a JSON object (a dict), "
                               f"not {type(doc).__name__}.")
        try:
            json.dumps(to_json_value(doc))
        except (TypeError, ValueError) as exc:
            raise ProjectError(f"Pipeline '{name}' cannot be saved: it holds a value that is not "
                               f"JSON ({exc}).") from exc
        now = utcnow()
        with self._db.session(write=True) as session:
            row = session.scalars(self._named(name)).one_or_none()
            if row is None:
                row = PipelineRow(name=name, document=doc, created_at=now, updated_at=now)
                session.add(row)
            else:
                row.document = doc
                row.updated_at = now
            self._add_revision(session, name, doc, now)
            session.flush()
            session.refresh(row)            # return what was stored (JSON round trip)
            return _info(row)

    @staticmethod
    def _add_revision(session, name: str, doc: dict, now) -> None:
        digest = document_digest(doc)
        last = session.execute(
            select(PipelineRevisionRow.revision, PipelineRevisionRow.sha256)
            .where(PipelineRevisionRow.pipeline_name == name)
            .order_by(PipelineRevisionRow.revision.desc()).limit(1)).first()
        if last is not None and last.sha256 == digest:
            return                  # saved unchanged: no new revision
        session.add(PipelineRevisionRow(pipeline_name=name, revision=(last.revision + 1) if last
                                        else 1, document=doc, sha256=digest, saved_at=now))

    def revisions(self, name: str) -> list[PipelineRevisionInfo]:
        """The saved revisions of the pipeline called `name`, newest first (also of a pipeline
        that has since been deleted)."""
        with self._db.session() as session:
            rows = session.execute(
                select(PipelineRevisionRow,
                       func.json_array_length(PipelineRevisionRow.document, "$.nodes"))
                .where(PipelineRevisionRow.pipeline_name == name)
                .order_by(PipelineRevisionRow.revision.desc())).all()
            if not rows:
                raise UnknownPipelineError(self._unknown(session, name, history=True))
            return [_revision_info(row, nodes or 0) for row, nodes in rows]

    def revision(self, name: str, number: int) -> dict:
        """The pipeline document of revision `number` of `name`."""
        with self._db.session() as session:
            row = session.scalars(select(PipelineRevisionRow).where(
                PipelineRevisionRow.pipeline_name == name,
                PipelineRevisionRow.revision == number)).one_or_none()
            if row is None:
                known = list(session.scalars(
                    select(PipelineRevisionRow.revision)
                    .where(PipelineRevisionRow.pipeline_name == name)
                    .order_by(PipelineRevisionRow.revision)))
                if not known:
                    raise UnknownPipelineError(self._unknown(session, name, history=True))
                raise UnknownPipelineError(f"Pipeline '{name}' has no revision {number} "
                                           f"(revisions 1 to {known[-1]}).")
            return row.document

    def info(self, name: str) -> PipelineInfo:
        with self._db.session() as session:
            row = session.scalars(self._named(name)).one_or_none()
            if row is None:
                raise UnknownPipelineError(self._unknown(session, name))
            return _info(row)

    def get(self, name: str) -> dict:
        """The pipeline JSON document saved under `name`."""
        return self.info(name).document

    def names(self) -> list[str]:
        with self._db.session() as session:
            return list(session.scalars(select(PipelineRow.name).order_by(PipelineRow.name)))

    def list(self) -> list[PipelineInfo]:
        with self._db.session() as session:
            return [_info(r)
                    for r in session.scalars(select(PipelineRow).order_by(PipelineRow.name))]

    def delete(self, name: str) -> None:
        """Remove the saved pipeline; its runs (which keep their own snapshot) stay."""
        with self._db.session(write=True) as session:
            if session.execute(delete(PipelineRow).where(PipelineRow.name == name)).rowcount == 0:
                raise UnknownPipelineError(self._unknown(session, name))

    def __contains__(self, name: str) -> bool:
        with self._db.session() as session:
            return session.scalars(self._named(name)).first() is not None

    @staticmethod
    def _named(name: str):
        return select(PipelineRow).where(PipelineRow.name == name)

    @staticmethod
    def _unknown(session, name: str, history: bool = False) -> str:
        column = PipelineRevisionRow.pipeline_name if history else PipelineRow.name
        names = list(session.scalars(select(column).distinct().order_by(column)))
        known = ", ".join(f"'{n}'" for n in names) if names else "none yet"
        return f"There is no pipeline '{name}' in this project (saved pipelines: {known})."
