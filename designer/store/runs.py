"""Reading the run history: runs, their node runs and metrics; deleting runs; crash recovery."""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Callable, Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from .coltypes import utcnow
from .db import Database
from .entities import MetricsInfo, NodeRunInfo, RunInfo
from .errors import UnknownRunError
from .orm import MetricArtifactRow, MetricRow, NodeRunRow, RunRow

__all__ = ["RunStore"]


def _node_info(row: NodeRunRow) -> NodeRunInfo:
    return NodeRunInfo(row.node_id, row.node_type, row.status, row.seconds, row.message,
                       row.details, row.log, row.outputs, row.fingerprints)


def _run_info(row: RunRow, metrics: dict, nodes: tuple[NodeRunInfo, ...] | None) -> RunInfo:
    return RunInfo(id=row.id, pipeline_name=row.pipeline_name, status=row.status,
                   started_at=row.started_at, finished_at=row.finished_at, seconds=row.seconds,
                   pipeline=row.pipeline, overrides=row.overrides, params=row.params,
                   environment=row.environment, error=row.error, pid=row.pid,
                   hostname=row.hostname, metrics=metrics, nodes=nodes)


def _value(value: float | None) -> float:
    return math.nan if value is None else value    # SQLite stores NaN as NULL


def _unknown(run_id: str) -> str:
    return f"There is no run '{run_id}' in this project; `mlwire runs PROJECT` lists the runs."


def _metrics_by_run(session: Session, run_ids: Iterable[str]) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    ids = list(run_ids)
    if not ids:
        return out
    rows = session.execute(select(MetricRow.run_id, MetricRow.node_id, MetricRow.name,
                                  MetricRow.value)
                           .where(MetricRow.run_id.in_(ids))
                           .order_by(MetricRow.node_id, MetricRow.id))
    for run_id, node_id, name, value in rows:
        out[run_id].setdefault(node_id, {})[name] = _value(value)
    return out


class RunStore:
    """`project.runs`: the run history, newest first. The RunRecorder writes it."""

    def __init__(self, db: Database):
        self._db = db

    def list(self, pipeline: str | None = None, status: str | None = None,
             limit: int | None = None) -> list[RunInfo]:
        """Runs newest first, with their metrics; `nodes` is None (use get() for a run's nodes)."""
        query = select(RunRow).order_by(RunRow.started_at.desc(), RunRow.id.desc())
        if pipeline is not None:
            query = query.where(RunRow.pipeline_name == pipeline)
        if status is not None:
            query = query.where(RunRow.status == status)
        if limit is not None:
            query = query.limit(limit)
        with self._db.session() as session:
            rows = list(session.scalars(query))
            metrics = _metrics_by_run(session, (r.id for r in rows))
            return [_run_info(r, dict(metrics.get(r.id, {})), None) for r in rows]

    def get(self, run_id: str) -> RunInfo:
        """One run with its node runs (in the order they finished) and metrics."""
        with self._db.session() as session:
            row = session.scalars(select(RunRow).where(RunRow.id == run_id)
                                  .options(selectinload(RunRow.nodes))).one_or_none()
            if row is None:
                raise UnknownRunError(_unknown(run_id))
            metrics = _metrics_by_run(session, [run_id])
            return _run_info(row, dict(metrics.get(run_id, {})),
                             tuple(_node_info(n) for n in row.nodes))

    def ids(self) -> list[str]:
        with self._db.session() as session:
            return list(session.scalars(select(RunRow.id)
                                        .order_by(RunRow.started_at.desc(), RunRow.id.desc())))

    def metrics(self, run_id: str) -> dict[str, dict[str, float]]:
        """node id -> {metric name: value} of one run."""
        with self._db.session() as session:
            self._require(session, run_id)
            return dict(_metrics_by_run(session, [run_id]).get(run_id, {}))

    def metric_details(self, run_id: str) -> dict[str, MetricsInfo]:
        """node id -> the full metrics of each evaluate node (curves and tables for plots)."""
        with self._db.session() as session:
            self._require(session, run_id)
            values = _metrics_by_run(session, [run_id]).get(run_id, {})
            artifacts = session.scalars(select(MetricArtifactRow)
                                        .where(MetricArtifactRow.run_id == run_id)
                                        .order_by(MetricArtifactRow.id))
            return {a.node_id: MetricsInfo(run_id, a.node_id, a.task,
                                           {k: v for k, v in values.get(a.node_id, {}).items()
                                            if not k.startswith("b.")},
                                           a.curves, a.tables, a.b)
                    for a in artifacts}

    def delete(self, run_id: str) -> None:
        """Remove a run and everything recorded for it."""
        with self._db.session(write=True) as session:
            if session.execute(delete(RunRow).where(RunRow.id == run_id)).rowcount == 0:
                raise UnknownRunError(_unknown(run_id))

    def recover_interrupted(self, hostname: str, is_alive: Callable[[int], bool]) -> list[str]:
        """Mark 'interrupted' the runs this host left 'running' from a process that is gone.

        Reads first and writes only when there is something to fix, so a normal open stays
        read-only. Runs of other hosts (a project on a shared drive) are left alone.
        """
        with self._db.session() as session:
            candidates = session.execute(select(RunRow.id, RunRow.pid)
                                         .where(RunRow.status == "running",
                                                RunRow.hostname == hostname)).all()
        dead = [run_id for run_id, pid in candidates if pid is None or not is_alive(pid)]
        if dead:
            with self._db.session(write=True) as session:
                session.execute(update(RunRow)
                                .where(RunRow.id.in_(dead), RunRow.status == "running")
                                .values(status="interrupted", finished_at=utcnow(),
                                        error="The process recording this run stopped before "
                                              "the run finished (killed, crashed or powered off)."))
        return dead

    @staticmethod
    def _require(session: Session, run_id: str) -> None:
        if session.scalar(select(RunRow.id).where(RunRow.id == run_id)) is None:
            raise UnknownRunError(_unknown(run_id))
