"""The learner catalog: each learner trains, scores and evaluates inside a pipeline with the same
metrics as scikit-learn computed directly; defaults are scikit-learn's; bad input is refused
clearly."""
from __future__ import annotations

import inspect
import json
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.calibration import CalibratedClassifierCV
from sklearn.cluster import DBSCAN, AgglomerativeClustering
from sklearn.ensemble import IsolationForest
from sklearn.linear_model import (BayesianRidge, ElasticNet, Lasso,
                                  Perceptron, PoissonRegressor, QuantileRegressor, Ridge,
                                  SGDClassifier)
from sklearn.mixture import GaussianMixture
from sklearn.multiclass import OneVsOneClassifier, OneVsRestClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.svm import SVC, SVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from designer.engine.schemas import propagate_schemas
from designer.export import export_script
from nodes import learners_linear, learners_multiclass, learners_nonlinear, learners_unsupervised
from nodes import ops
from nodes.base import NodeError, RunContext
from nodes.learners import LearnerNode
from nodes.registry import registry
from nodes.values import Learner, Table
from tests.nodes.inprocess import run_pipeline
from tests.nodes.node_examples import Example

NEW_LEARNERS = [t for m in (learners_linear, learners_nonlinear, learners_unsupervised)
                for t in m.NODE_TYPES]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():  # e.g. an MLP stopped by max_iter before it converged
        warnings.simplefilter("ignore")
        yield


# -- defaults are scikit-learn's ---------------------------------------------------------------

# Where a node's default is deliberately not its estimator's own.
DEFAULT_EXCEPTIONS = {
    "random_state": 0,                 # every learner: runs repeat exactly
    "probability": False,              # SVC: sklearn 1.9 shows 'deprecated' (meaning False)
}


@pytest.mark.parametrize("node_class", NEW_LEARNERS, ids=lambda c: c.type_id)
def test_defaults_are_scikit_learns(node_class):
    node = registry.get(node_class.type_id)
    cls = Perceptron if node.type_id == "averaged_perceptron" else node.estimator_class()
    signature = inspect.signature(cls).parameters
    for param in node.params:
        if param.name in DEFAULT_EXCEPTIONS:
            assert param.default == DEFAULT_EXCEPTIONS[param.name]
        elif node.type_id == "averaged_perceptron" and param.name == "average":
            assert param.default is True  # the point of the node
        else:
            expected = signature[param.name].default
            expected = list(expected) if isinstance(expected, tuple) else expected
            assert param.default == expected and type(param.default) in (type(expected), float), \
                (param.name, param.default, expected)


def test_every_declared_hyperparameter_reaches_the_estimator():
    for node_class in NEW_LEARNERS:
        node = registry.get(node_class.type_id)
        params, errors = node.check_params({})
        assert not errors and not node.check_more(params), node.type_id
        estimator = node.build(params)
        if isinstance(estimator, CalibratedClassifierCV):
            estimator = estimator.estimator
        given = estimator.get_params(deep=False)
        for name, value in node.arguments(params).items():
            assert given[name] == value, (node.type_id, name)


# -- every learner trains, scores and evaluates in a pipeline -----------------------------------

def _case(type_id, params, direct, data="iris", label="target"):
    return pytest.param(type_id, params, direct, data, label, id=f"{type_id}-{data}")


