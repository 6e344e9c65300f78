"""Alembic environment of the project file: batch mode (SQLite), one transaction per upgrade.

At runtime designer.store.migrate passes an open connection in `config.attributes`. For writing
a new revision, point designer/store/alembic.ini at a scratch project at head and run
`alembic -c designer/store/alembic.ini revision --autogenerate -m "..."`; then give the file the
next number as its revision id, end its upgrade with `PRAGMA user_version = <number>`, and raise
SCHEMA_VERSION in designer/store/header.py.
"""
from alembic import context

from designer.store.db import make_engine
from designer.store.orm import Base

config = context.config


def run_migrations(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=True, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("MLWire migrations run on a project file, not as offline SQL scripts.")

connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:   # the alembic command line, for developers
    path = config.get_main_option("sqlalchemy.url").removeprefix("sqlite:///")
    engine = make_engine(path, wal=False, foreign_keys=False, pooled=False)
    with engine.connect() as conn:
        run_migrations(conn)
        conn.commit()
