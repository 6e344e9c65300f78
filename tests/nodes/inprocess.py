"""A tiny in-process, sequential pipeline runner for tests: check params, then run() in order."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from nodes.base import RunContext


def run_pipeline(pipeline, base_dir: Path,
                 overrides: dict | None = None) -> dict[str, dict[str, Any]]:
    """{node id: {output port: value}}; raises the first parameter problem or node error."""
    outputs: dict[str, dict[str, Any]] = {}
    for node_id in pipeline.topological_order():
        node_type = pipeline.node_type(node_id)
        params, errors = node_type.check_params(pipeline.raw_params(node_id, overrides))
        errors = errors or node_type.check_more(params)
        if errors:
            raise errors[0]
        inputs = {e.target_port: outputs[e.source][e.source_port]
                  for e in pipeline.in_edges(node_id)}
        ctx = RunContext(node_id, Path(base_dir), title=node_type.title)
        outputs[node_id] = node_type.run(inputs, params, ctx)
    return outputs