CLASSIFIERS = [
    _case("decision_tree_classifier", {"max_depth": 3},
          lambda: DecisionTreeClassifier(max_depth=3, random_state=0)),
    _case("decision_tree_classifier", {"criterion": "entropy"},
          lambda: DecisionTreeClassifier(criterion="entropy", random_state=0), "breast_cancer"),
    _case("k_nearest_neighbors_classifier", {"n_neighbors": 7, "weights": "distance"},
          lambda: KNeighborsClassifier(n_neighbors=7, weights="distance")),
    _case("gaussian_naive_bayes", {}, GaussianNB),
    _case("gaussian_naive_bayes", {"priors": [0.5, 0.5]}, lambda: GaussianNB(priors=[0.5, 0.5]),
          "breast_cancer"),
    _case("support_vector_machine_classifier", {}, lambda: SVC(random_state=0)),
    _case("support_vector_machine_classifier", {"probability": True, "C": 2.0},
          lambda: CalibratedClassifierCV(SVC(C=2.0, random_state=0), ensemble=False)),
    _case("support_vector_machine_classifier", {"probability": True, "class_weight": "balanced"},
          lambda: CalibratedClassifierCV(SVC(class_weight="balanced", random_state=0),
                                         ensemble=False), "breast_cancer"),
    _case("neural_network_classifier", {"hidden_layer_sizes": [16, 8], "max_iter": 300},
          lambda: MLPClassifier(hidden_layer_sizes=[16, 8], max_iter=300, random_state=0)),
    _case("sgd_classifier", {"loss": "log_loss"},
          lambda: SGDClassifier(loss="log_loss", random_state=0)),
    _case("sgd_classifier", {}, lambda: SGDClassifier(random_state=0), "breast_cancer"),
    _case("averaged_perceptron", {},
          lambda: SGDClassifier(loss="perceptron", learning_rate="constant", eta0=1.0,
                                penalty=None, average=True, random_state=0)),
]
REGRESSORS = [
    _case("decision_tree_regressor", {"max_depth": 4},
          lambda: DecisionTreeRegressor(max_depth=4, random_state=0), "diabetes"),
    _case("k_nearest_neighbors_regressor", {}, KNeighborsRegressor, "diabetes"),
    _case("support_vector_machine_regressor", {"C": 100.0},
          lambda: SVR(C=100.0), "diabetes"),
    _case("neural_network_regressor", {"hidden_layer_sizes": [10], "max_iter": 50,
                                       "learning_rate_init": 0.01},
          lambda: MLPRegressor(hidden_layer_sizes=[10], max_iter=50, learning_rate_init=0.01,
                               random_state=0), "diabetes"),
    _case("ridge_regression", {"alpha": 0.1}, lambda: Ridge(alpha=0.1, random_state=0),
          "diabetes"),
    _case("lasso_regression", {"alpha": 0.05}, lambda: Lasso(alpha=0.05, random_state=0),
          "diabetes"),
    _case("elastic_net_regression", {"alpha": 0.01, "l1_ratio": 0.7},
          lambda: ElasticNet(alpha=0.01, l1_ratio=0.7, random_state=0), "diabetes"),
    _case("bayesian_linear_regression", {}, BayesianRidge, "diabetes"),
    _case("poisson_regression", {"alpha": 0.01, "solver": "newton-cholesky"},
          lambda: PoissonRegressor(alpha=0.01, solver="newton-cholesky"), "diabetes"),
    _case("quantile_regression", {"quantile": 0.8, "alpha": 0.0},
          lambda: QuantileRegressor(quantile=0.8, alpha=0.0), "diabetes"),
]
WRAPPED = [
    _case("one_vs_all_multiclass", {"inner": ("gaussian_naive_bayes", {})},
          lambda: OneVsRestClassifier(GaussianNB())),
    _case("one_vs_all_multiclass", {"inner": ("decision_tree_classifier", {"max_depth": 3})},
          lambda: OneVsRestClassifier(DecisionTreeClassifier(max_depth=3, random_state=0)),
          "wine"),
    _case("one_vs_one_multiclass", {"inner": ("decision_tree_classifier", {"max_depth": 2})},
          lambda: OneVsOneClassifier(DecisionTreeClassifier(max_depth=2, random_state=0))),
]


def _supervised_example(type_id, params, data):
    nodes = {"src": ("sample_dataset", {"name": data}),
             "split": ("split_data", {"fraction": 0.7}),
             "train": ("train_model", {"label_column": "target"}),
             "score": ("score_model", {}), "eval": ("evaluate_model", {})}
    edges = ["src.data -> split.data", "learner.learner -> train.learner",
             "split.train -> train.data", "train.model -> score.model",
             "split.test -> score.data", "score.data -> eval.data"]
    if "inner" in params:
        nodes["inner"] = params["inner"]
        nodes["learner"] = (type_id, {})
        edges.append("inner.learner -> learner.learner")
    else:
        nodes["learner"] = (type_id, params)
    return Example(nodes, edges)


