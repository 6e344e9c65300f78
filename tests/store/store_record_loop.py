"""Runs recorded in a tight loop until the process is killed (the durability test's child).

Writes "ready" once the project is open, then the id of every run whose RunFinished returned,
one line each. Also runnable alone: `python store_record_loop.py PROJECT TAG`.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).parent)]

from designer.store import Project, RunRecorder  # noqa: E402
from store_events import failed_run, succeeded_run  # noqa: E402


def record_forever(path: str, tag: str, out_fd: int = 1) -> None:
    project = Project.open(path, create=True)
    # flush_seconds=0: a commit after every node, so kills often land inside a commit.
    recorder = RunRecorder(project, flush_seconds=0.0)
    os.write(out_fd, b"ready\n")        # one write per line: atomic on a pipe
    for i in range(1_000_000):
        run_id = f"{tag}-{i:05d}"
        events = failed_run(run_id) if i % 3 == 2 else succeeded_run(run_id, accuracy=i / 1000)
        for event in events:
            recorder(event)
            time.sleep(0.0005)
        os.write(out_fd, f"{run_id}\n".encode())


if __name__ == "__main__":
    record_forever(sys.argv[1], sys.argv[2])
