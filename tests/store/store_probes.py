"""Probes of project files for the store tests: exact file state, one SQLite value, metrics
as listed against the metric rows."""
from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

__all__ = ["file_state", "sqlite_value", "listed_metrics", "metric_rows"]


def file_state(path: Path) -> tuple[bytes, int]:
    """The exact bytes and modification time of a file, to prove it was not touched."""
    return path.read_bytes(), path.stat().st_mtime_ns


def sqlite_value(path: Path, statement: str):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(statement).fetchone()[0]
    finally:
        conn.close()


def _in_order(metrics: dict) -> list:
    return [(node, list(values.items())) for node, values in metrics.items()]


def listed_metrics(project) -> dict[str, list]:
    """run id -> its metrics as `mlwire runs --json` prints them (the runs rows' JSON text),
    as [(node, [(name, value), ...]), ...] so that the order counts too."""
    return {line["id"]: _in_order(line["metrics"])
            for line in map(json.loads, project.runs.json_lines())}


def metric_rows(project) -> dict[str, list]:
    """listed_metrics() read from the metric rows, one by one: nodes by id, a node's metrics
    in recorded order, NaN and infinities as null (JSON has neither)."""
    conn = sqlite3.connect(project.path)
    try:
        out: dict[str, dict] = {run_id: {} for (run_id,) in conn.execute("SELECT id FROM runs")}
        for run_id, node_id, name, value in conn.execute(
                "SELECT run_id, node_id, name, value FROM metrics ORDER BY node_id, id"):
            out[run_id].setdefault(node_id, {})[name] = (
                None if value is None or math.isinf(value) else value)
        return {run_id: _in_order(metrics) for run_id, metrics in out.items()}
    finally:
        conn.close()
