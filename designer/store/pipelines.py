"""The pipelines saved in a project: one JSON document per unique name."""
from __future__ import annotations

import json

from sqlalchemy import delete, select

from .coltypes import to_json_value, utcnow
from .db import Database
from .entities import PipelineInfo
from .errors import ProjectError, UnknownPipelineError
from .orm import PipelineRow

__all__ = ["PipelineStore"]


def _info(row: PipelineRow) -> PipelineInfo:
    return PipelineInfo(row.name, row.document, row.created_at, row.updated_at)


class PipelineStore:
    """`project.pipelines`: save, read, list and delete pipeline documents by name."""

    def __init__(self, db: Database):
        self._db = db

    def save(self, name: str, doc: dict) -> PipelineInfo:
        """Insert or replace the pipeline called `name`; one transaction."""
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
            session.flush()
            session.refresh(row)            # return what was stored (JSON round trip)
            return _info(row)

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
    def _unknown(session, name: str) -> str:
        names = list(session.scalars(select(PipelineRow.name).order_by(PipelineRow.name)))
        known = ", ".join(f"'{n}'" for n in names) if names else "none yet"
        return f"There is no pipeline '{name}' in this project (saved pipelines: {known})."
