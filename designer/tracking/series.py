"""Values across many runs for the Runs tab and its charts: metric and parameter names, the
parameters that differ, and one field's value per run; each one query however many runs."""
from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import func, select, true

from designer.store import Project
from designer.store.orm import MetricRow, RunRow

from .filterlang import parse_field
from .query import _sort_column, compile_filter

__all__ = ["metric_names", "varied_params", "field_values", "run_params", "run_summaries", "run_ids"]


def metric_names(project: Project, recent: int = 200) -> list[str]:
    """The metric keys worth a column or an axis: `name`, or `node.name` when several evaluate
    nodes of the newest `recent` runs log that name. Names come from the (name, value) index,
    so this stays fast with 10,000 runs."""
    newest = select(RunRow.id).order_by(RunRow.started_at.desc()).limit(recent)
    with project.db.session() as session:
        names = list(session.scalars(select(MetricRow.name).distinct()))
        pairs = session.execute(select(MetricRow.node_id, MetricRow.name).distinct()
                                .where(MetricRow.run_id.in_(newest))).all()
    nodes: dict[str, list[str]] = {}
    for node_id, name in pairs:
        nodes.setdefault(name, []).append(node_id)
    out = []
    for name in sorted(names, key=_natural):
        found = sorted(nodes.get(name, ()))
        out += [f"{n}.{name}" for n in found] if len(found) > 1 else [name]
    return out


def _natural(text: str) -> list:
    """metric_2 before metric_10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def varied_params(project: Project, filter: str | None = None, newest: int = 1000) -> list[str]:
    """The `node.param` keys whose value is not the same in every run matching `filter` (absent
    in some counts as different): the parameters worth a column or a chart axis. Looks at the
    `newest` matching runs, so that it stays quick over 10,000."""
    runs = (select(RunRow.id).where(*compile_filter(filter))
            .order_by(RunRow.started_at.desc()).limit(newest))
    where = [RunRow.id.in_(runs)]
    nodes = func.json_each(RunRow.params).table_valued("key", "value").alias("node")
    params = func.json_each(nodes.c.value).table_valued("key", "value", "type").alias("param")
    key = nodes.c.key.concat(".").concat(params.c.key)
    total = select(func.count()).select_from(RunRow).where(*where).scalar_subquery()
    distinct = func.count(func.distinct(params.c.type.concat(":").concat(
        func.coalesce(params.c.value, ""))))
    query = (select(key).select_from(RunRow).join(nodes, true()).join(params, true()).where(*where)
             .group_by(key).having((distinct > 1) | (func.count() < total)).order_by(key))
    with project.db.session() as session:
        return list(session.scalars(query))


def run_params(project: Project, run_ids: list[str]) -> dict[str, dict[str, Any]]:
    """run id -> {`node.param`: effective value, `$name`: pipeline parameter} for a few runs."""
    rows = project.runs.values(
        [RunRow.params, func.json_extract(RunRow.pipeline, "$.parameters")],
        where=[RunRow.id.in_(run_ids)])
    out = {}
    for run_id, params, pipeline_params in rows:
        flat = {f"${k}": v for k, v in json.loads(pipeline_params or "{}").items()}
        flat.update({f"{node}.{name}": value for node, values in (params or {}).items()
                     for name, value in (values or {}).items()})
        out[run_id] = flat
    return out


def field_values(project: Project, fields: list[str], filter: str | None = None
                 ) -> list[tuple]:
    """(run id, value of each field) for every run matching `filter`, newest first; a field is
    a sort key of the filter language: `metrics.accuracy`, `params.split.fraction`, `seconds`."""
    columns = [_sort_column(parse_field(f)) for f in fields]
    return project.runs.values(columns, where=compile_filter(filter))


def run_summaries(project: Project, run_ids: list[str]) -> dict[str, Any]:
    """run id -> RunSummary (with metrics and tags) for a page of runs."""
    return {r.id: r for r in project.runs.summaries(where=[RunRow.id.in_(run_ids)])}


def run_ids(project: Project, filter: str | None = None, sort: str | None = None) -> list[str]:
    """The ids of the runs matching `filter` in `sort` order (then newest first)."""
    from .query import compile_sort
    return [row[0] for row in project.runs.values([], where=compile_filter(filter),
                                                  order_by=compile_sort(sort))]
