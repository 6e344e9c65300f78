"""Writing whole runs at once (imports, scripts, benchmarks): one transaction for any number."""
from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Iterable

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from designer.engine.environment import environment as current_environment

from .coltypes import utcnow
from .db import Database
from .entities import RUN_STATUSES, NewRun
from .errors import ProjectError
from .metrics_json import refresh_metrics_json
from .orm import MetricRow, MetricStepRow, RunInputRow, RunRow, RunTagRow
from .recorder import _scalar, _NOT_SCALAR

__all__ = ["write_runs", "metric_value"]

_TABLES = (RunRow, MetricRow, RunTagRow, MetricStepRow, RunInputRow)
_INSERTS = {table: insert(table.__table__) for table in _TABLES}   # built once, reused


def metric_value(value) -> float | None:
    """A metric as stored: a float, None for NaN; anything else is refused."""
    number = _scalar(value)
    if number is _NOT_SCALAR:
        raise ProjectError(f"A metric must be a number; got {value!r}.")
    return number


def write_runs(db: Database, runs: Iterable[NewRun], batch: int = 2000) -> int:
    """Insert the runs with executemany batches inside one write transaction."""
    try:
        with db.transaction() as conn:
            count = _write(conn, runs, batch)
    except IntegrityError as exc:
        raise ProjectError(f"A logged run repeats an id or a metric already recorded in "
                           f"'{db.path.name}'; nothing was written ({exc.orig}).") from exc
    return count


def _write(conn, runs: Iterable[NewRun], batch: int) -> int:
    env = None
    count = 0
    buffers: dict = {table: [] for table in _TABLES}
    pid, host = os.getpid(), socket.gethostname()

    def flush() -> None:
        measured = {row["run_id"] for row in buffers[MetricRow]}
        for table, rows in buffers.items():
            if rows:
                conn.execute(_INSERTS[table], rows)
                rows.clear()
        if measured:        # the listing's copy of the metrics, in this same transaction
            refresh_metrics_json(conn, measured)

    for run in runs:
        if run.status not in RUN_STATUSES or run.status == "running":
            raise ProjectError(f"Run '{run.id}' has status '{run.status}'; a logged run is "
                               f"one of {', '.join(RUN_STATUSES[1:])}.")
        if not run.environment and env is None:
            env = current_environment()          # captured once, not per run
        started = run.started_at or utcnow()
        buffers[RunRow].append(dict(
            id=run.id, pipeline_name=str(run.pipeline.get("name", "untitled")),
            pipeline=run.pipeline, overrides=run.overrides, params=run.params,
            status=run.status, started_at=started,
            finished_at=started + timedelta(seconds=run.seconds or 0.0),
            seconds=run.seconds, environment=run.environment or env, error=run.error,
            pid=pid, hostname=host))
        for node_id, values in run.metrics.items():
            buffers[MetricRow] += [dict(run_id=run.id, node_id=node_id, name=name,
                                        value=metric_value(v)) for name, v in values.items()]
        buffers[RunTagRow] += [dict(run_id=run.id, key=k, value=str(v))
                               for k, v in run.tags.items()]
        for node_id, series in run.series.items():
            for name, points in series.items():
                buffers[MetricStepRow] += [dict(run_id=run.id, node_id=node_id, name=name,
                                                step=int(step), value=metric_value(v))
                                           for step, v in points]
        for node_id, files in run.inputs.items():
            buffers[RunInputRow] += [dict(run_id=run.id, node_id=node_id, path=path,
                                          sha256=sha) for path, sha in files.items()]
        count += 1
        if len(buffers[RunRow]) >= batch:
            flush()
    flush()
    return count
