"""Fold evaluation on both cores: two worker processes that can be killed at the deadline.

The engine runs a node in a daemonic worker process, where multiprocessing (and so joblib's
loky) may not start children; these workers are plain subprocesses instead, one core each
(OMP/BLAS threads 1), fed over pipes. On Linux they die with their parent, so Cancel (which
kills the engine's worker) stops them too. Small problems run in-process: starting workers costs
more than it saves there.
"""
from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

from .evaluate import FoldResult, Problem, evaluate_fold
from .fold_worker import read_message, write_message

__all__ = ["FoldRunner", "InProcessRunner", "ProcessRunner", "make_runner"]

ROOT = Path(__file__).resolve().parents[2]
_ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


class FoldRunner:
    """Runs (trial, fold, spec) tasks until done or until the deadline (time.monotonic())."""

    workers = 1

    def run(self, tasks: list[tuple[int, int, dict]], deadline: float,
            on_result=None) -> tuple[list[FoldResult], bool]:
        """(results of the tasks that finished, True when the deadline cut some off);
        `on_result(result)` hears each as it arrives."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class InProcessRunner(FoldRunner):
    problem: Problem | None = None

    def set_problem(self, problem: Problem) -> None:
        self.problem = problem

    def run(self, tasks, deadline, on_result=None):
        from threadpoolctl import threadpool_limits
        results = []
        with threadpool_limits(limits=1):  # one core, as in the workers (OpenMP spins badly)
            for trial, fold, spec in tasks:
                if time.monotonic() >= deadline:
                    return results, True
                results.append(evaluate_fold(self.problem, trial, fold, spec))
                if on_result:
                    on_result(results[-1])
        return results, False


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class _Worker:
    """One fold-worker process: started at once (it imports pandas and scikit-learn meanwhile);
    the problem is written to it by a thread, so that a slow start never blocks the search."""

    def __init__(self):
        env = {**os.environ, **_ONE_THREAD,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                           os.environ.get("PYTHONPATH")]))}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "designer.automl.fold_worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=str(ROOT),
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        self.ready = False
        self.task: tuple | None = None

    def send_problem(self, problem: Problem) -> None:
        import threading

        def write() -> None:
            try:
                write_message(self.proc.stdin, ("problem", problem))
            except (OSError, ValueError):
                pass  # killed before it read the problem
        threading.Thread(target=write, daemon=True, name="automl-problem-writer").start()

    def send(self, task) -> None:
        self.task = task
        write_message(self.proc.stdin, ("fold", *task))

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


class ProcessRunner(FoldRunner):
    """Start it early (`ProcessRunner(2)`), give it the problem when known (`set_problem`)."""

    def __init__(self, workers: int = 2):
        self.workers = workers
        self.problem: Problem | None = None
        self.pool: list[_Worker] = []
        self._ensure()

    def set_problem(self, problem: Problem) -> None:
        self.problem = problem
        for w in self.pool:
            w.send_problem(problem)

    def _ensure(self) -> None:
        self.pool = [w for w in self.pool if w.proc.poll() is None]
        while len(self.pool) < self.workers:
            w = _Worker()
            if self.problem is not None:
                w.send_problem(self.problem)
            self.pool.append(w)

    def run(self, tasks, deadline, on_result=None):
        self._ensure()
        queue, results = list(tasks), []
        selector = selectors.DefaultSelector()
        for w in self.pool:
            selector.register(w.proc.stdout, selectors.EVENT_READ, w)
        try:
            for w in self.pool:
                if w.ready and queue:
                    w.send(queue.pop(0))
            while queue or any(w.task for w in self.pool):
                left = deadline - time.monotonic()
                if left <= 0:
                    self._kill_busy()
                    return results, True
                for key, _ in selector.select(timeout=min(left, 0.5)):
                    w = key.data
                    message = read_message(w.proc.stdout)
                    if message is None:  # the worker died (e.g. out of memory)
                        if w.task:
                            results.append(FoldResult(w.task[0], w.task[1], None, None, 0.0,
                                                      "the fold worker stopped unexpectedly"))
                        selector.unregister(w.proc.stdout)
                        w.kill()
                        w.task, w.ready = None, False
                        continue
                    if message[0] == "ready":
                        w.ready = True
                    elif message[0] == "result":
                        results.append(message[1])
                        w.task = None
                        if on_result:
                            on_result(message[1])
                    if w.ready and w.task is None and queue:
                        w.send(queue.pop(0))
                if not any(w.proc.poll() is None for w in self.pool) and queue:
                    self._ensure()  # every worker died: start fresh ones
                    return results + self.run(queue, deadline, on_result)[0], False
            return results, False
        finally:
            selector.close()

    def _kill_busy(self) -> None:
        for w in self.pool:
            if w.task is not None or not w.ready:
                w.kill()
        self.pool = [w for w in self.pool if w.proc.poll() is None]

    def close(self) -> None:
        for w in self.pool:
            w.kill()
        self.pool = []


def make_runner(workers: int) -> FoldRunner:
    """Worker processes start at once; give the runner its problem with set_problem()."""
    if workers <= 1:
        return InProcessRunner()
    return ProcessRunner(workers)
