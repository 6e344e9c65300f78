"""The runs row's metrics as JSON text (`runs.metrics_json`), kept in step with the metric rows.

Listing 10,000 runs as JSON then concatenates one stored text per run instead of making SQLite
aggregate 200,000 metric rows on every listing. The metric rows stay the source of truth (filters,
sorting, `mlwire show`); whoever writes them calls refresh_metrics_json() in the same
transaction, so the text can never disagree with them, not even after a crash.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from sqlalchemy import String, bindparam, case, func, literal, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from .orm import MetricRow, RunRow

__all__ = ["json_number", "json_text", "sql_concat", "sql_text", "metrics_json_of",
           "refresh_metrics_json"]


def json_text(value) -> Any:
    return literal(value, String) if isinstance(value, str) else value


def sql_concat(*parts) -> Any:
    """SQL string concatenation (`||`) of expressions and literal texts (bound, never spliced)."""
    out = json_text(parts[0])
    for part in parts[1:]:
        out = out.concat(json_text(part))
    return out


def sql_text(name: str, *args) -> Any:
    return getattr(func, name)(*args, type_=String)


def json_number(column) -> Any:
    """A REAL as JSON number text that reads back as exactly the same double: 17 significant
    digits (SQLite's shorter text and its own text-to-real reading are not always exact);
    NULL (NaN) and infinities as null."""
    return case((column.is_(None), "null"), (func.abs(column) > 1.7976931348623157e308, "null"),
                else_=sql_text("printf", "%!.17g", column))


def metrics_json_of(run_id) -> Any:
    """SQL for the metrics of run `run_id` (a column or a value) as RunSummary.to_json() holds
    them: {"node": {"name": value, ...}, ...}, nodes by id, a node's metrics in recorded order."""
    by_node = (select(MetricRow.node_id.label("node"),
                      sql_concat(sql_text("json_quote", MetricRow.name), ": ",
                           json_number(MetricRow.value)).label("item"))
               .where(MetricRow.run_id == run_id).correlate(RunRow)
               .order_by(MetricRow.node_id, MetricRow.id).subquery())
    nodes = (select(sql_concat(sql_text("json_quote", by_node.c.node), ": {",
                         sql_text("group_concat", by_node.c.item, ", "), "}").label("item"))
             .group_by(by_node.c.node).subquery())
    text = select(sql_concat("{", sql_text("group_concat", nodes.c.item, ", "),
                             "}")).scalar_subquery()
    return func.coalesce(text, "{}", type_=String)


@lru_cache(maxsize=1)
def _refresh_sql() -> tuple[str, list]:
    """The UPDATE as SQLite text with its parameters in order, the run id's place marked None:
    made once, since building and compiling the statement costs far more than running it."""
    statement = (update(RunRow).where(RunRow.id == bindparam("run_id"))
                 .values(metrics_json=metrics_json_of(RunRow.id)))
    compiled = statement.compile(dialect=sqlite.dialect())
    return str(compiled), [None if name == "run_id" else compiled.params[name]
                           for name in compiled.positiontup]


def refresh_metrics_json(conn, run_ids: Iterable[str]) -> None:
    """Rewrite `runs.metrics_json` of these runs from their metric rows; call it in the
    transaction that wrote the rows (`conn` is a Connection or a Session)."""
    if isinstance(conn, Session):
        conn = conn.connection()
    sql, params = _refresh_sql()
    slot = params.index(None)
    rows = [tuple(params[:slot] + [run_id] + params[slot + 1:])
            for run_id in dict.fromkeys(run_ids)]
    if rows:
        conn.exec_driver_sql(sql, rows)