def _expected_classification(estimator, X, y):
    pred = estimator.predict(X)
    classes = sorted(y.unique().tolist())
    average = ({"average": "binary", "pos_label": classes[-1]} if len(classes) == 2
               else {"average": "macro"})
    expected = {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, zero_division=0.0, **average),
        "recall": skm.recall_score(y, pred, zero_division=0.0, **average),
        "f1": skm.f1_score(y, pred, zero_division=0.0, **average),
        "roc_auc": None, "log_loss": None,
    }
    if hasattr(estimator, "predict_proba"):
        proba, labels = estimator.predict_proba(X), list(estimator.classes_)
        expected["roc_auc"] = (_sk(skm.roc_auc_score, y == classes[-1], proba[:, -1])
                               if len(classes) == 2 else
                               _sk(skm.roc_auc_score, y, proba, multi_class="ovr",
                                   average="macro", labels=labels))
        expected["log_loss"] = _sk(skm.log_loss, y, proba, labels=labels)
    return expected


def _sk(metric, *args, **kwargs):
    """scikit-learn's value, or None where scikit-learn refuses (e.g. One-vs-All gives an
    all-zero probability row when every binary classifier says no, and multiclass ROC AUC
    needs rows summing to 1): Evaluate Model reports such a metric as null."""
    try:
        return metric(*args, **kwargs)
    except ValueError:
        return None


def _expected_regression(estimator, X, y):
    pred = estimator.predict(X)
    return {"mae": skm.mean_absolute_error(y, pred), "rmse": skm.root_mean_squared_error(y, pred),
            "r2": skm.r2_score(y, pred), "mape": skm.mean_absolute_percentage_error(y, pred)}


