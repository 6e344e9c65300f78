"""Filter and sort texts compiled to SQLAlchemy expressions over the run tables (never SQL text).

Fields: `status`, `pipeline`, `id`, `started_at`, `finished_at`, `seconds`, `error`;
`metrics.NAME` (any evaluate node) or `metrics.NODE.NAME`; `params.NODE.PARAM` or `params.PARAM`
(any node); `parameters.NAME` (the pipeline's own parameters); `tags.KEY`; `asset` (the runs
that read a registered data asset: `asset = "churn"` any version, `asset = "churn:2"` one).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import and_, exists, func, literal, not_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from designer.store.errors import UnknownAssetError
from designer.store.orm import (DataAssetRow, DataAssetVersionRow, MetricRow, RunInputRow, RunRow,
                                RunTagRow)

from .filterlang import (And, Compare, Field, FilterError, Node, Not, Or, parse_filter,
                         parse_sort)

__all__ = ["compile_filter", "compile_sort", "FIELDS_HELP"]

_ATTRIBUTES = {
    "status": RunRow.status, "pipeline": RunRow.pipeline_name,
    "pipeline_name": RunRow.pipeline_name, "id": RunRow.id, "run": RunRow.id,
    "started_at": RunRow.started_at, "started": RunRow.started_at,
    "finished_at": RunRow.finished_at, "seconds": RunRow.seconds, "error": RunRow.error,
}
_TIMES = {"started_at", "started", "finished_at"}
FIELDS_HELP = ("status, pipeline, id, started_at, finished_at, seconds, error, metrics.NAME, "
               "metrics.NODE.NAME, params.NODE.PARAM, params.PARAM, parameters.NAME, tags.KEY, "
               "asset")


def _json_path(*keys: str) -> str:
    # A bound parameter, never spliced into SQL; keys are quoted for SQLite's JSON path syntax.
    return "$" + "".join("." + json.dumps(k) for k in keys)


def _apply(column, op: str, value: Any) -> ColumnElement:
    if op == "in":
        values = [v for v in value if v is not None]
        clause = column.in_(values)
        return or_(clause, column.is_(None)) if None in value else clause
    if op == "like":
        return column.like(value)
    if value is None:
        if op == "=":
            return column.is_(None)
        if op == "!=":
            return column.is_not(None)
        raise FilterError(f"null can only be compared with = or !=, not {op}.")
    return {"=": column.__eq__, "!=": column.__ne__, "<": column.__lt__, "<=": column.__le__,
            ">": column.__gt__, ">=": column.__ge__}[op](value)


def _time(value: Any, field: Field) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise FilterError(f"{field} compares with a date or time such as \"2026-01-31\" or "
                          f"\"2026-01-31T14:00\"; got {value!r}.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _metric_match(parts: tuple[str, ...], table=MetricRow):
    """`accuracy` on any node; `evaluate.accuracy` on node 'evaluate' or a metric of that name."""
    if len(parts) == 1:
        return table.name == parts[0]
    return or_(and_(table.node_id == parts[0], table.name == ".".join(parts[1:])),
               table.name == ".".join(parts))


def _read_asset(ref: Any, field: Field) -> ColumnElement:
    """Runs that read the asset `name` (any version) or `name:3`, matched by content (sha256)."""
    from designer.store.assets import parse_asset_ref
    try:
        name, version = parse_asset_ref(str(ref))
    except UnknownAssetError as exc:
        raise FilterError(f"{field}: {exc}") from None
    used = (select(RunInputRow.run_id)
            .join(DataAssetVersionRow, DataAssetVersionRow.sha256 == RunInputRow.sha256)
            .join(DataAssetRow, DataAssetRow.id == DataAssetVersionRow.asset_id)
            .where(DataAssetRow.name == name))
    if version is not None:
        used = used.where(DataAssetVersionRow.version == version)
    return RunRow.id.in_(used)


def _asset(field: Field, op: str, value: Any) -> ColumnElement:
    if op == "like":
        return RunRow.id.in_(
            select(RunInputRow.run_id)
            .join(DataAssetVersionRow, DataAssetVersionRow.sha256 == RunInputRow.sha256)
            .join(DataAssetRow, DataAssetRow.id == DataAssetVersionRow.asset_id)
            .where(DataAssetRow.name.like(value)))
    if op == "in":
        return or_(*(_read_asset(v, field) for v in value))
    if op in ("=", "!=") and value is not None:
        used = _read_asset(value, field)
        return used if op == "=" else not_(used)
    raise FilterError(f"{field} takes = , !=, in or like with a data asset's name, e.g. "
                      f"{field} = \"churn\" or {field} = \"churn:2\".")


def _check_number(field: Field, op: str, value: Any) -> None:
    values = value if op == "in" else (value,)
    for v in values:
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise FilterError(f"{field} is a metric and compares with numbers; got {v!r}.")


def _compare(node: Compare) -> ColumnElement:
    field, op, value = node.field, node.op, node.value
    head, rest = field.parts[0], field.parts[1:]
    if head in _ATTRIBUTES and not rest:
        if head in _TIMES and op not in ("like",):
            value = tuple(_time(v, field) for v in value) if op == "in" else \
                (None if value is None else _time(value, field))
        return _apply(_ATTRIBUTES[head], op, value)
    if head in ("asset", "data") and not rest:
        return _asset(field, op, value)
    if head == "metrics" and rest:
        if op != "like":
            _check_number(field, op, value)
        # IN (uncorrelated) rather than EXISTS: one pass over the (name, value) index.
        return RunRow.id.in_(select(MetricRow.run_id).where(_metric_match(rest),
                                                            _apply(MetricRow.value, op, value)))
    if head == "tags" and rest:
        text = tuple(None if v is None else str(v) for v in value) if op == "in" else \
            (None if value is None else str(value))
        return RunRow.id.in_(select(RunTagRow.run_id).where(RunTagRow.key == ".".join(rest),
                                                            _apply(RunTagRow.value, op, text)))
    if head == "params" and len(rest) == 2:
        return _apply(func.json_extract(RunRow.params, _json_path(*rest)), op, _json_value(value))
    if head == "params" and len(rest) == 1:
        nodes = func.json_each(RunRow.params).table_valued("key", "value").alias("param_nodes")
        return exists(select(literal(1)).select_from(nodes).where(
            _apply(func.json_extract(nodes.c.value, _json_path(rest[0])), op,
                   _json_value(value))))
    if head == "parameters" and len(rest) == 1:
        return _apply(func.json_extract(RunRow.pipeline, _json_path("parameters", rest[0])), op,
                      _json_value(value))
    raise FilterError(_unknown_field(field))


def _json_value(value: Any) -> Any:
    """json_extract gives true/false as 1/0."""
    if isinstance(value, tuple):
        return tuple(_json_value(v) for v in value)
    return int(value) if isinstance(value, bool) else value


def _unknown_field(field: Field) -> str:
    hint = ""
    if len(field.parts) == 1 and field.parts[0] not in ("metrics", "params", "tags"):
        hint = f" For a metric write metrics.{field}; for a tag, tags.{field}."
    elif field.parts[0] == "params" and len(field.parts) > 3:
        hint = " Write params.NODE.PARAM, e.g. params.train.label_column."
    return f"Unknown field '{field}'.{hint} Fields: {FIELDS_HELP}."


def _compile(node: Node) -> ColumnElement:
    if isinstance(node, Compare):
        return _compare(node)
    if isinstance(node, And):
        return and_(*(_compile(n) for n in node.items))
    if isinstance(node, Or):
        return or_(*(_compile(n) for n in node.items))
    if isinstance(node, Not):
        return not_(_compile(node.item))
    raise TypeError(node)


def compile_filter(text: str | None) -> list[ColumnElement]:
    """WHERE clauses (a list, empty for no filter) for project.runs.summaries(where=...)."""
    tree = parse_filter(text or "")
    return [] if tree is None else [_compile(tree)]


def _sort_column(field: Field):
    head, rest = field.parts[0], field.parts[1:]
    if head in _ATTRIBUTES and not rest:
        return _ATTRIBUTES[head]
    if head == "metrics" and rest:
        return (select(MetricRow.value).where(MetricRow.run_id == RunRow.id, _metric_match(rest))
                .order_by(MetricRow.node_id).limit(1).scalar_subquery())
    if head == "tags" and rest:
        return (select(RunTagRow.value).where(RunTagRow.run_id == RunRow.id,
                                              RunTagRow.key == ".".join(rest))
                .scalar_subquery())
    if head == "params" and len(rest) == 2:
        return func.json_extract(RunRow.params, _json_path(*rest))
    if head == "parameters" and len(rest) == 1:
        return func.json_extract(RunRow.pipeline, _json_path("parameters", rest[0]))
    raise FilterError(f"Cannot sort by '{field}'. Sort keys: {FIELDS_HELP} (params.NODE.PARAM "
                      "only), each optionally followed by asc or desc.")


def compile_sort(text: str | None) -> list:
    """ORDER BY terms; runs missing the key come last either way."""
    terms = []
    for key in parse_sort(text or ""):
        column = _sort_column(key.field)
        terms.append((column.desc() if key.descending else column.asc()).nulls_last())
    return terms
