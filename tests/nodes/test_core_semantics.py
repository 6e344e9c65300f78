"""The exact semantics of the core catalog (DESIGN 4.1): metrics, column order, lineage, errors."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.model_selection import train_test_split

from designer.engine.schemas import propagate_schemas
from nodes import ops
from nodes.base import InferContext, NodeError, RunContext
from nodes.data_input import SAMPLE_COLUMNS, sniff_csv
from nodes.registry import registry
from nodes.schema import kind_of_dtype
from nodes.values import Learner, Table
from tests.nodes.inprocess import run_pipeline
from tests.nodes.node_examples import Example, write_tiny_csv

ROOT = Path(__file__).resolve().parents[2]


def run_node(type_id, inputs=None, base_dir=Path("."), **params):
    node_type = registry.get(type_id)
    checked, errors = node_type.check_params(params)
    assert not errors, errors
    ctx = RunContext(type_id, base_dir, title=node_type.title)
    return node_type.run(inputs or {}, checked, ctx)


def learner(type_id, **params):
    return run_node(type_id, **params)["learner"]


def frame(n=60, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"a": rng.normal(size=n), "city": rng.choice(["rome", "oslo", "lima"], n),
                       "b": rng.normal(size=n)})
    df["y"] = np.where(df["a"] + rng.normal(scale=0.8, size=n) > 0, "yes", "no")
    return df


# -- metrics equal scikit-learn's ------------------------------------------------------------

def _scored(df, label, learner_id, **params):
    train, test = run_node("split_data", {"data": Table(df)}, fraction=0.6).values()
    model = run_node("train_model", {"learner": learner(learner_id, **params), "data": train},
                     label_column=label)["model"]
    scored = run_node("score_model", {"model": model, "data": test})["data"]
    return model, scored


def _evaluate(scored, b=None):
    inputs = {"data": scored} | ({"data_b": b} if b is not None else {})
    return run_node("evaluate_model", inputs)["metrics"]


def test_binary_metrics_equal_sklearn():
    df = frame()[["a", "b", "y"]]
    model, scored = _scored(df, "y", "logistic_regression")
    m, s = _evaluate(scored), scored.df
    y, pred, p = s["y"], s["scored_label"], s["scored_probability_yes"]
    expected = {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, pos_label="yes"),
        "recall": skm.recall_score(y, pred, pos_label="yes"),
        "f1": skm.f1_score(y, pred, pos_label="yes"),
        "roc_auc": skm.roc_auc_score(y, p),
        "log_loss": skm.log_loss(y, s[["scored_probability_no", "scored_probability_yes"]],
                                 labels=["no", "yes"]),
    }
    assert m.values == pytest.approx(expected, abs=1e-9)
    assert model.classes == ["no", "yes"]
    cm = m.tables["confusion_matrix"]
    assert cm["labels"] == ["no", "yes"]
    assert cm["matrix"] == skm.confusion_matrix(y, pred, labels=["no", "yes"]).tolist()
    assert set(m.curves["roc"]) == {"yes"} and set(m.curves["pr"]) == {"yes"}


def test_multiclass_metrics_equal_sklearn():
    df = ops.load_sample_dataset("iris").sample(90, random_state=1)
    model, scored = _scored(df, "target", "logistic_regression", max_iter=500)
    m, s = _evaluate(scored), scored.df
    classes = model.classes
    y, pred = s["target"], s["scored_label"]
    proba = s[[f"scored_probability_{c}" for c in classes]].to_numpy()
    expected = {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, average="macro"),
        "recall": skm.recall_score(y, pred, average="macro"),
        "f1": skm.f1_score(y, pred, average="macro"),
        "roc_auc": skm.roc_auc_score(y, proba, multi_class="ovr", average="macro",
                                     labels=classes),
        "log_loss": skm.log_loss(y, proba, labels=classes),
    }
    assert m.values == pytest.approx(expected, abs=1e-9)
    assert set(m.curves["roc"]) == set(classes)


def test_integer_classes_keep_their_type():
    df = frame()[["a", "b", "y"]].assign(y=lambda d: (d["y"] == "yes").astype(int))
    model, scored = _scored(df, "y", "random_forest_classifier", n_estimators=10)
    m = _evaluate(scored)
    assert model.classes == [0, 1]
    p = scored.df["scored_probability_1"]
    assert m.values["roc_auc"] == pytest.approx(skm.roc_auc_score(scored.df["y"], p), abs=1e-9)
    assert m.values["precision"] == pytest.approx(
        skm.precision_score(scored.df["y"], scored.df["scored_label"], pos_label=1), abs=1e-9)


def test_regression_metrics_and_second_data_set():
    df = ops.load_sample_dataset("diabetes").iloc[:120]
    _, scored = _scored(df, "target", "linear_regression")
    m, s = _evaluate(scored, b=scored), scored.df
    y, pred = s["target"], s["scored_label"]
    expected = {"mae": skm.mean_absolute_error(y, pred),
                "rmse": skm.root_mean_squared_error(y, pred),
                "r2": skm.r2_score(y, pred),
                "mape": skm.mean_absolute_percentage_error(y, pred)}
    assert m.values == pytest.approx(expected, abs=1e-9)
    assert m.flat() == {**m.values, **{f"b.{k}": v for k, v in m.values.items()}}
    assert len(m.curves["residuals"]["residual"]) == len(s)


def test_clustering_metrics_equal_sklearn():
    df = ops.load_sample_dataset("iris").drop(columns="target")
    out = run_node("train_clustering_model", {"learner": learner("kmeans", n_clusters=3),
                                              "data": Table(df)})
    m = _evaluate(out["data"])
    X, labels = df.to_numpy(), out["data"].df["cluster"]
    assert m.values == pytest.approx({
        "silhouette": skm.silhouette_score(X, labels),
        "davies_bouldin": skm.davies_bouldin_score(X, labels),
        "calinski_harabasz": skm.calinski_harabasz_score(X, labels)}, abs=1e-9)


def test_curves_are_thinned_deterministically():
    n = 12000
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"y": rng.normal(size=n)})
    df["scored_label"] = df["y"] + rng.normal(size=n)
    first = ops.evaluate_model(df, "regression", "y")
    assert len(first["curves"]["residuals"]["predicted"]) == ops.CURVE_POINTS
    assert first == ops.evaluate_model(df, "regression", "y")


def test_evaluating_an_unscored_table_is_a_clear_error():
    with pytest.raises(NodeError, match="needs a scored table"):
        _evaluate(Table(frame()))


# -- column order and lineage ----------------------------------------------------------------

def test_one_hot_replaces_the_column_in_place_in_category_order():
    df = pd.DataFrame({"a": [1, 2, 3], "city": ["rome", "oslo", "rome"], "z": [0.1, 0.2, 0.3]})
    out = run_node("encode_categorical", {"data": Table(df)})
    assert list(out["data"].df.columns) == ["a", "city_oslo", "city_rome", "z"]
    assert out["data"].df["city_rome"].tolist() == [1.0, 0.0, 1.0]
    # Unknown categories at apply time become all zeros.
    new = run_node("apply_transformation", {"transform": out["transform"],
                                            "data": Table(df.assign(city=["lima", "oslo", "x"]))})
    assert new["data"].df[["city_oslo", "city_rome"]].to_numpy().tolist() == \
        [[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]


def test_a_column_step_keeps_untouched_columns_their_order_dtypes_and_index():
    from sklearn.preprocessing import StandardScaler
    df = pd.DataFrame({"n": [1, 2, 3], "x": [1.0, 2.0, 4.0], "t": ["a", "b", "c"],
                       "f": [True, False, True], "y": [3.0, 5.0, 7.0], "k": [7, 8, 9]},
                      index=[10, 11, 12])
    step = ops.ColumnStep(StandardScaler(), ["x", "y"]).fit(df)
    out = step.transform(df)
    assert list(out.columns) == list(df.columns) and list(out.index) == [10, 11, 12]
    assert out.dtypes.drop(["x", "y"]).equals(df.dtypes.drop(["x", "y"]))
    pd.testing.assert_frame_equal(out[["n", "t", "f", "k"]], df[["n", "t", "f", "k"]])
    expected = StandardScaler().fit_transform(df[["x"]]).ravel()
    np.testing.assert_array_equal(out["x"].to_numpy(), expected)
    # the label column is absent when new rows are scored: the rest still goes through
    assert list(step.transform(df.drop(columns="y")).columns) == ["n", "x", "t", "f", "k"]


def test_imputed_scaled_and_ordinal_columns_stay_in_place():
    df = pd.DataFrame({"a": [1.0, None, 3.0], "t": ["x", "y", "x"], "b": [4, 5, 6]})
    cleaned = run_node("clean_missing_data", {"data": Table(df)})["data"]
    assert list(cleaned.df.columns) == ["a", "t", "b"] and cleaned.df["a"].tolist() == [1, 2, 3]
    scaled = run_node("normalize_data", {"data": cleaned}, exclude_columns=["b"])["data"]
    assert list(scaled.df.columns) == ["a", "t", "b"] and scaled.df["b"].tolist() == [4, 5, 6]
    encoded = run_node("encode_categorical", {"data": scaled}, method="ordinal")["data"]
    assert list(encoded.df.columns) == ["a", "t", "b"]
    assert encoded.df["t"].tolist() == [0.0, 1.0, 0.0]
    assert encoded.lineage_ids == ("clean_missing_data", "normalize_data", "encode_categorical")


def test_remove_rows_drops_rows_and_passes_new_rows_through():
    df = pd.DataFrame({"a": [1.0, None, 3.0], "b": [None, 1.0, 2.0]})
    out = run_node("clean_missing_data", {"data": Table(df)}, columns=["a"],
                   strategy="remove_rows")
    assert out["data"].df.index.tolist() == [0, 2]
    pd.testing.assert_frame_equal(out["transform"].step.estimator.transform(df), df)


def test_scoring_raw_rows_or_transformed_rows_gives_the_same_predictions():
    df = frame(80)
    df.loc[[2, 5, 9], "a"] = np.nan
    tables = run_node("split_data", {"data": Table(df)}, fraction=0.7)
    clean = run_node("clean_missing_data", {"data": tables["train"]})
    enc = run_node("encode_categorical", {"data": clean["data"]}, exclude_columns=["y"])
    norm = run_node("normalize_data", {"data": enc["data"]})
    model = run_node("train_model", {"learner": learner("boosted_trees_classifier", max_iter=10),
                                     "data": norm["data"]}, label_column="y")["model"]
    assert model.transform_ids == ["clean_missing_data", "encode_categorical", "normalize_data"]
    test = tables["test"]
    for step in ("clean", "enc", "norm"):  # partly through Apply Transformation
        via = test
        for fitted in {"clean": [clean], "enc": [clean, enc], "norm": [clean, enc, norm]}[step]:
            via = run_node("apply_transformation", {"transform": fitted["transform"],
                                                    "data": via})["data"]
        raw = run_node("score_model", {"model": model, "data": test})["data"].df
        applied = run_node("score_model", {"model": model, "data": via})["data"].df
        assert raw["scored_label"].tolist() == applied["scored_label"].tolist()
        np.testing.assert_allclose(raw["scored_probability_yes"],
                                   applied["scored_probability_yes"], rtol=0, atol=1e-12)
    assert "y" in raw.columns
    # The model is a real sklearn Pipeline taking raw rows (no label needed).
    direct = model.pipeline.predict(test.df.drop(columns="y"))
    assert direct.tolist() == raw["scored_label"].tolist()
    assert [name for name, _ in model.signature] == ["a", "city", "b"]


def test_applying_a_transform_twice_is_refused():
    enc = run_node("encode_categorical", {"data": Table(frame())}, exclude_columns=["y"])
    with pytest.raises(NodeError, match="already been through"):
        run_node("apply_transformation", {"transform": enc["transform"], "data": enc["data"]})


# -- split, select, train ---------------------------------------------------------------------

def test_split_is_exactly_train_test_split():
    df = frame(50)
    out = run_node("split_data", {"data": Table(df)}, fraction=0.6, seed=4, stratify_column="y")
    train, test = train_test_split(df, train_size=0.6, random_state=4, shuffle=True,
                                   stratify=df["y"])
    pd.testing.assert_frame_equal(out["train"].df, train)
    pd.testing.assert_frame_equal(out["test"].df, test)


def test_fraction_must_be_inside_zero_one():
    _, errors = registry.get("split_data").check_params({"fraction": 1.5})
    assert str(errors[0]) == ("The 'fraction' parameter of Split Data must be a float in the "
                              "range (0.0, 1.0). Got 1.5.")


def test_unknown_column_is_named_with_the_available_ones(tmp_path):
    write_tiny_csv(tmp_path)
    example = Example({"src": ("import_csv", {"path": "tiny.csv"}),
                       "n": ("select_columns", {"columns": ["x1", "nope"]})},
                      ["src.data -> n.data"])
    info = propagate_schemas(example.pipeline(), tmp_path)["n"]
    assert "'nope'" in str(info.infer_error) and "'amount'" in str(info.infer_error)
    with pytest.raises(NodeError, match="'nope'.*Available columns: 'x1'"):
        run_pipeline(example.pipeline(), tmp_path)


@pytest.mark.parametrize("df, label, learner_id, message", [
    (pd.DataFrame({"a": [1, 2, 3], "y": ["p", None, "q"]}), "y", "logistic_regression",
     "missing value"),
    (pd.DataFrame({"a": [1, 2, 3], "y": ["p", "p", "p"]}), "y", "logistic_regression",
     "only one class"),
    (pd.DataFrame({"a": [1, 2, 3], "y": ["p", "q", "p"]}), "y", "linear_regression",
     "a regression learner predicts numbers"),
    (pd.DataFrame({"a": [1, 2, 3], "y": [0.5, 1.7, 2.2]}), "y", "kmeans",
     "Use Train Clustering Model"),
    (pd.DataFrame({"a": ["u", "v", "w"], "y": [0, 1, 0]}), "y", "logistic_regression",
     "Add Encode Categorical"),
    (pd.DataFrame({"a": pd.Series([], dtype=float), "y": pd.Series([], dtype=object)}), "y",
     "logistic_regression", "No rows reach Train Model"),
])
def test_train_model_errors_are_clear(df, label, learner_id, message):
    with pytest.raises(NodeError, match=message):
        run_node("train_model", {"learner": learner(learner_id), "data": Table(df)},
                 label_column=label)


def test_learner_parameters_reach_the_estimator():
    est = learner("random_forest_classifier", max_features=1.0, n_estimators=7).estimator
    assert (est.max_features, est.n_estimators, est.random_state) == (1.0, 7, 0)
    assert isinstance(est.max_features, float)
    assert learner("random_forest_classifier", max_features=1).estimator.max_features == 1
    assert isinstance(learner("random_forest_classifier", max_features=1).estimator.max_features,
                      int)
    assert isinstance(learner("kmeans"), Learner)


def test_sample_dataset_columns_match_the_static_names():
    for name, columns in SAMPLE_COLUMNS.items():
        df = ops.load_sample_dataset(name)
        assert list(df.columns) == [*columns, "target"]
    assert ops.load_sample_dataset("iris")["target"].iloc[0] == "setosa"


# -- CSV: schema guessing and clear errors ----------------------------------------------------

def test_sniffed_columns_agree_with_pandas(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("\ufeffa,a,,b c,flag,when\n1,x,,1e3,True,2024-01-01\n2,y,,inf,false,x\n"
                    "3,,,NA,TRUE,y\n", encoding="utf-8")
    schema = sniff_csv(path, ",", "utf-8", True)
    df = pd.read_csv(path)
    assert schema.names == list(df.columns)
    assert [c.kind for c in schema.columns] == [kind_of_dtype(t) for t in df.dtypes]
    assert [c.has_missing for c in schema.columns] == df.isna().any().tolist()


def _import_csv(tmp_path, name, content: bytes, **params):
    (tmp_path / name).write_bytes(content)
    return run_node("import_csv", base_dir=tmp_path, path=name, **params)


def test_missing_file_names_the_resolved_path(tmp_path):
    with pytest.raises(NodeError, match=f"'{tmp_path / 'nope.csv'}' does not exist"):
        run_node("import_csv", base_dir=tmp_path, path="nope.csv")
    info = registry.get("import_csv")
    with pytest.raises(NodeError, match="does not exist"):
        info.infer({}, {"path": "nope.csv", "separator": ",", "encoding": "utf-8",
                        "header": True}, InferContext("load", tmp_path))


def test_ragged_row_names_the_line(tmp_path):
    with pytest.raises(NodeError, match="Expected 2 fields in line 3, saw 3"):
        _import_csv(tmp_path, "ragged.csv", b"a,b\n1,2\n3,4,5\n")


def test_latin1_bytes_read_as_utf8_name_the_byte_and_suggest_latin1(tmp_path):
    content = "name,city\nx,Z\u00fcrich\n".encode("latin-1")
    with pytest.raises(NodeError, match=r"byte 13 \(line 2\).*'latin-1'"):
        _import_csv(tmp_path, "latin.csv", content)
    df = _import_csv(tmp_path, "latin.csv", content, encoding="latin-1")["data"].df
    assert df["city"].tolist() == ["Z\u00fcrich"]


def test_empty_file_is_a_clear_error(tmp_path):
    with pytest.raises(NodeError, match="is empty"):
        _import_csv(tmp_path, "empty.csv", b"")
    with pytest.raises(NodeError, match="is empty"):  # before running, too
        registry.get("import_csv").infer({}, {"path": "empty.csv", "separator": ",",
                                              "encoding": "utf-8", "header": True},
                                          InferContext("load", tmp_path))


def test_fingerprint_follows_the_content(tmp_path):
    node, ctx = registry.get("import_csv"), InferContext("load", tmp_path)
    (tmp_path / "d.csv").write_text("a\n1\n")
    first = node.fingerprint({"path": "d.csv"}, ctx)
    (tmp_path / "d.csv").write_text("a\n2\n")
    assert node.fingerprint({"path": "d.csv"}, ctx) != first


def test_checking_a_pipeline_never_imports_pandas_or_sklearn(tmp_path):
    write_tiny_csv(tmp_path)
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from designer.engine.schemas import propagate_schemas
        from designer.model import pipeline_from_json
        from nodes.base import InferContext
        from nodes.registry import registry
        nodes = [{{"id": "src", "type": "import_csv", "params": {{"path": "tiny.csv"}}}},
                 {{"id": "iris", "type": "sample_dataset", "params": {{}}}}]
        nodes += [{{"id": t.type_id, "type": t.type_id, "params": {{}}}} for t in registry.all()
                  if t.type_id not in ("import_csv", "train_model")]
        p = pipeline_from_json({{"format": "mlwire.pipeline/1", "nodes": nodes, "edges": []}})
        propagate_schemas(p, Path({str(tmp_path)!r}))
        ctx = InferContext("src", Path({str(tmp_path)!r}))
        assert registry.get("import_csv").fingerprint({{"path": "tiny.csv"}}, ctx)
        heavy = [m for m in ("pandas", "numpy", "sklearn") if m in sys.modules]
        print(heavy)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stderr