def _assert_metrics(actual: dict, expected: dict):
    assert list(actual) == list(expected)
    for name, value in expected.items():
        if value is None:
            assert actual[name] is None, name
        else:
            assert actual[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name


@pytest.mark.parametrize("type_id, params, direct, data, label",
                         CLASSIFIERS + REGRESSORS + WRAPPED)
def test_supervised_learner_metrics_equal_sklearn(tmp_path, type_id, params, direct, data, label):
    example = _supervised_example(type_id, params, data)
    out = run_pipeline(example.pipeline(), tmp_path)
    train, test = out["split"]["train"].df, out["split"]["test"].df
    estimator = direct().fit(train.drop(columns=label), train[label])
    X, y = test.drop(columns=label), test[label]
    metrics = out["eval"]["metrics"]
    if metrics.task == "classification":
        expected = _expected_classification(estimator, X, y)
    else:
        expected = _expected_regression(estimator, X, y)
    _assert_metrics(metrics.values, expected)
    # What the checker promised before running is what came out.
    info = propagate_schemas(example.pipeline(), tmp_path)
    assert list(info["eval"].outputs["metrics"].names) == list(metrics.flat())
    assert info["score"].outputs["data"].names == \
        [n for n in out["score"]["data"].df.columns if not n.startswith("scored_probability_")]


CLUSTERERS = [
    pytest.param("dbscan", {"eps": 0.6, "min_samples": 4},
                 lambda: DBSCAN(eps=0.6, min_samples=4), id="dbscan"),
    pytest.param("agglomerative_clustering", {"n_clusters": 3, "linkage": "average"},
                 lambda: AgglomerativeClustering(n_clusters=3, linkage="average"),
                 id="agglomerative_clustering"),
    pytest.param("gaussian_mixture", {"n_components": 3, "covariance_type": "diag"},
                 lambda: GaussianMixture(n_components=3, covariance_type="diag",
                                         random_state=0), id="gaussian_mixture"),
]


def _clustering_example(type_id, params):
    return Example({"src": ("sample_dataset", {"name": "iris"}),
                    "learner": (type_id, params),
                    "train": ("train_clustering_model", {}),
                    "eval": ("evaluate_model", {})},
                   ["src.data -> train.data", "learner.learner -> train.learner",
                    "train.data -> eval.data"])


@pytest.mark.parametrize("type_id, params, direct", CLUSTERERS)
def test_clustering_learner_metrics_equal_sklearn(tmp_path, type_id, params, direct):
    out = run_pipeline(_clustering_example(type_id, params).pipeline(), tmp_path)
    X = ops.load_sample_dataset("iris").drop(columns="target")
    labels = direct().fit_predict(X)
    assert out["train"]["data"].df["cluster"].tolist() == labels.tolist()
    assert len(set(labels)) > 1
    _assert_metrics(out["eval"]["metrics"].values, {
        "silhouette": skm.silhouette_score(X, labels),
        "davies_bouldin": skm.davies_bouldin_score(X, labels),
        "calinski_harabasz": skm.calinski_harabasz_score(X, labels)})


def test_gaussian_mixture_scores_new_rows_with_predict(tmp_path):
    example = _clustering_example("gaussian_mixture", {"n_components": 3})
    example.nodes["score"] = ("score_model", {})
    example.edges += ["train.model -> score.model", "src.data -> score.data"]
    out = run_pipeline(example.pipeline(), tmp_path)
    model = out["train"]["model"].pipeline.named_steps["estimator"]
    X = ops.load_sample_dataset("iris").drop(columns="target")
    assert out["score"]["data"].df["scored_label"].tolist() == model.predict(X).tolist()


def test_dbscan_scores_new_rows_by_their_nearest_core_row():
    df = pd.DataFrame({"a": [0.0, 0.1, 0.2, 0.1, 5.0, 5.1, 5.2, 5.1, 9.0],
                       "b": [0.0, 0.1, 0.0, 0.2, 5.0, 5.1, 5.0, 5.2, 0.0]})
    learner = Learner(DBSCAN(eps=0.5, min_samples=3), "clustering")
    train = _run("train_clustering_model", {"learner": learner, "data": Table(df)})
    assert train["data"].df["cluster"].tolist() == [0, 0, 0, 0, 1, 1, 1, 1, -1]
    new = pd.DataFrame({"a": [0.3, 5.4, 2.5, 9.0], "b": [0.1, 5.0, 2.5, 0.0]})
    scored = _run("score_model", {"model": train["model"], "data": Table(new)})["data"].df
    # near cluster 0, near cluster 1, between both (noise), the training noise row (noise)
    assert scored["scored_label"].tolist() == [0, 1, -1, -1]
    # Scoring the training rows gives DBSCAN's own labels (no border row is ambiguous here).
    again = _run("score_model", {"model": train["model"], "data": Table(df)})["data"].df
    assert again["scored_label"].tolist() == train["data"].df["cluster"].tolist()


def test_agglomerative_clustering_refuses_to_score_new_rows(tmp_path):
    example = _clustering_example("agglomerative_clustering", {})
    example.nodes["score"] = ("score_model", {})
    example.edges += ["train.model -> score.model", "src.data -> score.data"]
    with pytest.raises(NodeError, match="AgglomerativeClustering cannot assign new rows to its "
                                        "clusters.*Train Clustering Model's data output"):
        run_pipeline(example.pipeline(), tmp_path)


# -- anomaly detection --------------------------------------------------------------------------

def write_anomalies(folder):
    """Iris versicolor and virginica as normal rows, a few setosa as anomalies (label 1)."""
    iris = ops.load_sample_dataset("iris")
    normal = iris[iris["target"] != "setosa"]
    odd = iris[iris["target"] == "setosa"].iloc[::6]
    df = pd.concat([normal, odd]).drop(columns="target")
    df["anomaly"] = [0] * len(normal) + [1] * len(odd)
    df.sample(frac=1.0, random_state=0).to_csv(folder / "flowers.csv", index=False)


def _anomaly_example(label="anomaly", **forest):
    return Example(
        {"src": ("import_csv", {"path": "flowers.csv"}),
         "split": ("split_data", {"fraction": 0.6, "stratify_column": "anomaly"}),
         "learner": ("isolation_forest", {"n_estimators": 50, **forest}),
         "train": ("train_anomaly_detection_model", {"label_column": label}),
         "score": ("score_model", {}), "eval": ("evaluate_model", {})},
        ["src.data -> split.data", "learner.learner -> train.learner",
         "split.train -> train.data", "train.model -> score.model", "split.test -> score.data",
         "score.data -> eval.data"])


@pytest.mark.parametrize("forest", [{}, {"contamination": 0.1, "max_samples": 0.5}],
                         ids=["auto", "contamination"])
def test_isolation_forest_metrics_equal_sklearn(tmp_path, forest):
    write_anomalies(tmp_path)
    example = _anomaly_example(**forest)
    out = run_pipeline(example.pipeline(), tmp_path)
    train, test = out["split"]["train"].df, out["split"]["test"].df
    direct = IsolationForest(n_estimators=50, random_state=0, **forest).fit(
        train.drop(columns="anomaly"))
    X, y = test.drop(columns="anomaly"), test["anomaly"] == 1
    flagged, score = direct.predict(X) == -1, -direct.score_samples(X)
    scored = out["score"]["data"].df
    assert scored["scored_label"].tolist() == flagged.astype(int).tolist()
    np.testing.assert_allclose(scored["anomaly_score"], score, rtol=0, atol=1e-12)
    metrics = out["eval"]["metrics"]
    assert metrics.task == "anomaly"
    _assert_metrics(metrics.values, {
        "anomaly_fraction": flagged.mean(),
        "accuracy": skm.accuracy_score(y, flagged),
        "balanced_accuracy": skm.balanced_accuracy_score(y, flagged),
        "precision": skm.precision_score(y, flagged, zero_division=0.0),
        "recall": skm.recall_score(y, flagged, zero_division=0.0),
        "f1": skm.f1_score(y, flagged, zero_division=0.0),
        "roc_auc": skm.roc_auc_score(y, score),
        "average_precision": skm.average_precision_score(y, score)})
    assert metrics.tables["confusion_matrix"] == {
        "labels": ["normal", "anomaly"],
        "matrix": skm.confusion_matrix(y, flagged, labels=[False, True]).tolist()}
    assert set(metrics.curves["roc"]) == {"anomaly"}
    assert metrics.values["roc_auc"] > 0.9  # setosa is easy to tell apart
    info = propagate_schemas(example.pipeline(), tmp_path)
    assert info["score"].outputs["data"].names == list(scored.columns)
    assert list(info["eval"].outputs["metrics"].names) == list(metrics.flat())


def test_anomaly_detection_without_a_label_reports_the_flagged_share(tmp_path):
    write_anomalies(tmp_path)
    example = _anomaly_example(label=None)
    example.nodes["drop"] = ("select_columns", {"columns": ["anomaly"], "mode": "exclude"})
    example.edges = [e for e in example.edges if e != "src.data -> split.data"]
    example.edges += ["src.data -> drop.data", "drop.data -> split.data"]
    example.nodes["split"] = ("split_data", {"fraction": 0.6})
    out = run_pipeline(example.pipeline(), tmp_path)
    values = out["eval"]["metrics"].values
    flagged = out["score"]["data"].df["scored_label"]
    assert values["anomaly_fraction"] == pytest.approx(flagged.mean())
    assert {k for k, v in values.items() if v is not None} == {"anomaly_fraction"}
    assert out["train"]["model"].features == ["sepal length (cm)", "sepal width (cm)",
                                               "petal length (cm)", "petal width (cm)"]


def test_exported_script_reproduces_the_new_learners(tmp_path):
    write_anomalies(tmp_path)
    example = _anomaly_example()
    extra = {"iris": ("sample_dataset", {"name": "iris"}),
             "isplit": ("split_data", {"fraction": 0.7}),
             "svm": ("support_vector_machine_classifier", {"probability": True}),
             "tree": ("decision_tree_classifier", {"max_depth": 2}),
             "ovo": ("one_vs_one_multiclass", {}),
             "train_ovo": ("train_model", {"label_column": "target"}),
             "train_svm": ("train_model", {"label_column": "target"}),
             "score_ovo": ("score_model", {}), "score_svm": ("score_model", {}),
             "eval_cls": ("evaluate_model", {}),
             "features": ("select_columns", {"columns": ["target"], "mode": "exclude"}),
             "db": ("dbscan", {"eps": 0.6, "min_samples": 4}),
             "train_db": ("train_clustering_model", {}), "score_db": ("score_model", {}),
             "eval_db": ("evaluate_model", {})}
    example.nodes.update(extra)
    example.edges += [
        "iris.data -> isplit.data", "tree.learner -> ovo.learner",
        "ovo.learner -> train_ovo.learner", "isplit.train -> train_ovo.data",
        "svm.learner -> train_svm.learner", "isplit.train -> train_svm.data",
        "train_ovo.model -> score_ovo.model", "isplit.test -> score_ovo.data",
        "train_svm.model -> score_svm.model", "isplit.test -> score_svm.data",
        "score_ovo.data -> eval_cls.data", "score_svm.data -> eval_cls.data_b",
        "iris.data -> features.data", "db.learner -> train_db.learner",
        "features.data -> train_db.data", "train_db.model -> score_db.model",
        "features.data -> score_db.data", "score_db.data -> eval_db.data"]
    pipeline = example.pipeline()
    script = tmp_path / "exported.py"
    script.write_text(export_script(pipeline, tmp_path, script), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), "--metrics-json", "m.json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    from_script = json.loads((tmp_path / "m.json").read_text())
    out = run_pipeline(pipeline, tmp_path)
    in_process = {n: out[n]["metrics"].flat() for n in ("eval", "eval_cls", "eval_db")}
    assert json.dumps(from_script, sort_keys=True) == json.dumps(in_process, sort_keys=True)
    assert in_process["eval_cls"]["roc_auc"] is None  # One-vs-One gives no probabilities
    assert in_process["eval_cls"]["b.roc_auc"] is not None


# -- bad input ----------------------------------------------------------------------------------

def _run(type_id, inputs=None, **params):
    node = registry.get(type_id)
    checked, errors = node.check_params(params)
    assert not errors, errors
    return node.run(inputs or {}, checked, RunContext(type_id, ".", title=node.title))


def _learner(type_id, **params):
    return _run(type_id, **params)["learner"]


def _train(learner, df, label="y", node="train_model", **params):
    key = {} if node == "train_clustering_model" else {"label_column": label}
    return _run(node, {"learner": learner, "data": Table(df)}, **key, **params)


TEXT_LABEL = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "y": ["p", "q", "p", "q"]})
ONE_CLASS = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "y": ["p", "p", "p", "p"]})
CONTINUOUS = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "y": [0.5, 1.7, 2.2, 3.9]})


