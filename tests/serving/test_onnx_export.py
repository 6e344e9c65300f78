"""ONNX export of pipelines with column transforms: under ONNX Runtime, the raw columns in (one
input each, missing values included) give scikit-learn's labels exactly and its probabilities
to 1e-5; a step without ONNX form is named in the refusal."""
import numpy as np
import pandas as pd
import pytest

pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (mlwire[onnx])")
pytest.importorskip("skl2onnx", reason="skl2onnx is not installed (mlwire[onnx])")

import onnxruntime as ort  # noqa: E402

from designer.serving.onnx_export import (OnnxUnsupported, export_onnx,  # noqa: E402
                                          onnx_contract, onnx_feed)
from designer.serving.source import resolve_model_file  # noqa: E402
from nodes import ops  # noqa: E402
from nodes.values import Model  # noqa: E402


def _onnx_predict(model, rows, tmp_path):
    session = ort.InferenceSession(str(export_onnx(model, tmp_path / "model.onnx")))
    return session, session.run(None, onnx_feed(session.get_inputs(), rows))


def _model(df, label, steps, estimator):
    """Model trained as Train Model does, after `steps`: (node id, ops function, params)."""
    raw = [(str(c), str(t)) for c, t in df.dtypes.items() if c != label]
    transforms = []
    for name, function, params in steps:
        df, step = function(df, **params)
        transforms.append((name, step))
    pipeline = ops.train_model(estimator, df, label, transforms)
    estimator = pipeline.named_steps["estimator"]
    classes = list(estimator.classes_) if hasattr(estimator, "classes_") else None
    features = list(pipeline.named_steps["features"].transformers_[0][2])
    return Model(pipeline, ops.task_of(estimator), label, features, classes, raw)


def _customers(n=240, seed=3):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "income": rng.normal(50, 15, n).round(2),
        "visits": rng.integers(1, 5, n),
        "colour": rng.choice(["red", "green", "blue"], n).astype(object),
        "plan": rng.choice(["basic", "plus", "pro"], n).astype(object),
    })
    df.loc[rng.random(n) < 0.15, "income"] = np.nan
    df.loc[rng.random(n) < 0.1, "colour"] = np.nan
    df.loc[rng.random(n) < 0.1, "plan"] = np.nan
    score = df["income"].fillna(50) / 10 + df["visits"] + (df["plan"] == "pro") * 2
    df["label"] = np.where(score + rng.normal(0, 1, n) > 10, "stays", "leaves")
    df["spend"] = score * 3 + rng.normal(0, 1, n)
    return df


def test_the_churn_model_converts_and_agrees_with_scikit_learn(served, churn_rows, tmp_path):
    project, _ = served
    _, model, _ = resolve_model_file(project, "churn")
    kinds = {type(t).__name__ for _, s in model.pipeline.steps[:-2] for t in s.fitted_.values()}
    assert kinds == {"SimpleImputer", "OneHotEncoder", "StandardScaler"}
    session, (labels, probabilities) = _onnx_predict(model, churn_rows, tmp_path)
    assert [(i.name, i.type) for i in session.get_inputs()] == [
        ("tenure_months", "tensor(double)"), ("monthly_charges", "tensor(double)"),
        ("contract", "tensor(string)"), ("payment_method", "tensor(string)"),
        ("support_calls", "tensor(double)"), ("senior", "tensor(string)")]
    assert [o.name for o in session.get_outputs()] == onnx_contract(model)["outputs"]
    assert labels.tolist() == model.pipeline.predict(churn_rows).tolist()
    np.testing.assert_allclose(probabilities, model.pipeline.predict_proba(churn_rows),
                               atol=1e-5)
    missing = churn_rows[["monthly_charges", "payment_method"]].isna().any(axis=1)
    assert missing.sum() > 50        # rows with missing values were among those compared


def test_ordinal_minmax_robust_and_a_learned_missing_category_convert(tmp_path):
    from sklearn.linear_model import LogisticRegression
    df = _customers().drop(columns="spend")
    model = _model(df, "label", [
        ("fill_income", ops.clean_missing_data, {"columns": ["income"], "strategy": "mean"}),
        ("fill_plan", ops.clean_missing_data, {"columns": ["plan"], "strategy": "constant",
                                               "fill_value": "none"}),
        ("ordinal", ops.encode_categorical, {"columns": ["plan"], "method": "ordinal"}),
        ("onehot", ops.encode_categorical, {"columns": ["colour", "visits"]}),  # NaN: a category
        ("robust", ops.normalize_data, {"columns": ["income"], "method": "robust"}),
        ("minmax", ops.normalize_data, {"columns": ["plan", "visits_1"], "method": "minmax"}),
    ], LogisticRegression(max_iter=500))
    rows = pd.concat([df.drop(columns="label"), pd.DataFrame({
        "income": [np.nan, 1e4], "visits": [9, 2], "colour": ["purple", np.nan],
        "plan": ["gold", np.nan]})], ignore_index=True)   # unknown categories, missing values
    _, (labels, probabilities) = _onnx_predict(model, rows, tmp_path)
    assert labels.tolist() == model.pipeline.predict(rows).tolist()
    np.testing.assert_allclose(probabilities, model.pipeline.predict_proba(rows), atol=1e-5)


def test_a_regressor_receiving_missing_values_converts(tmp_path):
    from sklearn.ensemble import HistGradientBoostingRegressor
    df = _customers().drop(columns="label")
    model = _model(df, "spend", [
        ("encode", ops.encode_categorical, {"columns": ["colour", "plan"]}),
        ("scale", ops.normalize_data, {"columns": ["income", "visits"], "method": "zscore"}),
    ], HistGradientBoostingRegressor(max_iter=50, random_state=0))
    rows = df.drop(columns="spend")
    assert rows["income"].isna().any()      # NaN reaches the trees, which route it themselves
    session, (values,) = _onnx_predict(model, rows, tmp_path)
    assert [o.name for o in session.get_outputs()] == ["variable"]
    np.testing.assert_allclose(values.ravel(), model.pipeline.predict(rows), rtol=1e-5)


def test_a_step_without_onnx_form_is_named(tmp_path):
    from sklearn.linear_model import LinearRegression
    from nodes.ops_columns import apply_math_operation
    df = _customers()[["income", "visits", "spend"]].dropna()
    model = _model(df, "spend", [
        ("log_visits", apply_math_operation, {"columns": ["visits"], "operation": "log"}),
    ], LinearRegression())
    with pytest.raises(OnnxUnsupported, match=r"step 'log_visits' \(MathStep\) has no ONNX "
                                              r"converter"):
        export_onnx(model, tmp_path / "model.onnx")
    assert not (tmp_path / "model.onnx").exists()


def test_a_forest_trained_on_missing_values_is_refused_not_exported_wrong(tmp_path):
    from sklearn.ensemble import RandomForestClassifier
    df = _customers()[["income", "visits", "label"]]
    assert df["income"].isna().any()
    model = _model(df, "label", [], RandomForestClassifier(n_estimators=5, random_state=0))
    with pytest.raises(OnnxUnsupported, match="RandomForestClassifier was trained on missing "
                                              "values.*add Clean Missing Data"):
        export_onnx(model, tmp_path / "model.onnx")
