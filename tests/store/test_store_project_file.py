"""Opening, creating, refusing, upgrading, copying and closing `.mlw` project files."""
from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from store_probes import file_state, sqlite_value
from store_events import succeeded_run
from designer.store import (APPLICATION_ID, SCHEMA_VERSION, Project, ProjectError, RunRecorder,
                            UnknownRunError)

ROOT = Path(__file__).resolve().parents[2]


# -- a new project --------------------------------------------------------------------------------
def test_a_new_project_is_at_head_and_marked_as_mlwire(tmp_path):
    path = tmp_path / "new.mlw"
    with Project.open(path, create=True) as project:
        assert project.pipelines.names() == [] and project.runs.list() == []
    assert sqlite_value(path, "PRAGMA application_id") == APPLICATION_ID == 0x4D4C5752
    assert sqlite_value(path, "PRAGMA user_version") == SCHEMA_VERSION
    assert sqlite_value(path, "SELECT version_num FROM alembic_version") == f"{SCHEMA_VERSION:04d}"
    assert [p.name for p in tmp_path.iterdir()] == ["new.mlw"]    # no scratch file left over


def test_a_missing_file_without_create_is_an_error(tmp_path):
    with pytest.raises(ProjectError, match="There is no project file at .*create=True"):
        Project.open(tmp_path / "nothing.mlw")
    assert not (tmp_path / "nothing.mlw").exists()


def test_a_project_in_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(ProjectError, match="does not exist"):
        Project.open(tmp_path / "no" / "such" / "p.mlw", create=True)


# -- refusals: the file is left byte-for-byte untouched -------------------------------------------
def _foreign_sqlite(path: Path, application_id: int = 0, user_version: int = 0) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('mine')")
    conn.execute(f"PRAGMA application_id = {application_id:d}")
    conn.execute(f"PRAGMA user_version = {user_version:d}")
    conn.commit()
    conn.close()


def _newer_project(path: Path) -> None:
    Project.open(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1:d}")
    conn.close()


REFUSED = {
    "text": (lambda p: p.write_text("sepal_length,species\n5.1,setosa\n"),
             r"not an MLWire project: it is a text file.*SQLite database written by MLWire"),
    "json": (lambda p: p.write_text('{"format": "mlwire.pipeline/1", "nodes": []}'),
             r"looks like JSON.*mlwire run FILE"),
    "binary": (lambda p: p.write_bytes(bytes(range(256)) * 4), r"binary data of an unknown kind"),
    "zero bytes": (lambda p: p.write_bytes(b""), r"is an empty file \(0 bytes\)"),
    "cut short": (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x10" * 20),
                  r"only 36 bytes long, so it is damaged"),
    "other application": (lambda p: _foreign_sqlite(p, application_id=0x12345678),
                          r"SQLite database of another application.*0x12345678.*0x4D4C5752 'MLWR'"),
    "plain sqlite": (_foreign_sqlite, r"another application.*application id is not set"),
    "newer mlwire": (_newer_project, r"written by a newer version of MLWire \(file format "
                                     rf"revision {SCHEMA_VERSION + 1}.*Update MLWire"),
}


