"""Schema propagation: checked parameters and the schema on every port, before anything runs."""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.model import Pipeline
from designer.model.errors import UnknownParameterError
from nodes.base import InferContext, NodeError
from nodes.params import ParamError
from nodes.schema import Schema

__all__ = ["NodeSchemas", "propagate_schemas"]


@dataclass
class NodeSchemas:
    node_id: str
    params: dict[str, Any] = field(default_factory=dict)     # checked, defaults filled in
    param_errors: list[ParamError] = field(default_factory=list)
    inputs: dict[str, Schema | None] = field(default_factory=dict)
    outputs: dict[str, Schema | None] = field(default_factory=dict)
    infer_error: NodeError | None = None

    @property
    def valid_params(self) -> bool:
        return not self.param_errors


def propagate_schemas(pipeline: Pipeline, base_dir: Path,
                      overrides: dict[str, dict] | None = None) -> dict[str, NodeSchemas]:
    """Walk the pipeline in data-flow order: check each node's parameters, then infer its outputs.

    A node with invalid parameters or an inference error has unknown (None) outputs, so that one
    mistake is reported once, on its own node, and not again downstream. Assumes no cycle.
    """
    result: dict[str, NodeSchemas] = {}
    for node_id in pipeline.topological_order():
        node_type = pipeline.node_type(node_id)
        info = NodeSchemas(node_id)
        result[node_id] = info
        try:
            raw = pipeline.raw_params(node_id, overrides)
        except UnknownParameterError as exc:
            info.param_errors.append(ParamError("", str(exc)))
            raw = {}
        info.params, errors = node_type.check_params(raw)
        info.param_errors.extend(errors)
        if not errors:
            info.param_errors.extend(node_type.check_more(info.params))
        for port in node_type.inputs:
            edge = pipeline.edge_into(node_id, port.name)
            info.inputs[port.name] = (result[edge.source].outputs.get(edge.source_port)
                                      if edge else None)
        info.outputs = {p.name: None for p in node_type.outputs}
        if info.param_errors:
            continue
        try:
            inferred = node_type.infer(info.inputs, info.params, InferContext(node_id, base_dir))
            info.outputs.update(inferred or {})
        except NodeError as exc:
            info.infer_error = exc
        except Exception as exc:  # a bug in a node's infer must not break checking the rest
            info.infer_error = NodeError(
                f"Could not work out this node's output columns: {exc}",
                "This is a bug in the node type; the details have the traceback.")
            info.infer_error.details = traceback.format_exc()
    return result
