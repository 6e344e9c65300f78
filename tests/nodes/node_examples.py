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
    # -- learners (issue 5, item 4) ----------------------------------------------------------
    "decision_tree_classifier": Example({"n": ("decision_tree_classifier", {"max_depth": 3})}),
    "decision_tree_regressor": Example({"n": ("decision_tree_regressor",
                                              {"min_samples_leaf": 0.1})}),
    "k_nearest_neighbors_classifier": Example({"n": ("k_nearest_neighbors_classifier",
                                                     {"n_neighbors": 3})}),
    "k_nearest_neighbors_regressor": Example({"n": ("k_nearest_neighbors_regressor",
                                                    {"weights": "distance"})}),
    "gaussian_naive_bayes": Example({"n": ("gaussian_naive_bayes", {"priors": [0.25, 0.75]})}),
    "support_vector_machine_classifier": Example({"n": ("support_vector_machine_classifier",
                                                        {"probability": True})}),
    "support_vector_machine_regressor": Example({"n": ("support_vector_machine_regressor",
                                                       {"kernel": "linear"})}),
    "neural_network_classifier": Example({"n": ("neural_network_classifier",
                                                {"hidden_layer_sizes": [8, 4]})}),
    "neural_network_regressor": Example({"n": ("neural_network_regressor",
                                               {"hidden_layer_sizes": [5]})}),
    "sgd_classifier": Example({"n": ("sgd_classifier", {"loss": "log_loss", "average": 3})}),
    "averaged_perceptron": Example({"n": ("averaged_perceptron", {"max_iter": 50})}),
    "ridge_regression": Example({"n": ("ridge_regression", {"alpha": 0.5})}),
    "lasso_regression": Example({"n": ("lasso_regression", {"alpha": 0.1})}),
    "elastic_net_regression": Example({"n": ("elastic_net_regression", {"l1_ratio": 0.2})}),
    "bayesian_linear_regression": Example({"n": ("bayesian_linear_regression", {})}),
    "poisson_regression": Example({"n": ("poisson_regression", {"alpha": 0.0})}),
    "quantile_regression": Example({"n": ("quantile_regression", {"quantile": 0.9})}),
    "dbscan": Example({"n": ("dbscan", {"eps": 1.5, "min_samples": 3})}),
    "agglomerative_clustering": Example({"n": ("agglomerative_clustering",
                                               {"n_clusters": None, "distance_threshold": 2.0})}),
    "gaussian_mixture": Example({"n": ("gaussian_mixture", {"n_components": 2})}),
    "isolation_forest": Example({"n": ("isolation_forest", {"contamination": 0.1})}),
    "one_vs_all_multiclass": Example({"inner": ("logistic_regression", {}),
                                      "n": ("one_vs_all_multiclass", {})},
                                     ["inner.learner -> n.learner"]),
    "one_vs_one_multiclass": Example({"inner": ("support_vector_machine_classifier", {}),
                                      "n": ("one_vs_one_multiclass", {})},
                                     ["inner.learner -> n.learner"]),
    "train_anomaly_detection_model": Example(
        {"src": CSV, "sel": ("select_columns", {"columns": ["x1", "x2", "amount", "flag"]}),
         "clean": CLEAN, "learner": ("isolation_forest", {"n_estimators": 10}),
         "n": ("train_anomaly_detection_model", {"label_column": "flag"})},
        ["src.data -> sel.data", "sel.data -> clean.data", "clean.data -> n.data",
         "learner.learner -> n.learner"]),
}

# -- data input/output, transformations, features, script (issue 5, items 1-3) --------------
from tests.nodes.data_examples import DATA_EXAMPLES, prepare  # noqa: E402,F401  (uses the above)

EXAMPLES.update(DATA_EXAMPLES)

# -- cross-validation, tuning, AutoML (issue 7) -----------------------------------------------
_AUTOML_PIN = {
    "spec": {"task": "classification", "learner": "linear", "params": {"max_iter": 1000},
             "prep": {"impute": "median", "scale": "standard", "encode": "onehot",
                      "select": False}},
    "candidate": "Linear(max_iter=1000) | median impute, standard scale, onehot", "trial": 1,
    "score": 0.9, "score_std": 0.05, "fit_seconds": 0.01, "metric": "roc_auc",
    "task": "classification", "features": ["x1", "x2", "color", "flag", "amount"],
    "numeric": ["x1", "x2", "flag", "amount"], "categorical": ["color"], "seed": 0}
EXAMPLES.update({
    "cross_validate_model": Example(
        {"src": CSV, "num": NUMERIC, "clean": CLEAN, "learner": ("logistic_regression", {}),
         "n": ("cross_validate_model", {"label_column": "y", "folds": 4})},
        ["src.data -> num.data", "num.data -> clean.data", "clean.data -> n.data",
         "num.data -> n.raw_data", "learner.learner -> n.learner"]),
    "tune_model_hyperparameters": Example(
        {"src": CSV, "num": NUMERIC, "clean": CLEAN, "learner": ("logistic_regression", {}),
         "n": ("tune_model_hyperparameters", {"label_column": "y", "metric": "accuracy",
                                              "ranges": {"C": [0.1, 1.0]}, "folds": 3})},
        ["src.data -> num.data", "num.data -> clean.data", "clean.data -> n.data",
         "num.data -> n.raw_data", "learner.learner -> n.learner"]),
    "automl": _with_source(("automl", {"label_column": "y", "candidate": _AUTOML_PIN}),
                           "src.data -> n.data"),
})
