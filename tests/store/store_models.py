"""A real trained model as skops bytes, and run events that carry it (no pytest here)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from designer.engine.events import NodeCached, NodeFinished

from store_events import succeeded_run

__all__ = ["model_bytes", "run_with_model", "Payload"]

TINY = {
    "format": "mlwire.pipeline/1", "name": "tiny", "parameters": {},
    "nodes": [
        {"id": "load", "type": "sample_dataset", "params": {"name": "iris"}},
        {"id": "scale", "type": "normalize_data", "params": {"exclude_columns": ["target"]}},
        {"id": "logreg", "type": "logistic_regression", "params": {"max_iter": 200}},
        {"id": "train", "type": "train_model", "params": {"label_column": "target"}},
    ],
    "edges": [
        {"source": "load", "source_port": "data", "target": "scale", "target_port": "data"},
        {"source": "logreg", "source_port": "learner", "target": "train",
         "target_port": "learner"},
        {"source": "scale", "source_port": "data", "target": "train", "target_port": "data"},
    ],
}


@lru_cache(maxsize=2)
def model_bytes(max_iter: int = 200) -> bytes:
    """A trained iris classifier (scaling + logistic regression) as MLWire writes it."""
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nodes"))
    from designer.artifacts import dump_model
    from designer.model import pipeline_from_json
    from inprocess import run_pipeline
    doc = {**TINY, "nodes": [dict(n) for n in TINY["nodes"]]}
    doc["nodes"][2]["params"] = {"max_iter": max_iter}
    outputs = run_pipeline(pipeline_from_json(doc), Path("."))
    return dump_model(outputs["train"]["model"])


def run_with_model(run_id: str, data: bytes | None, accuracy: float = 0.9, cached: bool = False,
                   sha: str | None = None) -> list:
    """store_events.succeeded_run whose train node reports `data` as its model file."""
    from designer.artifacts import sha256_of
    sha = sha or sha256_of(data)
    events = succeeded_run(run_id, accuracy)
    for i, event in enumerate(events):
        if isinstance(event, NodeFinished) and event.node_id == "train":
            outputs = {"model": {**event.outputs["model"], "artifact_sha256": sha}}
            kind = NodeCached if cached else NodeFinished
            events[i] = kind(event.node_id, event.seconds, outputs, event.fingerprints,
                             {} if data is None else {"model": data})
    return events


class Payload:
    """A pickle that would create `path` when unpickled."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))
