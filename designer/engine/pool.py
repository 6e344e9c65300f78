"""A small pool of worker processes that the engine can kill at once (that is how Cancel works)."""
from __future__ import annotations

import multiprocessing as mp
import os
from multiprocessing.connection import Connection, wait

from .worker import worker_main

__all__ = ["WorkerPool", "WorkerHandle", "DATA_LIBRARIES", "default_workers"]

# What workers import at start, in parallel with the engine's planning.
DATA_LIBRARIES = ("pandas", "sklearn")


def default_workers() -> int:
    """MLWIRE_WORKERS, or one worker per core up to two."""
    return int(os.environ.get("MLWIRE_WORKERS", 0)) or min(2, os.cpu_count() or 1)


class WorkerHandle:
    def __init__(self, ctx, index: int, preload: tuple[str, ...]):
        self.index = index
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=worker_main, args=(child, preload), daemon=True,
                                   name=f"mlwire-worker-{index}")
        self.process.start()
        child.close()
        self.busy_with: str | None = None  # node id
        self.holds: set[str] = set()       # cache keys whose outputs this worker has in memory

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def send(self, message) -> None:
        self.conn.send(message)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """Starts workers on first use; `kill_all` ends them at once, the next run starts new ones."""

    def __init__(self, size: int | None = None, preload: tuple[str, ...] = DATA_LIBRARIES):
        self.size = max(1, size or default_workers())
        self.preload = preload
        self._ctx = mp.get_context("spawn")  # safe beside Qt threads and OpenMP pools
        self.workers: list[WorkerHandle] = []

    def ensure_started(self, wanted: int | None = None) -> None:
        """Have `wanted` live workers (at most the pool's size; default: all of them)."""
        wanted = self.size if wanted is None else min(self.size, wanted)
        # a dead worker that was running a node stays until the runner collects it and fails
        # that node; dropped here, the node would be left "running" with nobody to finish it
        self.workers = [w for w in self.workers if w.alive or w.busy_with is not None]
        while len(self.workers) < wanted:
            self.workers.append(WorkerHandle(self._ctx, len(self.workers), self.preload))

    def idle(self) -> list[WorkerHandle]:
        return [w for w in self.workers if w.busy_with is None and w.alive]

    def busy(self) -> list[WorkerHandle]:
        return [w for w in self.workers if w.busy_with is not None]

    def reset(self) -> None:
        """Forget the outputs workers hold from a previous run."""
        for w in self.workers:
            if w.alive:
                w.send(("reset",))
            w.holds.clear()

    def wait(self, timeout: float | None) -> list[WorkerHandle]:
        """Workers with a message ready (or whose process died)."""
        by_conn = {w.conn: w for w in self.busy()}
        by_sentinel = {w.process.sentinel: w for w in self.busy()}
        ready = wait(list(by_conn) + list(by_sentinel), timeout)
        out = []
        for obj in ready:
            w = by_conn.get(obj) if isinstance(obj, Connection) else by_sentinel.get(obj)
            if w is not None and w not in out:
                out.append(w)
        return out

    def replace(self, worker: WorkerHandle) -> None:
        """Drop a dead or killed worker; ensure_started brings a new one when needed."""
        worker.kill()
        self.workers = [w for w in self.workers if w is not worker]

    def kill_all(self) -> None:
        for w in self.workers:
            w.kill()
        self.workers = []

    def close(self) -> None:
        """End every worker now: an idle worker holds nothing worth waiting for."""
        self.kill_all()
