"""Runs with real trained models in a real project file, without worker processes (no pytest).

The pipeline runs in this process (as tests/nodes/inprocess.py does); a RunRecorder is fed the
events the engine would report, with the Model output's skops file, so registering, loading and
serving it go through the same store code as after a run from the window or `mlwire run`.
"""
from __future__ import annotations

import time
from pathlib import Path

__all__ = ["JOINED", "JOIN_FIRST", "write_customer_files", "record_model_run"]


def _nodes(scale_before_join: bool) -> dict:
    nodes = [
        {"id": "customers", "type": "import_csv", "params": {"path": "customers.csv"}},
        {"id": "calls", "type": "import_csv", "params": {"path": "calls.csv"}},
        {"id": "scale", "type": "normalize_data",
         "params": {"exclude_columns": ["id", "churned"]}},
        {"id": "join", "type": "join_data",
         "params": {"left_keys": ["id"], "right_keys": ["customer"], "keep_right_keys": False}},
        {"id": "logreg", "type": "logistic_regression", "params": {}},
        {"id": "train", "type": "train_model", "params": {"label_column": "churned"}},
    ]

    def edge(source, target, target_port="data", source_port="data"):
        return {"source": source, "source_port": source_port, "target": target,
                "target_port": target_port}
    if scale_before_join:   # a fitted transform, then the join: support_calls comes in late
        edges = [edge("customers", "scale"), edge("scale", "join"),
                 edge("calls", "join", "data_b"), edge("join", "train")]
    else:                   # join first: every column is in the data the transforms start from
        edges = [edge("customers", "join"), edge("calls", "join", "data_b"),
                 edge("join", "scale"), edge("scale", "train")]
    edges.append(edge("logreg", "train", "learner", "learner"))
    name = "churn-joined" if scale_before_join else "churn-join-first"
    return {"format": "mlwire.pipeline/1", "name": name, "parameters": {}, "nodes": nodes,
            "edges": edges}


JOINED = _nodes(scale_before_join=True)
JOIN_FIRST = _nodes(scale_before_join=False)


def write_customer_files(folder: Path) -> None:
    """customers.csv (id, tenure, charges, churned) and calls.csv (customer, support_calls)."""
    import numpy as np
    rng = np.random.default_rng(1)
    tenure, charges = rng.integers(1, 61, 80), rng.uniform(10, 100, 80).round(2)
    churned = np.where((charges > 60) ^ (tenure > 30), "yes", "no")
    lines = ["id,tenure,charges,churned"] + [f"{i},{t},{c},{y}" for i, (t, c, y)
                                             in enumerate(zip(tenure, charges, churned))]
    (folder / "customers.csv").write_text("\n".join(lines) + "\n")
    calls = rng.integers(0, 10, 80)
    (folder / "calls.csv").write_text(
        "customer,support_calls\n" + "".join(f"{i},{n}\n" for i, n in enumerate(calls)))


def _run_in_process(doc: dict, base_dir: Path) -> dict:
    from designer.model import pipeline_from_json
    from nodes.base import RunContext
    pipeline = pipeline_from_json(doc)
    outputs: dict = {}
    for node_id in pipeline.topological_order():
        node_type = pipeline.node_type(node_id)
        params, errors = node_type.check_params(pipeline.raw_params(node_id, None))
        assert not errors, errors
        inputs = {e.target_port: outputs[e.source][e.source_port]
                  for e in pipeline.in_edges(node_id)}
        outputs[node_id] = node_type.run(inputs, params,
                                         RunContext(node_id, base_dir, title=node_type.title))
    return outputs


def record_model_run(project, doc: dict, base_dir: Path, run_id: str):
    """Run `doc` here and record it in `project` as run `run_id`; returns the trained Model."""
    from designer.artifacts import dump_model, sha256_of
    from designer.engine.events import NodeFinished, RunFinished, RunStarted
    from designer.store import RunRecorder
    started = time.perf_counter()
    outputs = _run_in_process(doc, Path(base_dir))
    recorder = RunRecorder(project)
    node_ids = [n["id"] for n in doc["nodes"]]
    recorder(RunStarted(run_id, doc, {}, {n["id"]: n["params"] for n in doc["nodes"]}, {},
                        node_ids))
    for node_id in node_ids:
        summary, artifacts = {}, {}
        for port, value in outputs[node_id].items():
            kind = type(value).__name__
            if kind == "Model":
                data = dump_model(value)
                artifacts[port] = data
                summary[port] = {"type": "Model", "task": value.task,
                                 "artifact_sha256": sha256_of(data)}
            elif kind == "Table":
                summary[port] = {"type": "Table", "rows": len(value.df),
                                 "columns": value.df.shape[1]}
            else:
                summary[port] = {"type": kind}
        recorder(NodeFinished(node_id, 0.01, summary, {}, artifacts))
    recorder(RunFinished(run_id, "succeeded", time.perf_counter() - started))
    return outputs["train"]["model"]
