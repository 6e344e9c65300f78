"""The checker: everything wrong with a pipeline that can be known before it runs.

Used by `mlwire validate`, by `mlwire run` before running, and by the GUI on every edit.
Each finding names the node (title and id) and says what to do.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from designer.model import Pipeline
from nodes.params import Column, Columns
from nodes.schema import PortType, TableSchema

from .schemas import NodeSchemas, propagate_schemas

__all__ = ["Finding", "check", "errors_of"]

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    severity: str            # error | warning
    node_id: str | None
    message: str
    code: str = ""           # unconnected | param | column | infer | leakage | binding
    param: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"


def errors_of(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == ERROR]


def check(pipeline: Pipeline, base_dir: Path, overrides: dict[str, dict] | None = None,
          schemas: dict[str, NodeSchemas] | None = None) -> list[Finding]:
    """All findings, errors first, each group in data-flow order."""
    schemas = schemas if schemas is not None else propagate_schemas(pipeline, base_dir, overrides)
    findings: list[Finding] = []
    for node_id in pipeline.topological_order():
        findings += _node_findings(pipeline, node_id, schemas[node_id])
    findings += _leakage_findings(pipeline, schemas)
    return sorted(findings, key=lambda f: f.severity != ERROR)


def _node_findings(pipeline: Pipeline, node_id: str, info: NodeSchemas) -> list[Finding]:
    name = pipeline.display_name(node_id)
    node_type = pipeline.node_type(node_id)
    out = []
    for port in node_type.inputs:
        if not port.optional and pipeline.edge_into(node_id, port.name) is None:
            out.append(Finding(ERROR, node_id, f"{name}: input '{port.name}' ({port.type.value}) "
                               "is not connected. Wire an output of the same type into it.",
                               "unconnected"))
    for err in info.param_errors:
        out.append(Finding(ERROR, node_id, f"{name}: {err}", "param", param=err.param or None))
    if info.param_errors:
        return out
    for decl in node_type.params:
        if isinstance(decl, (Column, Columns)):
            out += _column_findings(name, node_id, decl, info)
    if info.infer_error is not None:
        err = info.infer_error
        out.append(Finding(ERROR, node_id, f"{name}: {err}", "infer", param=err.param,
                           column=err.column))
    return out


def _column_findings(name: str, node_id: str, decl, info: NodeSchemas) -> list[Finding]:
    schema = info.inputs.get(decl.port)
    value = info.params.get(decl.name)
    if not isinstance(schema, TableSchema) or schema.open or value in (None, "", []):
        return []  # nothing known yet, or columns that appear only at run time
    wanted = [value] if isinstance(value, str) else value
    missing = [c for c in wanted if not schema.has(c)]
    if not missing:
        return []
    available = ", ".join(repr(c) for c in schema.names) or "none"
    listed = ", ".join(repr(c) for c in missing)
    noun = "column" if len(missing) == 1 else "columns"
    return [Finding(ERROR, node_id,
                    f"{name}: parameter '{decl.name}' names {noun} {listed}, which the table on "
                    f"input '{decl.port}' does not have. Available columns: {available}.",
                    "column", param=decl.name, column=missing[0])]


def _leakage_findings(pipeline: Pipeline, schemas: dict[str, NodeSchemas]) -> list[Finding]:
    """A transform fitted on rows that a split downstream divides into train and test."""
    out = []
    for node_id in pipeline.topological_order():
        node_type = pipeline.node_type(node_id)
        if not node_type.fits_transform:
            continue
        for split_id in _splits_downstream(pipeline, node_id, schemas):
            if getattr(pipeline.node_type(split_id), "validates_in_folds", False):
                out += _fold_leakage(pipeline, node_id, split_id)
                continue
            out.append(Finding(
                WARNING, node_id,
                f"Data leakage: {pipeline.display_name(node_id)} is fitted on all rows, and "
                f"{pipeline.display_name(split_id)} later divides those rows into train and test, "
                "so statistics of the test rows leak into training. Move this node after the "
                "split, fit it on the training rows, and apply its transform to the test rows "
                "(Apply Transformation, or let Score Model apply it).",
                "leakage"))
    return out


def _fold_leakage(pipeline: Pipeline, node_id: str, split_id: str) -> list[Finding]:
    """A transform upstream of a node that validates on folds (Cross Validate Model, Tune Model
    Hyperparameters, AutoML): no leak when that node refits it per fold, i.e. its `refit_port`
    brings the rows from before the transform."""
    name, split = pipeline.display_name(node_id), pipeline.display_name(split_id)
    port = getattr(pipeline.node_type(split_id), "refit_port", None)
    edge = pipeline.edge_into(split_id, port) if port else None
    if edge is not None and node_id != edge.source and node_id not in pipeline.ancestors(edge.source):
        return []  # on the lineage of 'data', refitted inside each fold from the raw rows
    if edge is not None:
        hint = (f"The rows on '{port}' have already been through it: connect to '{port}' the "
                f"rows from before {name}.")
    elif port:
        hint = (f"Connect the rows from before {name} to {split}'s '{port}' input, so that it "
                "is refitted inside each fold.")
    else:
        hint = (f"Connect the rows from before {name} instead: {split} fits its own "
                "preprocessing inside each fold.")
    return [Finding(WARNING, node_id,
                    f"Data leakage: {name} is fitted on all rows, and {split} validates on "
                    "folds of those rows, so each fold's held-out rows shaped the preprocessing "
                    f"it is scored with. {hint}", "leakage")]


def _splits_downstream(pipeline: Pipeline, node_id: str,
                       schemas: dict[str, NodeSchemas]) -> list[str]:
    """Row-splitting nodes reached from node_id's table outputs along table wires only (a node
    that splits only in some modes, e.g. Partition and Sample, is asked with its parameters)."""
    seen, found, stack = set(), [], [node_id]
    while stack:
        current = stack.pop()
        current_type = pipeline.node_type(current)
        for edge in pipeline.out_edges(current):
            port = current_type.output_port(edge.source_port)
            if port is None or port.type != PortType.TABLE or edge.target in seen:
                continue
            seen.add(edge.target)
            target = pipeline.node_type(edge.target)
            if target.splits_rows and target.divides_rows(schemas[edge.target].params):
                found.append(edge.target)
            stack.append(edge.target)
    return found
