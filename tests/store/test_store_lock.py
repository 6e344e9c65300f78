"""One careful writer: a second process is told who holds the project; stale locks are taken over."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from designer.store import Project, ProjectError, ProjectLockedError
from designer.store.lock import lock_path

ROOT = Path(__file__).resolve().parents[2]

HOLD = textwrap.dedent("""
    import sys, time
    from designer.store import Project
    project = Project.open(sys.argv[1], create=True, exclusive=True, program="MLWire designer")
    project.pipelines.save("held", {"nodes": []})
    print("ready", flush=True)
    sys.stdin.readline()            # hold until told (or killed)
    project.close()
""")


def _holder(path: Path) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], cwd=ROOT,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    return child


def test_a_second_process_is_told_who_holds_the_project_and_can_read_it(tmp_path):
    path = tmp_path / "p.mlw"
    child = _holder(path)
    try:
        with pytest.raises(ProjectLockedError) as refused:
            Project.open(path, exclusive=True)
        holder = refused.value.holder
        assert (holder.pid, holder.host, holder.program) == (child.pid, socket.gethostname(),
                                                             "MLWire designer")
        message = str(refused.value)
        assert f"process {child.pid} on {socket.gethostname()}" in message
        assert "since" in message and "Open it read-only" in message
        assert Project.lock_holder(path) == holder
        with Project.open(path, read_only=True) as reader:          # offered instead
            assert reader.pipelines.names() == ["held"]
        with Project.open(path) as short_writer:                    # e.g. `mlwire run`
            assert any("open for editing in MLWire designer" in n for n in short_writer.notices)
    finally:
        child.stdin.write("\n")
        child.stdin.close()
        assert child.wait(timeout=30) == 0
    assert not lock_path(path).exists()
    assert Project.lock_holder(path) is None
    with Project.open(path, exclusive=True) as project:             # free again
        assert project.notices == ()


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_the_lock_of_a_killed_process_is_recognised_as_stale(tmp_path):
    path = tmp_path / "p.mlw"
    child = _holder(path)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert lock_path(path).exists()                                  # left behind ...
    assert Project.lock_holder(path) is None                         # ... but nobody holds it
    with Project.open(path, exclusive=True) as project:
        (notice,) = project.notices
        assert f"left locked by MLWire designer (process {child.pid}" in notice
        assert "no longer running" in notice
        assert project.pipelines.names() == ["held"]
        assert json.loads(lock_path(path).read_text())["pid"] == os.getpid()


def test_a_lock_file_written_by_a_dead_process_is_stale(tmp_path):
    path = tmp_path / "p.mlw"
    Project.open(path, create=True).close()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    lock_path(path).write_text(json.dumps({"pid": int(dead), "host": socket.gethostname(),
                                           "since": "2026-01-02T03:04:05+00:00"}))
    with Project.open(path, exclusive=True) as project:
        assert f"process {dead}" in project.notices[0]


def test_in_one_process_a_second_exclusive_open_is_refused_too(tmp_path):
    path = tmp_path / "p.mlw"
    with Project.open(path, create=True, exclusive=True):
        with pytest.raises(ProjectLockedError, match=f"process {os.getpid()}"):
            Project.open(path, exclusive=True)
        with pytest.raises(ProjectError, match="read-only takes no writer lock"):
            Project.open(path, read_only=True, exclusive=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.mlw"]