@pytest.mark.parametrize("type_id, df, message", [
    ("ridge_regression", TEXT_LABEL, "holds .* values; a regression learner predicts numbers"),
    ("decision_tree_regressor", TEXT_LABEL, "a regression learner predicts numbers"),
    ("neural_network_regressor", TEXT_LABEL, "a regression learner predicts numbers"),
    ("decision_tree_classifier", ONE_CLASS, "has only one class"),
    ("support_vector_machine_classifier", ONE_CLASS, "has only one class"),
    ("gaussian_naive_bayes", CONTINUOUS, "continuous numbers, which a classifier cannot predict"),
    ("poisson_regression", CONTINUOUS.assign(y=[-1.0, 2.0, 3.0, 4.0]),
     "PoissonRegressor could not be trained: .*out of the valid range"),
    ("isolation_forest", TEXT_LABEL, "Use Train Anomaly Detection Model instead"),
    ("dbscan", CONTINUOUS, "Use Train Clustering Model instead"),
])
def test_train_model_refuses_bad_input_clearly(type_id, df, message):
    with pytest.raises(NodeError, match=message):
        _train(_learner(type_id), df)


def test_training_nodes_name_the_right_one_before_running():
    from nodes.base import InferContext
    from nodes.schema import LearnerSchema
    ctx = InferContext("t", ".")
    forest, kmeans = LearnerSchema("anomaly", "IsolationForest"), LearnerSchema("clustering",
                                                                                "KMeans")
    for node, learner, hint in [("train_model", forest, "Train Anomaly Detection Model"),
                                ("train_clustering_model", forest, "Train Anomaly Detection"),
                                ("train_anomaly_detection_model", kmeans,
                                 "Use Train Clustering Model")]:
        node_type = registry.get(node)
        params = {p.name: p.default for p in node_type.params if not p.required}
        params.setdefault("label_column", "y")
        with pytest.raises(NodeError, match=hint):
            node_type.infer({"learner": learner, "data": None}, params, ctx)


