"""Each example runs via `mlwire run --json`; its metrics equal an independent scikit-learn
computation of the same steps, and the exported script, run from elsewhere, prints the same."""
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.cluster import KMeans
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, RobustScaler, StandardScaler

from e2e_cli import EXAMPLES, mlwire, run_json


def in_place(df, columns, fitted, expand=False):
    """Apply a fitted transformer to `columns`, keeping the table's column order."""
    out = df.copy()
    values = fitted.transform(df[columns])
    if not expand:
        for i, column in enumerate(columns):
            out[column] = values[:, i]
        return out
    names = fitted.get_feature_names_out(columns)
    parts, done = [], set()
    for column in df.columns:
        if column in columns:
            idx = [i for i, n in enumerate(names) if n.startswith(f"{column}_")
                   and fitted.feature_names_in_[_owner(fitted, i)] == column]
            parts.append(pd.DataFrame(values[:, idx], columns=[names[i] for i in idx], index=df.index))
        else:
            parts.append(df[[column]])
    return pd.concat(parts, axis=1)


def _owner(encoder, output_index):
    """Which input column produced one-hot output column `output_index`."""
    sizes = np.cumsum([len(c) for c in encoder.categories_])
    return int(np.searchsorted(sizes, output_index, side="right"))


def churn_metrics():
    df = pd.read_csv(EXAMPLES / "churn.csv")
    train, test = train_test_split(df, train_size=0.75, random_state=42, shuffle=True,
                                   stratify=df["churned"])
    steps = []
    X = train
    for columns, maker, expand in (
            (["monthly_charges"], lambda: SimpleImputer(strategy="median"), False),
            (["payment_method"], lambda: SimpleImputer(strategy="most_frequent"), False),
            (["contract", "payment_method", "senior"],
             lambda: OneHotEncoder(handle_unknown="ignore", sparse_output=False), True)):
        fitted = maker().fit(X[columns])
        steps.append((columns, fitted, expand))
        X = in_place(X, columns, fitted, expand)
    numeric = [c for c in X.columns if c != "churned"]
    scaler = StandardScaler().fit(X[numeric])
    steps.append((numeric, scaler, False))
    X = in_place(X, numeric, scaler)
    features = [c for c in X.columns if c != "churned"]
    model = HistGradientBoostingClassifier(learning_rate=0.1, max_iter=100, random_state=0)
    model.fit(X[features], X["churned"])
    T = test
    for columns, fitted, expand in steps:
        T = in_place(T, columns, fitted, expand)
    pred = model.predict(T[features])
    proba = model.predict_proba(T[features])
    y = test["churned"]
    positive = sorted(model.classes_)[-1]
    p = proba[:, list(model.classes_).index(positive)]
    return {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, pos_label=positive),
        "recall": skm.recall_score(y, pred, pos_label=positive),
        "f1": skm.f1_score(y, pred, pos_label=positive),
        "roc_auc": skm.roc_auc_score(y == positive, p),
        "log_loss": skm.log_loss(y, proba, labels=model.classes_),
    }


def diabetes_metrics():
    df = pd.read_csv(EXAMPLES / "diabetes.csv")
    train, test = train_test_split(df, train_size=0.8, random_state=0, shuffle=True)
    features = [c for c in df.columns if c != "progression"]
    scaler = RobustScaler().fit(train[features])
    X, T = in_place(train, features, scaler), in_place(test, features, scaler)

    def regression(model):
        pred = model.fit(X[features], X["progression"]).predict(T[features])
        y = test["progression"]
        return {"mae": skm.mean_absolute_error(y, pred), "rmse": skm.root_mean_squared_error(y, pred),
                "r2": skm.r2_score(y, pred), "mape": skm.mean_absolute_percentage_error(y, pred)}

    forest = regression(RandomForestRegressor(n_estimators=200, min_samples_leaf=3, random_state=0))
    linear = regression(LinearRegression())
    return {**forest, **{f"b.{k}": v for k, v in linear.items()}}


def iris_metrics():
    df = pd.read_csv(EXAMPLES / "iris.csv").drop(columns=["species"])
    X = StandardScaler().fit_transform(df)
    labels = KMeans(n_clusters=3, n_init=10, random_state=0).fit(X).labels_
    return {"silhouette": skm.silhouette_score(X, labels),
            "davies_bouldin": skm.davies_bouldin_score(X, labels),
            "calinski_harabasz": skm.calinski_harabasz_score(X, labels)}


EXPECTED = {
    "churn.pipeline.json": churn_metrics,
    "diabetes.pipeline.json": diabetes_metrics,
    "iris-clusters.pipeline.json": iris_metrics,
}


def assert_same(actual: dict, expected: dict):
    assert set(actual) == set(expected)
    for name, value in expected.items():
        assert actual[name] == pytest.approx(value, rel=0, abs=1e-9), name


@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_example_metrics_equal_scikit_learn_and_the_exported_script(example, examples, tmp_path):
    result = run_json(example, cwd=examples)
    assert result["status"] == "succeeded"
    assert all(n["status"] == "done" for n in result["nodes"].values())
    (evaluate_id, metrics), = result["metrics"].items()
    expected = EXPECTED[example]()
    assert_same(metrics, expected)

    script = tmp_path / "exported" / "pipeline_script.py"
    script.parent.mkdir()
    done = mlwire("export", example, "-o", script, cwd=examples)
    assert done.returncode == 0, done.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "metrics.json"
    ran = subprocess.run([sys.executable, str(script), "--metrics-json", str(out)], cwd=elsewhere,
                         capture_output=True, text=True, timeout=240)
    assert ran.returncode == 0, ran.stderr
    assert_same(json.loads(out.read_text())[evaluate_id], expected)
    assert f"Metrics of {evaluate_id}" in ran.stdout
