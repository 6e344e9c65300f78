"""The schema of a project file as text; run this file to rewrite schema.sql.

Review the diff of schema.sql with every new migration: it is the file format.
"""
from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

SCHEMA_SQL = Path(__file__).with_name("schema.sql")


def dump_schema(path: Path, pragmas: bool = True) -> str:
    """Tables then indexes, by name; alembic's bookkeeping table and SQLite's own left out."""
    conn = sqlite3.connect(path)
    try:
        lines = []
        if pragmas:
            for name in ("application_id", "user_version"):
                lines.append(f"PRAGMA {name} = {conn.execute(f'PRAGMA {name}').fetchone()[0]};")
        rows = conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                            "AND name NOT LIKE 'sqlite_%' AND tbl_name != 'alembic_version' "
                            "ORDER BY type = 'index', name")
        for (sql,) in rows:
            lines.append("\n".join(line.rstrip() for line in sql.splitlines()) + ";")
        return "\n\n".join(lines) + "\n"
    finally:
        conn.close()


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from designer.store import Project
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "schema.mlw"
        Project.open(path, create=True).close()
        SCHEMA_SQL.write_text(dump_schema(path))
    print(f"wrote {SCHEMA_SQL}")


if __name__ == "__main__":
    main()