@pytest.mark.parametrize("kind", REFUSED)
@pytest.mark.parametrize("mode", [{}, {"create": True}, {"read_only": True}])
def test_a_file_that_is_not_a_project_of_ours_is_refused_untouched(tmp_path, kind, mode):
    path = tmp_path / "thing.mlw"
    make, message = REFUSED[kind]
    make(path)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))   # an old mtime, so any write shows
    before = file_state(path)
    with pytest.raises(ProjectError, match=message) as refused:
        Project.open(path, **mode)
    text = str(refused.value)
    assert str(path) in text and "left untouched" in text and "\n" not in text
    assert file_state(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thing.mlw"]   # no -wal, -shm, backup


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(ProjectError, match="is a folder"):
        Project.open(tmp_path)


# -- upgrading an older file ----------------------------------------------------------------------
def test_an_older_project_is_backed_up_then_upgraded(tmp_path):
    # Revision 0: an MLWire file before any table (the oldest "older" file that can exist today;
    # fixture files of revision 1 come with revision 2).
    path = tmp_path / "old.mlw"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
    conn.close()
    with Project.open(path) as project:
        assert project.runs.list() == []
        assert len(project.notices) == 1
        assert "old.mlw.bak-0" in project.notices[0] and "Upgraded" in project.notices[0]
    backup = tmp_path / "old.mlw.bak-0"
    assert sqlite_value(backup, "PRAGMA application_id") == APPLICATION_ID
    assert sqlite_value(backup, "PRAGMA user_version") == 0
    assert sqlite_value(backup, "SELECT count(*) FROM sqlite_master") == 0
    assert sqlite_value(path, "PRAGMA user_version") == SCHEMA_VERSION


def test_an_older_project_is_not_upgraded_read_only(tmp_path):
    path = tmp_path / "old.mlw"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
    conn.close()
    before = file_state(path)
    with pytest.raises(ProjectError, match="must be upgraded.*without read-only"):
        Project.open(path, read_only=True)
    assert file_state(path) == before


def test_schema_version_matches_the_newest_migration():
    from designer.store.migrate import head_revision
    assert head_revision() == SCHEMA_VERSION


def test_opening_an_up_to_date_project_does_not_import_alembic(tmp_path):
    path = tmp_path / "p.mlw"
    Project.open(path, create=True).close()
    code = ("import sys; from designer.store import Project; "
            f"Project.open({str(path)!r}).close(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


# -- while open, and after closing ----------------------------------------------------------------
def test_the_file_is_in_wal_mode_while_open_and_one_file_after_close(tmp_path):
    path = tmp_path / "p.mlw"
    with Project.open(path, create=True) as project:
        project.pipelines.save("p", {"nodes": []})
        assert project.db.pragma("journal_mode") == "wal"
        assert project.db.pragma("synchronous") == 2           # FULL
        assert project.db.pragma("foreign_keys") == 1
        assert project.db.pragma("busy_timeout") > 0
        assert (tmp_path / "p.mlw-wal").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.mlw"]
    assert sqlite_value(path, "PRAGMA journal_mode") == "delete"
    assert sqlite_value(path, "PRAGMA integrity_check") == "ok"
    assert sqlite_value(path, "SELECT count(*) FROM pipelines") == 1


def test_closing_twice_is_harmless_and_a_closed_project_says_so(tmp_path):
    project = Project.open(tmp_path / "p.mlw", create=True)
    project.close()
    project.close()
    assert project.closed
    with pytest.raises(ProjectError, match="is closed"):
        project.save_as(tmp_path / "copy.mlw")


def test_read_only_reads_but_refuses_to_write(tmp_path):
    path = tmp_path / "p.mlw"
    with Project.open(path, create=True) as project:
        project.pipelines.save("p", {"nodes": []})
    before = file_state(path)
    with Project.open(path, read_only=True) as project:
        assert project.pipelines.names() == ["p"]
        with pytest.raises(ProjectError, match="opened read-only"):
            project.pipelines.save("q", {"nodes": []})
    assert file_state(path) == before


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_a_project_in_a_read_only_folder_opens_read_only_only(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    path = folder / "p.mlw"
    with Project.open(path, create=True) as project:
        project.pipelines.save("p", {})
    folder.chmod(0o555)
    try:
        with pytest.raises(ProjectError, match="cannot be written.*Open it read-only"):
            Project.open(path)
        with Project.open(path, read_only=True) as project:
            assert project.pipelines.names() == ["p"]
    finally:
        folder.chmod(0o755)


def test_two_projects_objects_can_share_one_file(tmp_path):
    path = tmp_path / "p.mlw"
    with Project.open(path, create=True) as gui, Project.open(path) as cli:
        cli.pipelines.save("from-cli", {"nodes": []})
        assert gui.pipelines.names() == ["from-cli"]
    assert sqlite_value(path, "PRAGMA integrity_check") == "ok"


def test_save_as_writes_a_complete_copy(tmp_path, project):
    project.pipelines.save("p", {"nodes": [{"id": "a"}]})
    recorder = RunRecorder(project)
    for event in succeeded_run("run1"):
        recorder(event)
    copy = project.save_as(tmp_path / "copy.mlw")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.mlw"]
    assert sqlite_value(copy, "PRAGMA journal_mode") == "delete"
    with Project.open(copy) as copied:
        assert copied.pipelines.get("p") == {"nodes": [{"id": "a"}]}
        assert copied.runs.get("run1") == project.runs.get("run1")
    with pytest.raises(ProjectError, match="already exists"):
        project.save_as(copy)
    with pytest.raises(ProjectError, match="own file"):
        project.save_as(project.path)
    project.save_as(copy, overwrite=True)


# -- crash recovery -------------------------------------------------------------------------------
def test_a_run_left_running_by_a_dead_process_becomes_interrupted(tmp_path):
    path = tmp_path / "p.mlw"
    with Project.open(path, create=True) as project:
        recorder = RunRecorder(project)
        for event in succeeded_run("dead")[:5]:       # started, never finished
            recorder(event)
        assert project.runs.get("dead").status == "running"
    dead_pid = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True).stdout.strip()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE runs SET pid = ? WHERE id = 'dead'", (int(dead_pid),))
    conn.execute("INSERT INTO runs (id, pipeline_name, pipeline, overrides, params, status, "
                 "started_at, environment, pid, hostname) VALUES ('elsewhere', 'p', '{}', '{}', "
                 "'{}', 'running', '2026-01-01 00:00:00', '{}', ?, 'another-host')", (dead_pid,))
    conn.commit()
    conn.close()
    with Project.open(path) as project:
        assert project.interrupted_runs == ("dead",)
        run = project.runs.get("dead")
        assert run.status == "interrupted" and run.finished_at is not None
        assert "stopped before the run finished" in run.error
        assert project.runs.get("elsewhere").status == "running"   # not ours to judge
        assert run.hostname == socket.gethostname()


def test_a_running_run_of_a_live_process_is_left_alone(tmp_path, project):
    recorder = RunRecorder(project)
    recorder(succeeded_run("live")[0])
    with Project.open(project.path) as again:
        assert again.interrupted_runs == ()
        assert again.runs.get("live").status == "running"


def test_unknown_run_is_a_clear_error(project):
    with pytest.raises(UnknownRunError, match="There is no run 'nope'"):
        project.runs.get("nope")
