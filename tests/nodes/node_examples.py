"""Tiny example pipelines, one per registered node type; the node under test is always 'n'.

Every node type must have an entry here: the shared suite fails for one that has none.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from designer.model import pipeline_from_json

TINY_CSV = """x1,x2,color,flag,y,amount
1.5,3,red,True,a,10.5
2.0,1,blue,False,b,12.0
,4,red,True,a,9.5
3.5,2,green,False,b,15.25
4.0,5,,True,a,8.0
1.0,2,blue,False,b,11.0
2.5,3,red,True,a,10.0
3.0,1,green,False,b,14.5
,2,blue,True,a,9.0
4.5,4,red,False,b,16.0
2.2,5,green,True,a,10.25
3.3,3,blue,False,b,13.0
1.8,2,red,True,a,9.75
2.7,1,green,False,b,12.5
3.9,4,blue,True,a,10.5
4.1,5,red,False,b,15.0
"""


def write_tiny_csv(folder: Path) -> Path:
    path = folder / "tiny.csv"
    path.write_text(TINY_CSV, encoding="utf-8")
    return path


@dataclass
class Example:
    nodes: dict[str, tuple[str, dict]]
    edges: list[str] = field(default_factory=list)  # "source.port -> target.port"

    def pipeline(self):
        nodes = [{"id": i, "type": t, "params": p} for i, (t, p) in self.nodes.items()]
        edges = []
        for text in self.edges:
            left, right = (part.strip() for part in text.split("->"))
            (source, source_port), (target, target_port) = left.split("."), right.split(".")
            edges.append({"source": source, "source_port": source_port,
                          "target": target, "target_port": target_port})
        return pipeline_from_json({"format": "mlwire.pipeline/1", "name": "example",
                                   "nodes": nodes, "edges": edges})


CSV = ("import_csv", {"path": "tiny.csv"})
NUMERIC = ("select_columns", {"columns": ["x1", "x2", "flag", "amount", "y"]})
CLEAN = ("clean_missing_data", {})


def _with_source(node, *extra_edges, **extra_nodes):
    """src (CSV) -> n, plus whatever else the example needs."""
    return Example({"src": CSV, **extra_nodes, "n": node}, list(extra_edges))


def _classifier_chain(train: bool = True, **last):
    """CSV -> numeric columns -> clean -> split -> train a logistic regression."""
    nodes = {"src": CSV, "num": NUMERIC, "clean": CLEAN,
             "split": ("split_data", {"fraction": 0.75, "stratify_column": "y"}),
             "learner": ("logistic_regression", {})}
    if train:
        nodes["train"] = ("train_model", {"label_column": "y"})
    return {**nodes, **last}


_CHAIN_EDGES = ["src.data -> num.data", "num.data -> clean.data", "clean.data -> split.data",
                "learner.learner -> train.learner", "split.train -> train.data"]

EXAMPLES: dict[str, Example] = {
    "import_csv": Example({"n": CSV}),
    "sample_dataset": Example({"n": ("sample_dataset", {"name": "iris"})}),
    "select_columns": _with_source(("select_columns", {"columns": ["y", "x1"]}),
                                   "src.data -> n.data"),
    "clean_missing_data": _with_source(("clean_missing_data", {"strategy": "most_frequent"}),
                                       "src.data -> n.data"),
    "normalize_data": _with_source(("normalize_data", {"method": "minmax"}), "src.data -> n.data"),
    "encode_categorical": _with_source(("encode_categorical", {"exclude_columns": ["y"]}),
                                       "src.data -> n.data"),
    "apply_transformation": Example(
        {"src": CSV, "split": ("split_data", {}), "enc": ("encode_categorical", {}),
         "n": ("apply_transformation", {})},
        ["src.data -> split.data", "split.train -> enc.data", "enc.transform -> n.transform",
         "split.test -> n.data"]),
    "split_data": _with_source(("split_data", {"fraction": 0.5, "seed": 3,
                                               "stratify_column": "y"}), "src.data -> n.data"),
    "logistic_regression": Example({"n": ("logistic_regression", {"C": 0.5})}),
    "random_forest_classifier": Example({"n": ("random_forest_classifier",
                                               {"n_estimators": 5, "max_features": 1.0})}),
    "boosted_trees_classifier": Example({"n": ("boosted_trees_classifier", {"max_iter": 5})}),
    "linear_regression": Example({"n": ("linear_regression", {})}),
    "random_forest_regressor": Example({"n": ("random_forest_regressor", {"n_estimators": 5})}),
    "boosted_trees_regressor": Example({"n": ("boosted_trees_regressor", {"max_iter": 5})}),
    "kmeans": Example({"n": ("kmeans", {"n_clusters": 2})}),
    "train_model": Example(_classifier_chain(False, n=("train_model", {"label_column": "y"})),
                           _CHAIN_EDGES[:3] + ["learner.learner -> n.learner",
                                               "split.train -> n.data"]),
    "train_clustering_model": Example(
        {"src": CSV, "clean": ("clean_missing_data", {"columns": ["x1"], "strategy": "median"}),
         "learner": ("kmeans", {"n_clusters": 2}),
         "n": ("train_clustering_model", {"columns": ["x1", "x2", "amount"]})},
        ["src.data -> clean.data", "clean.data -> n.data", "learner.learner -> n.learner"]),
    "score_model": Example(_classifier_chain(n=("score_model", {})),
                           _CHAIN_EDGES + ["train.model -> n.model", "split.test -> n.data"]),
    "evaluate_model": Example(
        _classifier_chain(score=("score_model", {}), score_b=("score_model", {}),
                          n=("evaluate_model", {})),
        _CHAIN_EDGES + ["train.model -> score.model", "split.test -> score.data",
                        "train.model -> score_b.model", "split.train -> score_b.data",
                        "score.data -> n.data", "score_b.data -> n.data_b"]),
}