def test_anomaly_label_must_mark_anomalies_with_one_or_true():
    df = TEXT_LABEL.assign(b=[0.1, 0.2, 0.3, 0.4])
    with pytest.raises(NodeError, match=r"'y' must mark anomalies with 1 \(or True\).*holds "
                                        r"'p', 'q'"):
        _train(_learner("isolation_forest"), df, node="train_anomaly_detection_model")
    flags = df.assign(y=[True, False, False, False])
    model = _train(_learner("isolation_forest"), flags,
                   node="train_anomaly_detection_model")["model"]
    assert model.features == ["a", "b"] and model.task == "anomaly"


def test_wrappers_refuse_a_regressor():
    ridge = _learner("ridge_regression")
    for type_id in ("one_vs_all_multiclass", "one_vs_one_multiclass"):
        with pytest.raises(NodeError, match="wraps a classifier; the learner on its input is a "
                                            "regression learner"):
            _run(type_id, {"learner": ridge})


def test_problems_found_only_by_the_data_are_clear():
    priors = _learner("gaussian_naive_bayes", priors=[0.2, 0.3, 0.5])
    with pytest.raises(NodeError, match="GaussianNB could not be trained: .*priors"):
        _train(priors, TEXT_LABEL)
    knn = _train(_learner("k_nearest_neighbors_classifier", n_neighbors=10), TEXT_LABEL)
    with pytest.raises(NodeError, match="KNeighborsClassifier could not score these rows"):
        _run("score_model", {"model": knn["model"], "data": Table(TEXT_LABEL)})


