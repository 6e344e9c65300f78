"""The engine: runs a frozen snapshot of a pipeline in worker processes, with caching.

One loop: check, compute cache keys in data-flow order, take what the cache has, then dispatch
ready nodes to idle workers and collect their results. A failure stops only its dependants;
independent branches run in parallel and finish; cancel kills the workers.
"""
from __future__ import annotations

import os
import pickle
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.model import Pipeline
from nodes.base import InferContext, NodeError

from .cache import OutputCache, cache_key
from .checker import ERROR, check
from .environment import environment
from .events import (Listener, NodeCached, NodeCancelled, NodeFailed, NodeFinished, NodeLog,
                     NodeProgress, NodeQueued, NodeSkipped, NodeStarted, RunFinished, RunStarted)
from .pool import DATA_LIBRARIES, WorkerHandle, WorkerPool
from .worker import artifact_blob
from .schemas import propagate_schemas

__all__ = ["Engine", "RunResult"]

DONE_STATES = ("done", "cached")
STOPPED_STATES = ("failed", "skipped", "cancelled")


@dataclass
class RunResult:
    run_id: str
    status: str                                   # succeeded | failed | cancelled
    seconds: float
    node_states: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    node_seconds: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, dict[str, dict]] = field(default_factory=dict)  # node -> port -> summary
    metrics: dict[str, dict] = field(default_factory=dict)  # evaluate node -> Metrics JSON

    def flat_metrics(self) -> dict[str, dict[str, float]]:
        from nodes.values import Metrics
        return {node: Metrics.from_json(m).flat() for node, m in self.metrics.items()}


class Engine:
    def __init__(self, cache_dir: Path | None = None, workers: int | None = None,
                 cache_secret: bytes | None = None, preload: tuple[str, ...] = DATA_LIBRARIES,
                 pool: WorkerPool | None = None):
        self.cache = OutputCache(cache_dir, cache_secret) if cache_dir else None
        self.pool = pool if pool is not None else WorkerPool(workers, preload)
        self._cancel = threading.Event()
        self._last: dict[str, Any] = {}   # node -> {port: bytes} or CacheEntry, of the last run

    # -- public -----------------------------------------------------------------------------
    def cancel(self) -> None:
        """Stop the current run: its workers are killed at once. Safe from any thread."""
        self._cancel.set()

    def close(self) -> None:
        self.pool.close()

    def output(self, node_id: str, port: str) -> Any:
        """The value a node produced on `port` in the last run (unpickled here, on demand)."""
        held = self._last.get(node_id)
        if held is None:
            raise KeyError(f"node '{node_id}' has no output from the last run")
        blob = held[port] if isinstance(held, dict) else held.blob(port)
        return pickle.loads(blob)

    def will_compute(self, pipeline: Pipeline, base_dir: Path, *,
                     overrides: dict[str, dict] | None = None, use_cache: bool = True) -> bool:
        """Whether a run would compute anything (False: the cache has every output).

        Lets a caller start a worker early, while it does other work, only when one is needed."""
        run = _Run(self, pipeline, Path(base_dir), overrides or {}, None, use_cache,
                   lambda event: None, "plan")
        run.plan_all()
        return "queued" in run.state.values()

    def run(self, pipeline: Pipeline, base_dir: Path, *, overrides: dict[str, dict] | None = None,
            targets: list[str] | None = None, use_cache: bool = True,
            listener: Listener | None = None, run_id: str | None = None) -> RunResult:
        self._cancel.clear()
        run = _Run(self, pipeline.snapshot(), Path(base_dir), overrides or {}, targets, use_cache,
                   listener or (lambda event: None), run_id or uuid.uuid4().hex[:12])
        try:
            return run.execute()
        finally:
            self._last = run.held


