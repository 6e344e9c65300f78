"""Run one node the way the worker does (checked parameters, a RunContext), collecting its log."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from nodes.base import InferContext, RunContext
from nodes.registry import registry

__all__ = ["run_node", "infer_node", "checked", "table"]


def checked(type_id: str, params: dict) -> dict:
    node = registry.get(type_id)
    values, errors = node.check_params(params)
    errors = errors or node.check_more(values)
    if errors:
        raise errors[0]
    return values


def run_node(type_id: str, params: dict, inputs: dict | None = None, base_dir: Path = Path("."),
             log: list | None = None) -> dict[str, Any]:
    node = registry.get(type_id)
    sink = log if log is not None else []
    ctx = RunContext("n", Path(base_dir), title=node.title, on_log=sink.append)
    return node.run(inputs or {}, checked(type_id, params), ctx)


def infer_node(type_id: str, params: dict, inputs: dict | None = None,
               base_dir: Path = Path(".")):
    node = registry.get(type_id)
    return node.infer(inputs or {}, checked(type_id, params), InferContext("n", Path(base_dir)))


def table(df):
    from nodes.values import Table
    return Table(df)