@pytest.mark.parametrize("type_id, params, message", [
    ("dbscan", {"eps": 0}, "The 'eps' parameter of DBSCAN must be a float in the range "
                           "(0.0, inf). Got 0."),
    ("neural_network_classifier", {"hidden_layer_sizes": [10, 0]},
     "The 'hidden_layer_sizes' parameter of Neural Network Classifier must be a non-empty list "
     "of ints >= 1. Got [10, 0]."),
    ("neural_network_regressor", {"hidden_layer_sizes": []}, "'hidden_layer_sizes' parameter "
                                                             "of Neural Network Regressor"),
    ("support_vector_machine_classifier", {"C": -1.0},
     "The 'C' parameter of Support Vector Machine Classifier must be a float in the range "
     "(0.0, inf). Got -1.0."),
    ("isolation_forest", {"contamination": 0.6},
     "The 'contamination' parameter of Isolation Forest must be 'auto' or a float in the range "
     "(0.0, 0.5]. Got 0.6."),
    ("gaussian_naive_bayes", {"priors": [0.5, 0.6]},
     "The 'priors' parameter of Gaussian Naive Bayes must be a list of non-negative numbers "
     "summing to 1, one per class or null. Got [0.5, 0.6]."),
    ("decision_tree_classifier", {"min_samples_split": 1}, "'min_samples_split' parameter of "
                                                           "Decision Tree Classifier"),
    ("quantile_regression", {"quantile": 1.0}, "'quantile' parameter of Quantile Regression"),
    ("sgd_classifier", {"average": 0}, "'average' parameter of SGD Classifier"),
    ("k_nearest_neighbors_regressor", {"n_neighbors": 0},
     "'n_neighbors' parameter of K-Nearest Neighbors Regressor"),
])
def test_invalid_hyperparameters_name_the_parameter_and_the_node(type_id, params, message):
    _, errors = registry.get(type_id).check_params(params)
    assert [e.param for e in errors] == list(params)
    assert message in str(errors[0])


