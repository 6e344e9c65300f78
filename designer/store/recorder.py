"""RunRecorder: a run-event listener that writes each run, its node runs, metrics and models.

Commits are few: the run row when the run starts (so a crash leaves a trace), node rows in one
transaction when the run finishes, and earlier only when a node fails or when rows have waited
longer than `flush_seconds` (so a long run that is killed keeps what it had done).

Model files (skops bytes, designer/artifacts.py) are kept content-addressed by their sha256: a
train node served from the cache in a rerun points at the same artifact row as the first run.
"""
from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.exc import IntegrityError

from designer.artifacts import sha256_of
from designer.engine.environment import environment as current_environment
from designer.engine.events import (NodeCached, NodeCancelled, NodeFailed, NodeFinished, NodeLog,
                                    NodeSkipped, RunEvent, RunFinished, RunStarted)

from .coltypes import utcnow
from .entities import RUN_STATUSES
from .errors import ProjectError
from .metrics_json import refresh_metrics_json
from .orm import (ArtifactRow, MetricArtifactRow, MetricRow, MetricStepRow, NodeRunRow,
                  RunArtifactRow, RunInputRow, RunRow)

__all__ = ["RunRecorder", "LOG_LIMIT"]

LOG_LIMIT = 64_000          # characters of log kept per node run; the end is kept
FLUSH_SECONDS = 2.0
log = logging.getLogger("designer.store")


@dataclass
class _NodeLog:
    text: str = ""
    dropped: int = 0

    def append(self, text: str) -> None:
        self.text += text
        excess = len(self.text) - LOG_LIMIT
        if excess > 0:
            self.text = self.text[excess:]
            self.dropped += excess

    def render(self) -> str:
        if not self.dropped:
            return self.text
        return f"[... {self.dropped} earlier characters of output not kept ...]\n{self.text}"


@dataclass
class _OpenRun:
    run_id: str
    node_types: dict[str, str]
    last_flush: float
    seq: int = 0
    logs: dict[str, _NodeLog] = field(default_factory=dict)
    node_rows: list[dict] = field(default_factory=list)
    metrics: dict[str, dict] = field(default_factory=dict)      # node id -> Metrics JSON
    metric_nodes: set[str] = field(default_factory=set)         # node ids with metrics recorded
    models: list[dict] = field(default_factory=list)            # run_artifacts rows to write
    blobs: dict[str, bytes] = field(default_factory=dict)       # sha256 -> skops bytes
    inputs: list[dict] = field(default_factory=list)            # run_inputs rows to write


def _split_outputs(outputs: dict[str, Any]) -> tuple[dict, dict | None]:
    """(outputs summary without the bulky metrics, the node's Metrics JSON if it has one)."""
    summary: dict[str, Any] = {}
    metrics = None
    for port, info in outputs.items():
        if isinstance(info, dict) and isinstance(info.get("metrics"), dict):
            summary[port] = {k: v for k, v in info.items() if k != "metrics"}
            metrics = metrics or info["metrics"]    # an evaluate node has one metrics port
        elif isinstance(info, dict) and info.get("type") == "Metrics" and "values" in info:
            summary[port] = {"type": "Metrics"}
            metrics = metrics or info
        else:
            summary[port] = info
    return summary, metrics


_NOT_SCALAR = object()


