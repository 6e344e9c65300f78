"""The schema the migrations create equals the checked-in dump and the ORM models (no drift)."""
from __future__ import annotations

import re

from sqlalchemy import create_engine

from designer.store import Project
from designer.store.orm import Base
from store_schema_dump import SCHEMA_SQL, dump_schema


def test_migrations_create_the_checked_in_schema(tmp_path):
    path = tmp_path / "p.mlw"
    Project.open(path, create=True).close()
    assert dump_schema(path) == SCHEMA_SQL.read_text(), (
        "The schema changed. If intended, run tests/store/store_schema_dump.py and review "
        "the diff of tests/store/schema.sql.")


def test_the_orm_models_describe_the_same_schema(tmp_path):
    migrated, modelled = tmp_path / "migrated.mlw", tmp_path / "modelled.db"
    Project.open(migrated, create=True).close()
    engine = create_engine(f"sqlite:///{modelled}")
    Base.metadata.create_all(engine)
    engine.dispose()
    # Whitespace aside: SQLite writes a column added by ALTER TABLE ADD COLUMN (runs.metrics_json)
    # on the line of the column before it; names, types, order and constraints must all agree.
    assert _words(dump_schema(modelled, pragmas=False)) == _words(dump_schema(migrated,
                                                                               pragmas=False))


def _words(sql: str) -> str:
    return re.sub(r"\s+", " ", sql)
