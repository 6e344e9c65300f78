"""Transformation and feature nodes: the safe filter language, joins, SQL, and fitted transforms
that join the lineage so that models score raw rows."""
from __future__ import annotations

import io
import time

import numpy as np
import pandas as pd
import pytest

from designer.engine.checker import check
from nodes.base import NodeError
from nodes.ops_expr import ExpressionError, check_expression
from tests.nodes.helpers import infer_node, run_node, table
from tests.nodes.inprocess import run_pipeline
from tests.nodes.node_examples import TINY_CSV, Example, write_tiny_csv

TINY = pd.read_csv(io.StringIO(TINY_CSV))
SIDE = pd.DataFrame({"color": ["red", "blue", "black"], "warm": [True, False, False]})


def _filter(expression: str, df: pd.DataFrame = TINY) -> pd.DataFrame:
    return run_node("filter_rows", {"expression": expression}, {"data": table(df)})["data"].df


# -- Filter Rows -----------------------------------------------------------------------------

@pytest.mark.parametrize("expression, what", [
    ("__import__('os').system('touch PWNED')", "calls a function"),
    ("len(color) > 2", "calls a function"),
    ("color.str.len() > 2", "calls a function"),
    ("color.str == 'x'", "accesses an attribute"),
    ("x1.__class__ == 1", "accesses an attribute"),
    ("color[0] == 'r'", "uses a subscript"),
    ("(lambda: 1)() == 1", "calls a function"),
    ("[c for c in color] == 1", "uses a comprehension"),
    ("x1 if flag else x2", "uses 'if ... else'"),
    ("(y := 3) > 1", "assigns a name"),
    ("x1 > 1; import os", "not valid"),
    ("x1 & x2", "bitwise operators"),
    ("f'{x1}' == '1'", "f-string"),
])
def test_filter_rows_refuses_anything_but_the_safe_language(expression, what, tmp_path):
    with pytest.raises(ExpressionError, match=what):
        check_expression(expression)
    with pytest.raises(NodeError, match=what) as err:  # before running
        infer_node("filter_rows", {"expression": expression}, {"data": None})
    assert err.value.param == "expression"
    with pytest.raises(NodeError, match=what):  # and when running
        _filter(expression)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("expression, expected", [
    ("x1 > 2 and color in ['red', 'blue'] or x1 is None",
     lambda d: d[((d.x1 > 2) & d.color.isin(["red", "blue"])) | d.x1.isna()]),
    ("not flag and amount >= 12.5", lambda d: d[~d.flag & (d.amount >= 12.5)]),
    ("3 < x1 < 4", lambda d: d[(d.x1 > 3) & (d.x1 < 4)]),
    ("x1 * 2 > amount / 5 - -1", lambda d: d[d.x1 * 2 > d.amount / 5 + 1]),
    ("color not in ['red'] and color is not None", lambda d: d[~d.color.isin(["red"])
                                                              & d.color.notna()]),
    ("y == 'a' or x2 % 2 == 0", lambda d: d[(d.y == "a") | (d.x2 % 2 == 0)]),
    ("True", lambda d: d),
])
def test_filter_rows_means_what_pandas_means(expression, expected):
    pd.testing.assert_frame_equal(_filter(expression), expected(TINY))


def test_filter_rows_with_backticks_and_cheap_constants():
    df = TINY.rename(columns={"x1": "petal width (cm)"})
    out = _filter("`petal width (cm)` >= 4", df)
    assert list(out["petal width (cm)"]) == [4.0, 4.5, 4.1]
    started = time.perf_counter()
    assert len(_filter("2 ** 999999999 > x1")) == len(TINY.dropna(subset=["x1"]))
    assert time.perf_counter() - started < 5
    with pytest.raises(NodeError, match="needs numbers"):
        _filter("color * 100000000 == 'x'")
    with pytest.raises(NodeError, match="no column 'colour'|column 'colour'"):
        _filter("colour == 'red'")
    with pytest.raises(NodeError, match="must be a condition"):
        _filter("x1 + 1")


# -- joins, rows, columns, SQL ---------------------------------------------------------------

def test_join_on_a_missing_key_names_it_and_the_columns():
    schema = infer_node("enter_data_manually", {"data": TINY_CSV})["data"]
    with pytest.raises(NodeError, match=r"names column 'colour'.*Available columns: 'x1'"):
        infer_node("join_data", {"left_keys": ["colour"], "right_keys": ["color"]},
                   {"data": schema, "data_b": None})
    with pytest.raises(NodeError, match=r"no column 'colour'.*Available columns") as err:
        run_node("join_data", {"left_keys": ["colour"], "right_keys": ["color"]},
                 {"data": table(TINY), "data_b": table(SIDE)})
    assert err.value.column == "colour"


