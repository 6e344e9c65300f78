"""A database password used by an import node never lands in the project file (even in free
pages: checked after VACUUM), its cache, the exported script, the logs or an error message."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from designer.model import load_pipeline
from designer.trust import guarded_nodes, trust
from tests.nodes import postgres
from tests.nodes.node_examples import write_tiny_csv
from tests.nodes.data_examples import write_sqlite

ROOT = Path(__file__).resolve().parents[2]
SECRET = postgres.PASSWORD
CLI = [sys.executable, "-c", "import sys; sys.path.insert(0, %r); from designer.cli import "
       "main; sys.exit(main())" % str(ROOT)]


def _closed_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pipeline(folder: Path, pg_url: str | None) -> Path:
    ref = "${MLWIRE_TEST_PGPASSWORD}"
    nodes = [
        {"id": "local", "type": "import_from_database",
         "params": {"url": "sqlite:///tiny.sqlite", "query": "SELECT * FROM tiny"}},
        {"id": "refused", "type": "import_from_database",
         "params": {"url": f"postgresql://mlwire:{ref}@127.0.0.1:{_closed_port()}/postgres",
                    "query": "SELECT 1 AS one"}},
        {"id": "save", "type": "export_data", "params": {"path": "out/local.csv"}},
    ]
    edges = [{"source": "local", "source_port": "data", "target": "save", "target_port": "data"}]
    if pg_url:
        nodes += [{"id": "pg", "type": "import_from_database",
                   "params": {"url": pg_url, "query": "SELECT 42 AS answer"}},
                  {"id": "pg_save", "type": "export_data", "params": {"path": "out/pg.csv"}}]
        edges.append({"source": "pg", "source_port": "data", "target": "pg_save",
                      "target_port": "data"})
    path = folder / "secrets.pipeline.json"
    path.write_text(json.dumps({"format": "mlwire.pipeline/1", "name": "secrets",
                                "nodes": nodes, "edges": edges}, indent=1))
    for guarded in guarded_nodes(load_pipeline(path), folder):
        trust(guarded.type_id, guarded.content, names=tuple(k for k in guarded.content
                                                            if k != "type"))
    return path


def _no_secret_anywhere(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), f"the password is in {path}"


@pytest.fixture
def server_url(request):
    """The PostgreSQL server's URL when PostgreSQL is installed, else None (the SQLite and
    refused-connection nodes still use the password)."""
    if postgres.unavailable():
        return None
    return request.getfixturevalue("pg").url()


def test_the_password_never_reaches_files_scripts_logs_or_errors(tmp_path, monkeypatch,
                                                                 server_url):
    monkeypatch.setenv("MLWIRE_TEST_PGPASSWORD", SECRET)
    write_tiny_csv(tmp_path)
    write_sqlite(tmp_path)
    path = _pipeline(tmp_path, server_url)
    project = tmp_path / "secrets.mlw"
    env = {**os.environ, "MLWIRE_WORKERS": "1"}
    done = subprocess.run(CLI + ["run", str(path), "--project", str(project), "--json"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 1, done.stderr  # the refused connection fails its node only
    result = json.loads(done.stdout)
    assert result["nodes"]["refused"]["status"] == "failed"
    assert result["nodes"]["save"]["status"] == "done"
    assert "Could not connect to the database" in done.stderr + done.stdout
    if server_url:
        assert result["nodes"]["pg_save"]["status"] == "done"
        assert (tmp_path / "out" / "pg.csv").read_text() == "answer\n42\n"
    for text in (done.stdout, done.stderr):
        assert SECRET not in text
    shown = subprocess.run(CLI + ["show", str(project), result["run_id"]], capture_output=True,
                           text=True, timeout=120, env=env)
    assert "Could not connect" in shown.stdout + shown.stderr
    assert SECRET not in shown.stdout + shown.stderr
    with sqlite3.connect(project) as db:
        db.execute("VACUUM")
    db.close()

    script = tmp_path / "exported.py"
    done = subprocess.run(CLI + ["export", str(path), "-o", str(script)], capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path, env=env)
    assert "Could not connect to the database" in ran.stderr  # the refused node, by name
    assert SECRET not in ran.stdout + ran.stderr
    _no_secret_anywhere(tmp_path)