class _Run:
    """The state of one run; lives only inside Engine.run."""

    def __init__(self, engine: Engine, pipeline: Pipeline, base_dir: Path, overrides, targets,
                 use_cache: bool, listener: Listener, run_id: str):
        self.engine, self.pipeline, self.base_dir = engine, pipeline, base_dir
        self.overrides, self.use_cache, self.emit = overrides, use_cache, listener
        self.started = time.perf_counter()
        self.result = RunResult(run_id, "running", 0.0)
        self.schemas = propagate_schemas(pipeline, base_dir, overrides)
        order = pipeline.topological_order()
        if targets:
            wanted = set(targets).union(*(pipeline.ancestors(t) for t in targets))
            order = [n for n in order if n in wanted]
        self.order = order
        self.state: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self.held: dict[str, Any] = {}      # node -> {port: bytes} or CacheEntry
        self.fingerprints: dict[str, dict[str, str]] = {}

    # -- helpers ----------------------------------------------------------------------------
    def upstream(self, node_id: str) -> list[str]:
        return [e.source for e in self.pipeline.in_edges(node_id)]

    def set_state(self, node_id: str, state: str) -> None:
        self.state[node_id] = state
        self.result.node_states[node_id] = state

    def fail(self, node_id: str, message: str, details: str = "", seconds: float = 0.0) -> None:
        self.set_state(node_id, "failed")
        self.result.errors[node_id] = message
        self.emit(NodeFailed(node_id, message, details, seconds))

    def finish(self, node_id: str, summary: dict, seconds: float, cached: bool,
               artifacts: dict[str, bytes] | None = None) -> None:
        self.set_state(node_id, "cached" if cached else "done")
        self.result.outputs[node_id] = summary
        self.result.node_seconds[node_id] = seconds
        for port, info in summary.items():
            if info.get("type") == "Metrics":
                self.result.metrics[node_id] = info["metrics"]
        event = NodeCached if cached else NodeFinished
        self.emit(event(node_id, seconds, summary, self.fingerprints.get(node_id, {}),
                        artifacts or {}))

    def skip_dependants(self, node_id: str, why: str) -> None:
        for other in self.order:
            if self.state.get(other) == "queued" and other in self.pipeline.descendants(node_id):
                self.set_state(other, "skipped")
                self.emit(NodeSkipped(other, why))

    # -- phases -----------------------------------------------------------------------------
    def plan_all(self) -> None:
        """Decide each node's start: failed (checker errors), skipped, cached or queued."""
        findings = check(self.pipeline, self.base_dir, self.overrides, self.schemas)
        blocked: dict[str, list[str]] = {}
        for f in findings:
            if f.severity == ERROR and f.node_id in self.schemas:
                blocked.setdefault(f.node_id, []).append(f.message)
        for node_id in self.order:
            self.plan(node_id, blocked.get(node_id))

    def execute(self) -> RunResult:
        self.emit(RunStarted(self.result.run_id, self.pipeline.to_json(), self.overrides,
                             {n: self.schemas[n].params for n in self.order}, environment(),
                             list(self.order)))
        self.plan_all()
        try:
            self.schedule()
        except KeyboardInterrupt:  # Ctrl+C in a terminal: a cancel, recorded as one
            self.engine._cancel.set()
            self.cancel_all()
        finally:
            if self.engine._cancel.is_set():
                self.engine.pool.kill_all()
        return self.conclude()

    def plan(self, node_id: str, problems: list[str] | None) -> None:
        stopped = [u for u in self.upstream(node_id) if self.state.get(u) in STOPPED_STATES]
        if stopped:
            self.set_state(node_id, "skipped")
            self.emit(NodeSkipped(node_id, f"{self.pipeline.display_name(stopped[0])} did not finish."))
            return
        if problems:
            self.fail(node_id, " ".join(problems))
            return
        node = self.pipeline.node(node_id)
        node_type = self.pipeline.node_type(node_id)
        params = self.schemas[node_id].params
        try:
            fingerprint = node_type.fingerprint(params, InferContext(node_id, self.base_dir))
        except NodeError as exc:
            self.fail(node_id, f"{self.pipeline.display_name(node_id)}: {exc}")
            return
        if fingerprint:
            self.fingerprints[node_id] = {str(params.get("path", node_id)): fingerprint}
        inputs = {e.target_port: (self.keys[e.source], e.source_port)
                  for e in self.pipeline.in_edges(node_id)}
        key = cache_key(node.type, node_type.version, params, inputs, fingerprint)
        self.keys[node_id] = key
        cache = self.engine.cache
        entry = cache.get(key) if (cache and self.use_cache) else None
        if entry is not None and set(entry.ports) >= {p.name for p in node_type.outputs}:
            self.held[node_id] = entry
            artifacts = {}
            for port, info in entry.summary.items():
                if info.get("artifact_sha256") and artifact_blob(port) in entry.ports:
                    artifacts[port] = entry.blob(artifact_blob(port))
            self.finish(node_id, entry.summary, entry.seconds, cached=True, artifacts=artifacts)
        else:
            self.set_state(node_id, "queued")
            self.emit(NodeQueued(node_id))

    def ready(self) -> list[str]:
        return [n for n in self.order if self.state.get(n) == "queued"
                and all(self.state.get(u) in DONE_STATES for u in self.upstream(n))]

    def schedule(self) -> None:
        pool = self.engine.pool
        pool.reset()
        while any(s in ("queued", "running") for s in self.state.values()):
            if self.engine._cancel.is_set():
                self.cancel_all()
                return
            ready = self.ready()
            # Start only as many workers as there is work for; each costs a core while it starts.
            pool.ensure_started(len(pool.busy()) + len(ready))
            for node_id in ready:
                idle = pool.idle()
                if not idle:
                    break
                self.dispatch(node_id, self.pick_worker(node_id, idle))
            if not pool.busy():
                if not self.ready():  # nothing running and nothing can start: a bug, not a hang
                    for n in [n for n, s in self.state.items() if s == "queued"]:
                        self.fail(n, f"{self.pipeline.display_name(n)} could not be scheduled.")
                    return
                continue
            for worker in pool.wait(timeout=0.1):
                self.collect(worker)

    def pick_worker(self, node_id: str, idle: list[WorkerHandle]) -> WorkerHandle:
        """Prefer the worker that already holds this node's inputs in memory."""
        wanted = {(self.keys[e.source], e.source_port) for e in self.pipeline.in_edges(node_id)}
        return max(idle, key=lambda w: len(wanted & w.holds))

    def dispatch(self, node_id: str, worker: WorkerHandle) -> None:
        node = self.pipeline.node(node_id)
        node_type = self.pipeline.node_type(node_id)
        inputs = {}
        for e in self.pipeline.in_edges(node_id):
            ref = (self.keys[e.source], e.source_port)
            if ref in worker.holds:
                inputs[e.target_port] = ("mem", *ref)
            else:
                held = self.held[e.source]
                blob = held[e.source_port] if isinstance(held, dict) else held.blob(e.source_port)
                inputs[e.target_port] = ("blob", *ref, blob)
                worker.holds.add(ref)
        cache = self.engine.cache
        running = len(self.engine.pool.busy()) + 1
        task = {
            "node_id": node_id, "type_id": node.type, "title": node_type.title,
            "node_class": f"{type(node_type).__module__}:{type(node_type).__qualname__}",
            "params": self.schemas[node_id].params, "base_dir": str(self.base_dir),
            "inputs": inputs, "key": self.keys[node_id],
            "cache_path": str(cache.path(self.keys[node_id])) if cache else None,
            "cache_secret": cache.key if cache else None,
            "threads": max(1, (os.cpu_count() or 1) // running) if running > 1 else None,
        }
        worker.busy_with = node_id
        self.set_state(node_id, "running")
        self.emit(NodeStarted(node_id))
        worker.send(("run", task))

    def collect(self, worker: WorkerHandle) -> None:
        try:
            while worker.conn.poll():
                self.handle(worker, worker.conn.recv())
                if worker.busy_with is None:
                    return
            dead = not worker.alive
        except (EOFError, OSError):  # the pipe closed: the worker is gone or going
            dead = True
        if worker.busy_with is not None and dead:
            node_id = worker.busy_with
            worker.process.join(timeout=5)
            code = worker.process.exitcode
            self.engine.pool.replace(worker)
            self.fail(node_id, f"{self.pipeline.display_name(node_id)}: the worker process running "
                               f"this node stopped unexpectedly (exit code {code}). The node may "
                               "have run out of memory or crashed its interpreter.")
            self.skip_dependants(node_id, f"{self.pipeline.display_name(node_id)} failed.")

    def handle(self, worker: WorkerHandle, message: tuple) -> None:
        kind, node_id = message[0], message[1]
        if kind == "progress":
            self.emit(NodeProgress(node_id, message[2], message[3]))
        elif kind == "log":
            self.emit(NodeLog(node_id, message[2]))
        elif kind == "done":
            _, _, blobs, artifacts, summary, seconds = message
            worker.busy_with = None
            worker.holds.update((self.keys[node_id], port) for port in blobs)
            self.held[node_id] = blobs
            self.finish(node_id, summary, seconds, cached=False, artifacts=artifacts)
        elif kind == "failed":
            _, _, text, details, seconds, _param, _column = message
            worker.busy_with = None
            self.fail(node_id, text, details, seconds)
            self.skip_dependants(node_id, f"{self.pipeline.display_name(node_id)} failed.")

    def cancel_all(self) -> None:
        self.engine.pool.kill_all()
        for node_id, state in list(self.state.items()):
            if state in ("queued", "running"):
                self.set_state(node_id, "cancelled")
                self.emit(NodeCancelled(node_id))

    def conclude(self) -> RunResult:
        states = set(self.state.values())
        if "cancelled" in states:
            status = "cancelled"
        elif states & {"failed", "skipped"}:
            status = "failed"
        else:
            status = "succeeded"
        self.result.status = status
        self.result.seconds = time.perf_counter() - self.started
        first_error = next(iter(self.result.errors.values()), "")
        self.emit(RunFinished(self.result.run_id, status, self.result.seconds,
                              dict(self.result.metrics), first_error))
        return self.result