def test_join_kinds_and_key_handling():
    inputs = {"data": table(TINY), "data_b": table(SIDE)}
    inner = run_node("join_data", {"left_keys": ["color"], "right_keys": ["color"]}, inputs)
    expected = TINY.merge(SIDE.rename(columns={"color": "color_b"}), left_on="color",
                          right_on="color_b")
    pd.testing.assert_frame_equal(inner["data"].df, expected)
    outer = run_node("join_data", {"left_keys": ["color"], "right_keys": ["color"],
                                   "how": "outer", "keep_right_keys": False}, inputs)["data"].df
    assert "black" in set(outer["color"]) and "color_b" not in outer
    assert str(outer["warm"].dtype) == "boolean"  # stays boolean with gaps
    numbers = pd.DataFrame({"color": [1, 2]})
    with pytest.raises(NodeError, match="could not match the keys"):
        run_node("join_data", {"left_keys": ["color"], "right_keys": ["color"]},
                 {"data": table(TINY), "data_b": table(numbers)})


def test_add_rows_and_columns_say_what_does_not_match():
    with pytest.raises(NodeError, match="The second table lacks 'x1'"):
        run_node("add_rows", {}, {"data": table(TINY), "data_b": table(TINY.drop(columns="x1"))})
    with pytest.raises(NodeError, match="as many rows; they have 16 and 3"):
        run_node("add_columns", {}, {"data": table(TINY), "data_b": table(SIDE)})


def test_sql_over_two_tables_and_a_syntax_error():
    out = run_node("apply_sql_transformation",
                   {"query": "SELECT t1.y, count(*) AS n FROM t1 JOIN t2 USING (color) "
                             "GROUP BY t1.y ORDER BY t1.y"},
                   {"data": table(TINY), "data_b": table(SIDE)})["data"].df
    expected = TINY.merge(SIDE, on="color").groupby("y").size()
    assert out.to_dict("list") == {"y": list(expected.index), "n": list(expected)}
    with pytest.raises(NodeError, match=r"The SQL query failed: Parser Error: syntax error") \
            as err:
        run_node("apply_sql_transformation", {"query": "SELEC * FROM t1"},
                 {"data": table(TINY)})
    assert err.value.param == "query"
    with pytest.raises(NodeError, match="disabled by configuration"):  # no files, no network
        run_node("apply_sql_transformation", {"query": "SELECT * FROM read_csv('/etc/hosts')"},
                 {"data": table(TINY)})


def test_partition_and_sample():
    folds = run_node("partition_and_sample", {"mode": "assign_to_folds", "folds": 4,
                                              "stratify_column": "y"},
                     {"data": table(TINY)})["data"].df
    assert sorted(folds.groupby("fold")["y"].apply(lambda s: tuple(sorted(s)))) == \
        [("a", "a", "b", "b")] * 4
    sample = run_node("partition_and_sample", {"fraction": 0.5, "seed": 1},
                      {"data": table(TINY)})["data"].df
    pd.testing.assert_frame_equal(sample, TINY.sample(frac=0.5, random_state=1))


def test_smote_balances_the_classes():
    df = pd.DataFrame({"a": np.arange(30.0), "b": np.arange(30.0) % 7,
                       "label": ["rare"] * 8 + ["common"] * 22})
    out = run_node("smote", {"label_column": "label", "k_neighbors": 3},
                   {"data": table(df)})["data"].df
    assert out["label"].value_counts().to_dict() == {"common": 22, "rare": 22}
    pd.testing.assert_frame_equal(out.iloc[:30], df)
    with pytest.raises(NodeError, match="smallest class has 8 row"):
        run_node("smote", {"label_column": "label", "k_neighbors": 8}, {"data": table(df)})


# -- fitted transforms in the lineage --------------------------------------------------------

def _pipeline(nodes: dict, edges: list[str]):
    return Example(nodes, edges).pipeline()