def _scalar(value: Any) -> Any:
    """A metric value as a float (None for NaN), or _NOT_SCALAR for a list, a text and the like."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return _NOT_SCALAR
    return None if math.isnan(number) else number


def _series_rows(run_id: str, node_id: str, metrics: dict) -> list[dict]:
    """Per-step values, from a Metrics JSON "series": {name: [[step, value], ...]}."""
    rows = []
    series = metrics.get("series")
    for name, points in (series.items() if isinstance(series, dict) else ()):
        for point in points or ():
            try:
                step, value = int(point[0]), _scalar(point[1])
            except (TypeError, ValueError, IndexError):
                continue
            if value is not _NOT_SCALAR:
                rows.append({"run_id": run_id, "node_id": node_id, "name": str(name),
                             "step": step, "value": value})
    return rows


def _metric_rows(run_id: str, node_id: str, metrics: dict) -> list[dict]:
    sets = [("", metrics.get("values"))]
    b = metrics.get("b")
    if isinstance(b, dict):     # the second data set, side by side: names prefixed with "b."
        sets.append(("b.", b.get("values")))
    rows = []
    for prefix, values in sets:
        for name, value in (values or {}).items():
            number = _scalar(value)
            if number is _NOT_SCALAR:
                log.warning("Metric %r of node %r is not a number (%r); it is kept only in the "
                            "node's metric details.", name, node_id, value)
                continue
            rows.append({"run_id": run_id, "node_id": node_id, "name": prefix + str(name),
                         "value": number})
    return rows


class RunRecorder:
    """Listen to a run's events and record them: `engine.run(..., listeners=[RunRecorder(p)])`.

    One run at a time (node events carry no run id); thread-safe, since the engine may report
    from worker threads.
    """

    def __init__(self, project, *, flush_seconds: float = FLUSH_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self._db = project.db
        self._flush_seconds = flush_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._run: _OpenRun | None = None

    @property
    def run_id(self) -> str | None:
        """The id of the run being recorded, if any."""
        return self._run.run_id if self._run else None

    def __call__(self, event: RunEvent) -> None:
        with self._lock:
            if isinstance(event, RunStarted):
                self._start(event)
            elif self._run is None:
                log.debug("Run event %r arrived outside a recorded run; ignored.", event)
            elif isinstance(event, RunFinished):
                self._finish(event)
            elif isinstance(event, NodeLog):
                self._run.logs.setdefault(event.node_id, _NodeLog()).append(event.text)
            elif isinstance(event, NodeFinished):     # NodeCached too (a subclass)
                self._node_finished(event)
            elif isinstance(event, NodeFailed):
                self._add_node(event.node_id, "failed", event.seconds, message=event.message,
                               details=event.details)
                self._flush()       # the failure is what a user will look for first
            elif isinstance(event, NodeSkipped):
                self._add_node(event.node_id, "skipped", None, message=event.reason)
            elif isinstance(event, NodeCancelled):
                self._add_node(event.node_id, "cancelled", None)

    # -- events ------------------------------------------------------------------------------
    def _start(self, event: RunStarted) -> None:
        if self._run is not None:
            raise ProjectError(f"Run '{event.run_id}' started while run '{self._run.run_id}' is "
                               "still being recorded; use one RunRecorder per concurrent run.")
        node_types = {n.get("id"): n.get("type", "") for n in event.pipeline.get("nodes", [])}
        try:
            with self._db.session(write=True) as session:   # committed before any node runs
                session.add(RunRow(
                    id=event.run_id, pipeline_name=str(event.pipeline.get("name", "untitled")),
                    pipeline=event.pipeline, overrides=event.overrides, params=event.params,
                    status="running", started_at=utcnow(),
                    environment=event.environment or current_environment(), error="",
                    pid=os.getpid(), hostname=socket.gethostname()))
        except IntegrityError as exc:
            raise ProjectError(f"A run with id '{event.run_id}' is already recorded in this "
                               "project; every run needs a new id.") from exc
        self._run = _OpenRun(event.run_id, node_types, last_flush=self._clock())

    def _node_finished(self, event: NodeFinished) -> None:
        summary, metrics = _split_outputs(event.outputs)
        if metrics is not None:     # before _add_node, which may flush
            self._run.metrics[event.node_id] = metrics
        self._keep_models(event, summary)
        self._run.inputs += [{"run_id": self._run.run_id, "node_id": event.node_id,
                              "path": str(path), "sha256": str(sha)}
                             for path, sha in event.fingerprints.items()]
        self._add_node(event.node_id, "cached" if isinstance(event, NodeCached) else "done",
                       event.seconds, outputs=summary, fingerprints=dict(event.fingerprints))

    def _keep_models(self, event: NodeFinished, summary: dict) -> None:
        """Queue each Model port's skops file; its hash must match what the worker recorded."""
        run = self._run
        for port, info in summary.items():
            sha = info.get("artifact_sha256") if isinstance(info, dict) else None
            if not sha:
                continue
            data = event.artifacts.get(port)
            if data is not None:
                if sha256_of(data) != sha:
                    log.warning("The model file of %s.%s in run %s does not match its sha256; it "
                                "was not kept.", event.node_id, port, run.run_id)
                    continue
                run.blobs[sha] = data
            # Without bytes (a cached node whose file is already kept) the link is made only
            # if the project has that file; see _flush.
            run.models.append({"run_id": run.run_id, "node_id": event.node_id, "port": port,
                               "sha256": sha})

    def _add_node(self, node_id: str, status: str, seconds: float | None, *, message: str = "",
                  details: str = "", outputs: dict | None = None,
                  fingerprints: dict | None = None) -> None:
        run = self._run
        node_log = run.logs.pop(node_id, None)
        run.seq += 1
        run.node_rows.append({
            "run_id": run.run_id, "seq": run.seq, "node_id": node_id,
            "node_type": run.node_types.get(node_id, ""), "status": status, "seconds": seconds,
            "message": message, "details": details,
            "log": node_log.render() if node_log else "",
            "outputs": outputs or {}, "fingerprints": fingerprints or {}})
        if self._clock() - run.last_flush >= self._flush_seconds:
            self._flush()

    def _finish(self, event: RunFinished) -> None:
        run = self._run
        if event.run_id != run.run_id:
            raise ProjectError(f"Run '{event.run_id}' finished, but the run being recorded is "
                               f"'{run.run_id}'.")
        if event.status not in RUN_STATUSES or event.status == "running":
            raise ProjectError(f"Run '{run.run_id}' finished with status '{event.status}'; "
                               f"expected one of {', '.join(RUN_STATUSES[1:])}.")
        for node_id, metrics in event.metrics.items():    # metrics the node events did not carry
            if node_id not in run.metric_nodes and isinstance(metrics, dict):
                run.metrics.setdefault(node_id, metrics)
        self._flush(final=event)
        self._run = None

    # -- writing -----------------------------------------------------------------------------
    def _flush(self, final: RunFinished | None = None) -> None:
        """Write what is buffered (and the final status) in one transaction."""
        run = self._run
        with self._db.session(write=True) as session:
            if run.node_rows:
                stmt = insert(NodeRunRow).values(run.node_rows)
                # Upsert: a node reported twice (cancelled, then skipped) keeps its last state.
                session.execute(stmt.on_conflict_do_update(
                    index_elements=["run_id", "node_id"],
                    set_={c: stmt.excluded[c] for c in ("seq", "node_type", "status", "seconds",
                                                        "message", "details", "log", "outputs",
                                                        "fingerprints")}))
            for node_id, metrics in run.metrics.items():
                self._write_metrics(session, run.run_id, node_id, metrics)
            if run.metrics:     # the listing's copy, in the transaction that wrote the rows
                refresh_metrics_json(session, [run.run_id])
            self._write_models(session, run)
            if run.inputs:
                stmt = insert(RunInputRow).values(run.inputs)
                session.execute(stmt.on_conflict_do_update(
                    index_elements=["run_id", "node_id", "path"],
                    set_={"sha256": stmt.excluded.sha256}))
            if final is not None:
                session.execute(update(RunRow).where(RunRow.id == run.run_id).values(
                    status=final.status, finished_at=utcnow(), seconds=final.seconds,
                    error=final.error or ""))
        run.metric_nodes.update(run.metrics)
        run.node_rows.clear()
        run.metrics.clear()
        run.models.clear()
        run.blobs.clear()
        run.inputs.clear()
        run.last_flush = self._clock()

    @staticmethod
    def _write_models(session, run: _OpenRun) -> None:
        if run.blobs:
            now = utcnow()
            session.execute(insert(ArtifactRow).values(
                [{"sha256": sha, "format": "skops", "size": len(data), "data": data,
                  "created_at": now} for sha, data in run.blobs.items()])
                .on_conflict_do_nothing(index_elements=["sha256"]))   # deduplicated by content
        if not run.models:
            return
        kept = set(session.scalars(select(ArtifactRow.sha256).where(
            ArtifactRow.sha256.in_({m["sha256"] for m in run.models}))))
        for missing in (m for m in run.models if m["sha256"] not in kept):
            log.warning("The model of %s.%s in run %s came from the cache without its file; the "
                        "run record has no model for it (run again with --no-cache to keep it).",
                        missing["node_id"], missing["port"], run.run_id)
        rows = [m for m in run.models if m["sha256"] in kept]
        if rows:
            stmt = insert(RunArtifactRow).values(rows)
            session.execute(stmt.on_conflict_do_update(
                index_elements=["run_id", "node_id", "port"],
                set_={"sha256": stmt.excluded.sha256}))

    @staticmethod
    def _write_metrics(session, run_id: str, node_id: str, metrics: dict) -> None:
        rows = _metric_rows(run_id, node_id, metrics)
        if rows:
            stmt = insert(MetricRow).values(rows)
            session.execute(stmt.on_conflict_do_update(
                index_elements=["run_id", "node_id", "name"], set_={"value": stmt.excluded.value}))
        steps = _series_rows(run_id, node_id, metrics)
        if steps:
            stmt = insert(MetricStepRow).values(steps)
            session.execute(stmt.on_conflict_do_update(
                index_elements=["run_id", "node_id", "name", "step"],
                set_={"value": stmt.excluded.value}))
        artifact = {"run_id": run_id, "node_id": node_id, "task": str(metrics.get("task") or ""),
                    "curves": metrics.get("curves") or {}, "tables": metrics.get("tables") or {},
                    "b": metrics.get("b")}
        stmt = insert(MetricArtifactRow).values(artifact)
        session.execute(stmt.on_conflict_do_update(
            index_elements=["run_id", "node_id"],
            set_={c: stmt.excluded[c] for c in ("task", "curves", "tables", "b")}))
