"""A realistic pipeline snapshot and the run events the engine reports for it (no pytest here)."""
from __future__ import annotations

from designer.engine.events import (NodeCached, NodeFailed, NodeFinished, NodeLog, NodeProgress,
                                    NodeQueued, NodeSkipped, NodeStarted, RunFinished, RunStarted)

__all__ = ["PIPELINE", "NODE_IDS", "metrics_json", "succeeded_run", "failed_run"]

PIPELINE = {
    "format": "mlwire.pipeline/1",
    "name": "iris-species",
    "parameters": {"seed": 7},
    "nodes": [
        {"id": "load", "type": "sample_dataset", "params": {"name": "iris"}, "position": [0, 0]},
        {"id": "split", "type": "split_data", "params": {"fraction": 0.8, "seed": "$seed"}},
        {"id": "gbt", "type": "boosted_trees_classifier", "params": {}},
        {"id": "train", "type": "train_model", "params": {"label_column": "target"}},
        {"id": "score", "type": "score_model", "params": {}},
        {"id": "eval", "type": "evaluate_model", "params": {}},
    ],
    "edges": [
        {"source": "load", "source_port": "data", "target": "split", "target_port": "data"},
        {"source": "gbt", "source_port": "learner", "target": "train", "target_port": "learner"},
        {"source": "split", "source_port": "train", "target": "train", "target_port": "data"},
        {"source": "train", "source_port": "model", "target": "score", "target_port": "model"},
        {"source": "split", "source_port": "test", "target": "score", "target_port": "data"},
        {"source": "score", "source_port": "data", "target": "eval", "target_port": "data"},
    ],
}
NODE_IDS = [n["id"] for n in PIPELINE["nodes"]]


def metrics_json(accuracy: float = 0.9333) -> dict:
    return {
        "task": "classification",
        "values": {"accuracy": accuracy, "balanced_accuracy": 0.93, "f1": 0.932,
                   "roc_auc": float("nan")},
        "curves": {"roc": {"setosa": {"fpr": [0.0, 0.0, 1.0], "tpr": [0.0, 1.0, 1.0]}}},
        "tables": {"confusion_matrix": {"labels": ["setosa", "versicolor", "virginica"],
                                        "counts": [[10, 0, 0], [0, 9, 1], [0, 1, 9]]}},
        "b": None,
    }


def succeeded_run(run_id: str = "a1b2c3d4e5f6", accuracy: float = 0.9333) -> list:
    """What the engine reports for a run of PIPELINE where `split` comes from the cache."""
    events: list = [RunStarted(run_id, PIPELINE, overrides={"split": {"fraction": 0.8}},
                               params={"split": {"fraction": 0.8, "seed": 7}},
                               environment={"python": "3.11.7", "scikit-learn": "1.5.2"},
                               nodes=list(NODE_IDS))]
    events += [NodeQueued(n) for n in NODE_IDS]
    events += [NodeStarted("load"), NodeLog("load", "loaded 150 rows\n"),
               NodeFinished("load", 0.05, {"data": {"type": "Table", "rows": 150, "columns": 5}},
                            {"/data/iris.csv": "ab" * 32}),
               NodeCached("split", 0.01, {"train": {"type": "Table", "rows": 120, "columns": 5},
                                          "test": {"type": "Table", "rows": 30, "columns": 5}}),
               NodeFinished("gbt", 0.001, {"learner": {"type": "Learner"}}),
               NodeStarted("train"), NodeProgress("train", 0.5, "fitting"),
               NodeFinished("train", 1.25, {"model": {"type": "Model", "task": "classification"}}),
               NodeFinished("score", 0.02, {"data": {"type": "Table", "rows": 30, "columns": 9}}),
               NodeFinished("eval", 0.03, {"metrics": {"type": "Metrics",
                                                       "metrics": metrics_json(accuracy)}}),
               RunFinished(run_id, "succeeded", 1.4, metrics={"eval": metrics_json(accuracy)})]
    return events


def failed_run(run_id: str = "f00dfeed0001") -> list:
    return [RunStarted(run_id, PIPELINE, {}, {}, {"python": "3.11.7"}, list(NODE_IDS)),
            NodeFinished("load", 0.05, {"data": {"type": "Table", "rows": 150, "columns": 5}}),
            NodeFailed("split", "Split Data 'split': the 'fraction' parameter must be in (0, 1); "
                                "got 1.5. Set a fraction such as 0.7.",
                       "Traceback (most recent call last):\n  ...\nValueError: fraction", 0.002),
            *[NodeSkipped(n, "an upstream node failed: split") for n in NODE_IDS[2:]],
            RunFinished(run_id, "failed", 0.1, error="Node 'split' failed.")]