LINEAGE_NODES = {
    "src": ("import_csv", {"path": "tiny.csv"}),
    "num": ("select_columns", {"columns": ["x1", "x2", "color", "amount", "y"]}),
    "clean": ("clean_missing_data", {"columns": ["x1"], "strategy": "median"}),
    "split": ("split_data", {"fraction": 0.75, "seed": 1, "stratify_column": "y"}),
    "meta": ("edit_metadata", {"columns": ["x2"], "type": "number", "new_names": ["x2n"]}),
    "hash": ("feature_hashing", {"column": "color", "n_features": 4}),
    "bins": ("group_data_into_bins", {"columns": ["amount"], "bins": 3,
                                      "output_mode": "append"}),
    "clip": ("clip_values", {"columns": ["x1"], "mode": "percentile", "lower": 5, "upper": 95}),
    "select": ("filter_based_feature_selection", {"label_column": "y", "k": 4}),
    "pca": ("pca", {"exclude_columns": ["y"], "n_components": 2}),
    "learner": ("logistic_regression", {}),
    "train": ("train_model", {"label_column": "y"}),
    "score_raw": ("score_model", {}),
}
LINEAGE_EDGES = ["src.data -> num.data", "num.data -> split.data", "split.train -> clean.data",
                 "clean.data -> meta.data", "meta.data -> hash.data", "hash.data -> bins.data",
                 "bins.data -> clip.data", "clip.data -> select.data", "select.data -> pca.data",
                 "pca.data -> train.data", "learner.learner -> train.learner",
                 "train.model -> score_raw.model", "split.test -> score_raw.data"]


def test_a_model_after_fitted_transforms_scores_raw_rows(tmp_path):
    write_tiny_csv(tmp_path)
    p = _pipeline(LINEAGE_NODES, LINEAGE_EDGES)
    out = run_pipeline(p, tmp_path)
    model = out["train"]["model"]
    assert model.transform_ids == ["clean", "meta", "hash", "bins", "clip", "select", "pca"]
    test_rows = out["split"]["test"].df
    # Applying each fitted step by hand to the raw test rows gives the same predictions.
    X = test_rows
    for node in model.transform_ids:
        X = out[node]["transform"].step.estimator.transform(X)
    by_hand = model.pipeline.named_steps["estimator"].predict(X[model.features])
    assert list(out["score_raw"]["data"].df["scored_label"]) == list(by_hand)
    # The registered-model view: the sklearn Pipeline alone, on raw rows without the label.
    assert list(model.pipeline.predict(test_rows.drop(columns="y"))) == list(by_hand)


def test_fitted_transforms_before_folds_are_flagged_as_leakage(tmp_path):
    write_tiny_csv(tmp_path)
    p = _pipeline({"src": ("import_csv", {"path": "tiny.csv"}),
                   "bins": ("group_data_into_bins", {"columns": ["amount"]}),
                   "folds": ("partition_and_sample", {"mode": "assign_to_folds"})},
                  ["src.data -> bins.data", "bins.data -> folds.data"])
    leaks = [f for f in check(p, tmp_path) if f.code == "leakage"]
    assert [f.node_id for f in leaks] == ["bins"]


def test_group_by_aggregate_matches_pandas():
    out = run_node("group_by_aggregate", {"group_columns": ["y"], "columns": ["amount"],
                                          "functions": ["sum", "count"]},
                   {"data": table(TINY)})["data"].df
    expected = TINY.groupby("y")["amount"].agg(["sum", "count"]).reset_index()
    assert out.to_dict("list") == {"y": expected["y"].tolist(),
                                   "amount_sum": expected["sum"].tolist(),
                                   "amount_count": expected["count"].tolist()}


def test_model_files_hold_only_reviewed_step_types(tmp_path):
    """A model with every kind of lineage step saves as skops with no types beyond those the
    loader trusts plus nodes.kernels.STEP_TYPES (which designer/artifacts.py must trust)."""
    import skops.io as sio

    from designer.artifacts import TRUSTED_TYPES, dump_model
    from nodes.kernels import STEP_TYPES
    write_tiny_csv(tmp_path)
    nodes = dict(LINEAGE_NODES, math=("apply_math_operation", {"columns": ["pc_1"],
                                                             "operation": "square"}))
    edges = [e for e in LINEAGE_EDGES if e != "pca.data -> train.data"] + \
        ["pca.data -> math.data", "math.data -> train.data"]
    out = run_pipeline(_pipeline(nodes, edges), tmp_path)
    untrusted = set(sio.get_untrusted_types(data=dump_model(out["train"]["model"])))
    assert untrusted <= set(TRUSTED_TYPES) | set(STEP_TYPES), untrusted