@pytest.mark.parametrize("type_id, params, param, message", [
    ("agglomerative_clustering", {"metric": "manhattan"}, "metric", "'euclidean' with linkage "
                                                                    "'ward'"),
    ("agglomerative_clustering", {"distance_threshold": 1.0}, "n_clusters", "set one of them"),
    ("agglomerative_clustering", {"n_clusters": None, "distance_threshold": 1.0,
                                  "compute_full_tree": False}, "compute_full_tree", "true or"),
    ("ridge_regression", {"positive": True, "solver": "svd"}, "solver", "'auto' or 'lbfgs'"),
    ("support_vector_machine_classifier", {"break_ties": True,
                                           "decision_function_shape": "ovo"}, "break_ties",
     "only with decision_function_shape 'ovr'"),
    ("k_nearest_neighbors_classifier", {"metric": "cosine", "algorithm": "kd_tree"},
     "algorithm", "'auto' or 'brute' with metric 'cosine'"),
    ("dbscan", {"metric": "cosine", "algorithm": "ball_tree"}, "algorithm", "'auto' or 'brute'"),
])
def test_parameter_combinations_are_checked_before_running(type_id, params, param, message):
    node = registry.get(type_id)
    checked, errors = node.check_params(params)
    assert not errors
    problems = node.check_more(checked)
    assert [p.param for p in problems] == [param]
    assert node.title in str(problems[0]) and message in str(problems[0])


def test_learner_nodes_stay_light_to_import():
    """Declarations only: no learner module imports numpy, pandas or scikit-learn at load."""
    code = ("import sys; import nodes.learners_linear, nodes.learners_nonlinear, "
            "nodes.learners_unsupervised, nodes.learners_multiclass, nodes.train, nodes.score, "
            "nodes.evaluate; print([m for m in ('numpy', 'pandas', 'sklearn') if m in "
            "sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=str(__import__("pathlib").Path(__file__).parents[2]))
    assert done.stdout.strip() == "[]"


def test_every_learner_is_a_learner_node():
    for node_class in NEW_LEARNERS + learners_multiclass.NODE_TYPES:
        assert issubclass(node_class, LearnerNode)
        assert registry.get(node_class.type_id).category == "Machine Learning Algorithms"


# -- the node reference (docs/nodes.md) ----------------------------------------------------------

def test_reference_examples_are_valid_settings():
    for node_type in registry.all():
        example = getattr(node_type, "example_params", None) or {}
        for name, value in example.items():
            param = node_type.param(name)
            assert param is not None and param.check(value, node_type.title) == value, \
                (node_type.type_id, name)


def test_reference_lists_every_node_with_its_parameters_and_the_azure_map():
    from designer.catalog import catalog_markdown
    text = catalog_markdown(registry)
    assert "## Azure ML Designer components and their MLWire counterparts" in text
    assert "| Machine Learning Algorithms | PCA-Based Anomaly Detection | " \
           "[Isolation Forest](#isolation_forest) |" in text
    for node_type in registry.all():
        assert f"### {node_type.title} (`{node_type.type_id}`)" in text
        for param in node_type.params:
            assert f"| `{param.name}` |" in text
    dbscan = text[text.index("### DBSCAN"):text.index("<a id", text.index("### DBSCAN"))]
    assert "| `eps` | float | `0.5` | a float in the range (0.0, inf) |" in dbscan
    assert '{"id": "dbscan", "type": "dbscan", "params": {"eps": 0.3, "min_samples": 10}}' \
        in dbscan and "dbscan.learner -> train_clustering_model.learner" in dbscan
