"""A process recording runs is SIGKILLed at random moments; the project stays whole."""
from __future__ import annotations

import multiprocessing
import os
import random
import sqlite3
import time
from pathlib import Path

import pytest

from designer.store import Project
from store_events import NODE_IDS
from store_probes import listed_metrics, metric_rows
from store_record_loop import record_forever

KILLS = 10

# fork: the child starts in milliseconds with everything imported, so ten kills stay quick.
pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="needs fork and SIGKILL (POSIX)")


def _kill_at_random(path: Path, tag: str, rng: random.Random,
                    after_a_run: bool = False) -> list[str]:
    """Start a recorder process, SIGKILL it mid-work, return the run ids it reported finished.
    `after_a_run`: kill only after it reported a finished run (a busy machine can be so slow
    that every random moment falls before the first run ends)."""
    read_fd, write_fd = os.pipe()
    child = multiprocessing.get_context("fork").Process(target=record_forever,
                                                        args=(str(path), tag, write_fd))
    child.start()
    os.close(write_fd)
    with os.fdopen(read_fd) as out:
        first = []
        try:
            if after_a_run:
                assert out.readline().strip() == "ready"
                first.append(out.readline().strip())
                time.sleep(rng.uniform(0.0, 0.25))
            elif rng.random() < 0.3:
                time.sleep(rng.uniform(0.0, 0.03))     # sometimes while it opens the project
            else:
                assert out.readline().strip() == "ready"
                time.sleep(rng.uniform(0.0, 0.25))
            child.kill()                                # SIGKILL
        finally:
            child.join(timeout=30)
        assert child.exitcode == -9
        return first + [line.strip() for line in out.read().splitlines()
                        if line.strip() not in ("", "ready")]


def _check_complete(project: Project, run_id: str) -> None:
    run = project.runs.get(run_id)
    index = int(run_id.rsplit("-", 1)[1])
    assert len(run.nodes) == len(NODE_IDS), run_id
    if index % 3 == 2:
        assert run.status == "failed" and run.node("split").status == "failed"
    else:
        assert run.status == "succeeded"
        assert run.metrics["eval"]["accuracy"] == index / 1000


def test_sigkill_at_any_moment_leaves_every_earlier_run_intact(tmp_path):
    path = tmp_path / "killed.mlw"
    rng = random.Random(20240601)
    reported: list[str] = []
    for kill in range(KILLS):
        reported += _kill_at_random(path, f"k{kill}", rng, after_a_run=kill == KILLS - 1)
        if not path.exists():
            continue                                # killed before the project was created
        with Project.open(path) as project:         # marks the killed run interrupted
            runs = project.runs.list()
            assert "running" not in {r.status for r in runs}
            for run_id in reported:
                _check_complete(project, run_id)
            for run in runs:                        # finished, killed before reporting: whole
                if run.status in ("succeeded", "failed"):
                    _check_complete(project, run.id)
            assert listed_metrics(project) == metric_rows(project)    # one commit wrote both
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.close()
    with Project.open(path) as project:
        statuses = [r.status for r in project.runs.list()]
    assert reported and statuses.count("interrupted") >= 1
    assert set(statuses) <= {"succeeded", "failed", "interrupted"}
