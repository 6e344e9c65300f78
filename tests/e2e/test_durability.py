"""SIGKILL `mlwire run` at ten different moments: the project file stays whole and keeps every
earlier run."""
import os
import signal
import sqlite3
import subprocess
import sys
import time

from e2e_cli import ROOT, run_json


def integrity(project):
    with sqlite3.connect(f"file:{project}?mode=ro", uri=True) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def run_ids(project):
    with sqlite3.connect(f"file:{project}?mode=ro", uri=True) as db:
        return {row[0] for row in db.execute("SELECT id FROM runs WHERE status = 'succeeded'")}


def test_killed_runs_leave_the_project_whole(examples):
    first = run_json("diabetes.pipeline.json", cwd=examples)
    project = examples / "diabetes.mlw"
    kept = {first["run_id"]}
    # From just after start (opening, creating tables) to mid-training and recording.
    moments = [0.2, 0.5, 0.8, 1.1, 1.5, 1.9, 2.4, 3.0, 3.7, 4.5]
    for moment in moments:
        process = subprocess.Popen(
            [sys.executable, "-m", "designer.cli", "run", "diabetes.pipeline.json", "--no-cache"],
            cwd=examples, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
        time.sleep(moment)
        finished = process.poll() is not None
        os.killpg(process.pid, signal.SIGKILL)  # the command and its workers, like a power cut
        process.wait(30)
        assert integrity(project) == "ok", f"after a kill at {moment} s"
        ids = run_ids(project)
        assert kept <= ids, f"an earlier run was lost after a kill at {moment} s"
        if finished:
            kept = ids
    # The project still opens and runs; killed runs show as interrupted, not running.
    last = run_json("diabetes.pipeline.json", cwd=examples)
    assert last["status"] == "succeeded"
    with sqlite3.connect(project) as db:
        statuses = {row[0] for row in db.execute("SELECT status FROM runs")}
    assert "running" not in statuses
    assert kept | {last["run_id"]} <= run_ids(project)
