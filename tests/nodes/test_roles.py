"""Column roles: Edit Metadata marks a column 'label' or 'ignore'; the roles travel with the table
(through transforms, splits, renames, SQL) and Train Model predicts the label column and leaves
the ignored ones out of the features, in the app and in the exported script alike."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from designer.engine.checker import check
from designer.engine.schemas import propagate_schemas
from designer.export import export_script
from designer.model import pipeline_from_json
from nodes.schema import assign_roles, rename_roles
from tests.nodes.inprocess import run_pipeline


@pytest.fixture
def folder(tmp_path):
    rng = np.random.default_rng(1)
    n = 120
    df = pd.DataFrame({"customer_id": np.arange(1000, 1000 + n),
                       "age": rng.integers(18, 80, n).astype(float),
                       "income": rng.normal(50, 10, n).round(2)})
    df["Bought"] = np.where(df["income"] + rng.normal(0, 5, n) > 50, "yes", "no")
    df.to_csv(tmp_path / "shop.csv", index=False)
    return tmp_path


def _wired(name: str, nodes: list[dict], edges: list[tuple]):
    """A pipeline from its nodes and (source, port, target, port) edges."""
    return pipeline_from_json({
        "format": "mlwire.pipeline/1", "name": name, "nodes": nodes,
        "edges": [{"source": a, "source_port": b, "target": c, "target_port": d}
                  for a, b, c, d in edges]})


def _pipeline(meta: list[dict], train_params: dict | None = None, sql: bool = True):
    nodes = [{"id": "load", "type": "import_csv", "params": {"path": "shop.csv"}}]
    edges, previous = [], "load"
    for i, params in enumerate(meta):
        nodes.append({"id": f"meta{i}", "type": "edit_metadata", "params": params})
        edges.append((previous, "data", f"meta{i}", "data"))
        previous = f"meta{i}"
    if sql:     # columns unknown before running; the roles still travel
        nodes.append({"id": "sql", "type": "apply_sql_transformation",
                      "params": {"query": "SELECT * FROM t1"}})
        edges.append((previous, "data", "sql", "data"))
        previous = "sql"
    nodes += [{"id": "split", "type": "split_data", "params": {"fraction": 0.7, "seed": 2}},
              {"id": "gbt", "type": "boosted_trees_classifier", "params": {"max_iter": 30}},
              {"id": "train", "type": "train_model", "params": train_params or {}},
              {"id": "score", "type": "score_model", "params": {}},
              {"id": "evaluate", "type": "evaluate_model", "params": {}}]
    edges += [(previous, "data", "split", "data"),
              ("split", "train", "train", "data"), ("gbt", "learner", "train", "learner"),
              ("train", "model", "score", "model"), ("split", "test", "score", "data"),
              ("score", "data", "evaluate", "data")]
    return _wired("roles", nodes, edges)


ROLES = [{"columns": ["Bought"], "new_names": ["bought"], "role": "label"},
         {"columns": ["customer_id"], "role": "ignore"}]


def test_train_model_uses_the_label_role_and_leaves_ignored_columns_out(folder):
    outputs = run_pipeline(_pipeline(ROLES), folder)
    model = outputs["train"]["model"]
    assert model.label == "bought"
    assert model.features == ["age", "income"]              # no customer_id, no label
    # Edit Metadata is in the model's lineage, so raw rows go through it: they still carry the
    # id column, which the "features" step then drops.
    assert model.transform_ids == ["meta0", "meta1"]
    # the same numbers as scikit-learn on the same rows without the id column
    df = pd.read_csv(folder / "shop.csv").rename(columns={"Bought": "bought"})
    train, test = train_test_split(df, train_size=0.7, random_state=2, shuffle=True)
    reference = HistGradientBoostingClassifier(max_iter=30, random_state=0)
    reference.fit(train[["age", "income"]], train["bought"])
    expected = accuracy_score(test["bought"], reference.predict(test[["age", "income"]]))
    assert outputs["evaluate"]["metrics"].values["accuracy"] == pytest.approx(expected)


def test_roles_travel_and_infer_agrees_with_run(folder):
    pipeline = _pipeline(ROLES)
    outputs = run_pipeline(pipeline, folder)
    schemas = propagate_schemas(pipeline, folder)
    expected = (("bought", "label"), ("customer_id", "ignore"))
    for node_id, port in [("meta1", "data"), ("sql", "data"), ("split", "train"),
                          ("split", "test"), ("score", "data")]:
        assert outputs[node_id][port].roles == expected, node_id
        assert schemas[node_id].outputs[port].roles == expected, node_id
    assert schemas["train"].outputs["model"].label == "bought"   # SQL: columns known at run
    closed = propagate_schemas(_pipeline(ROLES, sql=False), folder)
    assert closed["train"].outputs["model"].features == ("age", "income")


def test_an_explicit_label_column_wins_over_the_role(folder):
    schemas = propagate_schemas(_pipeline(ROLES, {"label_column": "age"}, sql=False), folder)
    model = schemas["train"].outputs["model"]
    assert model.label == "age" and model.features == ("income", "bought")


def test_without_label_or_role_the_checker_says_what_to_do(folder):
    findings = [f for f in check(_pipeline([ROLES[1]]), folder) if f.node_id == "train"]
    assert len(findings) == 1 and findings[0].severity == "error"
    assert "label_column" in findings[0].message and "Edit Metadata" in findings[0].message


def test_one_label_only(folder):
    findings = check(_pipeline([{"columns": ["age", "income"], "role": "label"}]), folder)
    assert any(f.node_id == "meta0" and f.param == "role" and "one column" in f.message
               for f in findings)


def test_role_bookkeeping():
    roles = assign_roles((), ["a"], "label")
    assert assign_roles(roles, ["b"], "label") == (("b", "label"),)      # one label at a time
    roles = assign_roles(roles, ["c", "d"], "ignore")
    assert assign_roles(roles, ["c"], "feature") == (("a", "label"), ("d", "ignore"))
    assert rename_roles(roles, {"a": "z"}) == (("c", "ignore"), ("d", "ignore"), ("z", "label"))


def test_exported_script_trains_on_the_same_features(folder, tmp_path):
    pipeline = _pipeline(ROLES)
    script = tmp_path / "out" / "roles.py"
    script.parent.mkdir()
    source = export_script(pipeline, folder, script)
    assert "exclude=['customer_id']" in source and "label='bought'" in source
    script.write_text(source, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), "--metrics-json", "m.json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    from_script = json.loads((tmp_path / "m.json").read_text())["evaluate"]
    in_process = run_pipeline(pipeline, folder)["evaluate"]["metrics"].flat()
    assert from_script == pytest.approx(in_process, rel=0, abs=1e-12)


# -- the other label-taking nodes ---------------------------------------------------------------
# Each, with an empty label_column on a table whose roles say 'bought' is the label and
# 'customer_id' is ignored, gives what it gives with label_column='bought' on the same rows
# without that column.

from tests.nodes.helpers import infer_node, run_node  # noqa: E402
from nodes.base import NodeError  # noqa: E402
from nodes.values import Table  # noqa: E402

LABEL_NODES = ["cross_validate_model", "tune_model_hyperparameters", "automl", "smote",
               "filter_based_feature_selection"]


def _shop(n=90, seed=3):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"customer_id": np.arange(5000, 5000 + n),
                       "age": rng.integers(18, 80, n).astype(float),
                       "income": rng.normal(50, 10, n).round(2),
                       "visits": rng.poisson(3, n).astype(float)})
    # imbalanced, and the id is related to the label, so leaving it in would change results
    df["bought"] = np.where(df["income"] + rng.normal(0, 4, n) > 56, "yes", "no")
    return df


def _with_roles(df):
    """The table as Edit Metadata leaves it: 'bought' the label, 'customer_id' ignored."""
    out = run_node("edit_metadata", {"columns": ["bought"], "role": "label"},
                   {"data": Table(df)})["data"]
    return run_node("edit_metadata", {"columns": ["customer_id"], "role": "ignore"},
                    {"data": out})["data"]


def _learner():
    return run_node("logistic_regression", {})["learner"]


def _by_hand(df):
    return Table(df.drop(columns=["customer_id"]))


def test_cross_validate_model_uses_the_roles():
    df = _shop()
    params = {"folds": 3}
    roled = run_node("cross_validate_model", params, {"learner": _learner(),
                                                     "data": _with_roles(df)})
    hand = run_node("cross_validate_model", {**params, "label_column": "bought"},
                    {"learner": _learner(), "data": _by_hand(df)})
    assert roled["metrics"].values == hand["metrics"].values
    with_id = run_node("cross_validate_model", {**params, "label_column": "bought"},
                       {"learner": _learner(), "data": Table(df)})
    assert with_id["metrics"].values != roled["metrics"].values     # the id did matter


def test_tune_model_hyperparameters_uses_the_roles():
    df = _shop()
    params = {"ranges": {"C": [0.1, 1.0, 10.0]}, "folds": 3}
    roled = run_node("tune_model_hyperparameters", params,
                     {"learner": _learner(), "data": _with_roles(df)})
    hand = run_node("tune_model_hyperparameters", {**params, "label_column": "bought"},
                    {"learner": _learner(), "data": _by_hand(df)})
    pd.testing.assert_frame_equal(roled["trials"].df, hand["trials"].df)
    assert roled["model"].features == hand["model"].features == ["age", "income", "visits"]
    assert roled["model"].label == "bought"
    rows = df.drop(columns=["bought"])
    assert roled["model"].pipeline.predict_proba(rows).tolist() == \
        hand["model"].pipeline.predict_proba(rows).tolist()


def test_automl_uses_the_roles():
    df = _shop()
    params = {"max_trials": 3, "time_budget": 120.0, "learners": ["linear", "decision_tree"],
              "ensembling": False, "folds": 3}
    roled = run_node("automl", params, {"data": _with_roles(df)})
    hand = run_node("automl", {**params, "label_column": "bought"}, {"data": _by_hand(df)})
    assert roled["leaderboard"].df["score"].tolist() == hand["leaderboard"].df["score"].tolist()
    assert roled["model"].features == hand["model"].features
    assert "customer_id" not in roled["model"].features and roled["model"].label == "bought"
    pin = {**roled["leaderboard"].details["best"], "features": ["customer_id", "age"]} \
        if "best" in roled["leaderboard"].details else None
    if pin is not None:     # a pinned candidate may not use an ignored column
        with pytest.raises(NodeError, match="role is 'ignore'"):
            run_node("automl", {"candidate": pin}, {"data": _with_roles(df)})


def test_smote_uses_the_roles():
    df = _shop()
    roled = run_node("smote", {"k_neighbors": 3}, {"data": _with_roles(df)})["data"]
    hand = run_node("smote", {"k_neighbors": 3, "label_column": "bought"},
                    {"data": _by_hand(df)})["data"]
    assert len(roled.df) > len(df)
    pd.testing.assert_frame_equal(roled.df.drop(columns=["customer_id"]), hand.df)
    # the ignored column: the original ids, then nothing for the synthetic rows
    assert roled.df["customer_id"].iloc[:len(df)].tolist() == df["customer_id"].tolist()
    assert roled.df["customer_id"].iloc[len(df):].isna().all()
    assert roled.roles == (("bought", "label"), ("customer_id", "ignore"))


def test_filter_based_feature_selection_uses_the_roles():
    df = _shop()
    params = {"k": 1, "method": "anova_f"}
    roled = run_node("filter_based_feature_selection", params, {"data": _with_roles(df)})
    hand = run_node("filter_based_feature_selection", {**params, "label_column": "bought"},
                    {"data": _by_hand(df)})
    pd.testing.assert_frame_equal(roled["scores"].df, hand["scores"].df)
    assert "customer_id" not in roled["scores"].df["feature"].tolist()
    # the ignored column passes through, the chosen feature and the label stay
    assert list(roled["data"].df.columns) == ["customer_id", "income", "bought"]
    pd.testing.assert_frame_equal(roled["data"].df.drop(columns=["customer_id"]),
                                  hand["data"].df)


def test_train_anomaly_detection_model_leaves_ignored_columns_out():
    df = _shop().drop(columns=["bought"])
    roled = run_node("edit_metadata", {"columns": ["customer_id"], "role": "ignore"},
                     {"data": Table(df)})["data"]
    forest = run_node("isolation_forest", {})["learner"]
    model = run_node("train_anomaly_detection_model", {}, {"learner": forest, "data": roled})
    hand = run_node("train_anomaly_detection_model", {},
                    {"learner": forest, "data": _by_hand(df)})
    assert model["model"].features == hand["model"].features == ["age", "income", "visits"]
    assert model["model"].pipeline.predict(df).tolist() == \
        hand["model"].pipeline.predict(df).tolist()


@pytest.mark.parametrize("type_id", LABEL_NODES)
def test_without_label_or_role_each_node_says_what_to_set(type_id):
    from nodes.schema import ColumnInfo, NUMBER, STRING, TableSchema
    schema = TableSchema((ColumnInfo("age", NUMBER, False), ColumnInfo("bought", STRING, False)))
    inputs = {"data": schema}
    if type_id in ("cross_validate_model", "tune_model_hyperparameters"):
        inputs["learner"] = infer_node("logistic_regression", {})["learner"]
    with pytest.raises(NodeError) as caught:
        infer_node(type_id, {}, inputs)
    assert caught.value.param == "label_column"
    assert "label_column" in str(caught.value) and "Edit Metadata" in str(caught.value)


def _label_nodes_pipeline():
    """Import, roles, split; SMOTE and feature selection before Train Model on the training
    rows; Cross Validate Model and Tune Model Hyperparameters beside it. No label_column set."""
    nodes = [{"id": "load", "type": "import_csv", "params": {"path": "shop.csv"}},
             {"id": "meta0", "type": "edit_metadata", "params": ROLES[0]},
             {"id": "meta1", "type": "edit_metadata", "params": ROLES[1]},
             {"id": "split", "type": "split_data", "params": {"fraction": 0.7, "seed": 2}},
             {"id": "smote", "type": "smote", "params": {"k_neighbors": 3}},
             {"id": "select", "type": "filter_based_feature_selection", "params": {"k": 1}},
             {"id": "logreg", "type": "logistic_regression", "params": {}},
             {"id": "train", "type": "train_model", "params": {}},
             {"id": "score", "type": "score_model", "params": {}},
             {"id": "evaluate", "type": "evaluate_model", "params": {}},
             {"id": "cv", "type": "cross_validate_model", "params": {"folds": 3}},
             {"id": "tune", "type": "tune_model_hyperparameters",
              "params": {"ranges": {"C": [0.1, 10.0]}, "folds": 3}},
             {"id": "score_tuned", "type": "score_model", "params": {}},
             {"id": "evaluate_tuned", "type": "evaluate_model", "params": {}}]
    edges = [("load", "data", "meta0", "data"), ("meta0", "data", "meta1", "data"),
             ("meta1", "data", "split", "data"), ("split", "train", "smote", "data"),
             ("smote", "data", "select", "data"), ("select", "data", "train", "data"),
             ("logreg", "learner", "train", "learner"), ("train", "model", "score", "model"),
             ("split", "test", "score", "data"), ("score", "data", "evaluate", "data"),
             ("meta1", "data", "cv", "data"), ("logreg", "learner", "cv", "learner"),
             ("split", "train", "tune", "data"), ("logreg", "learner", "tune", "learner"),
             ("tune", "model", "score_tuned", "model"), ("split", "test", "score_tuned", "data"),
             ("score_tuned", "data", "evaluate_tuned", "data")]
    return _wired("label nodes", nodes, edges)


def test_label_nodes_infer_like_they_run_and_export_alike(folder, tmp_path):
    pipeline = _label_nodes_pipeline()
    assert [f for f in check(pipeline, folder) if f.severity == "error"] == []
    outputs = run_pipeline(pipeline, folder)
    schemas = propagate_schemas(pipeline, folder)
    for node_id in ("smote", "select"):
        table, schema = outputs[node_id]["data"], schemas[node_id].outputs["data"]
        assert schema.roles == table.roles
    smote = outputs["smote"]["data"].df
    assert list(schemas["smote"].outputs["data"].names) == list(smote.columns)
    # which feature the selection keeps is known at run time: the schema knows the rest
    select = schemas["select"].outputs["data"]
    assert select.open and list(select.names) == ["customer_id", "bought"]
    for node_id in ("train", "tune"):
        model, schema = outputs[node_id]["model"], schemas[node_id].outputs["model"]
        assert model.label == schema.label == "bought"
        assert "customer_id" not in model.features
    assert outputs["tune"]["model"].features == list(schemas["tune"].outputs["model"].features)
    script = tmp_path / "out" / "label_nodes.py"
    script.parent.mkdir()
    source = export_script(pipeline, folder, script)
    assert source.count("exclude=['customer_id']") >= 4    # SMOTE, selection, CV, tuning, train
    script.write_text(source, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), "--metrics-json", "m.json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    from_script = json.loads((tmp_path / "m.json").read_text())
    for node_id in ("evaluate", "evaluate_tuned"):
        in_process = outputs[node_id]["metrics"].flat()
        assert from_script[node_id] == pytest.approx(in_process, rel=0, abs=1e-12), node_id
    # the script prints only Evaluate Model's metrics: run Cross Validate Model's code alone
    assert _emitted_outputs(pipeline, "cv", outputs, schemas)["metrics"]["values"] == \
        outputs["cv"]["metrics"].values


def _emitted_outputs(pipeline, node_id, outputs, schemas):
    """Run one node's exported code on its inputs' run-time values, as the script would."""
    import importlib
    from designer.export.script import EXTRA
    from nodes import ops
    from nodes.base import EmitContext
    namespace = {k: v for k, v in vars(ops).items() if not k.startswith("__")}
    for kernel in EXTRA:
        module = importlib.import_module(f"nodes.{kernel}")
        namespace.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
    inputs = {}
    for edge in pipeline.in_edges(node_id):
        value = outputs[edge.source][edge.source_port]
        inputs[edge.target_port] = f"in_{edge.target_port}"
        namespace[f"in_{edge.target_port}"] = getattr(value, "df", None) \
            if isinstance(value, Table) else value.estimator
    variables = {}
    for step in schemas[node_id].inputs["data"].lineage:     # the fitted transforms it names
        variables[(step, "transform")] = f"{step}_transform"
        namespace[f"{step}_transform"] = outputs[step]["transform"].step.estimator
    node_type = pipeline.node_type(node_id)
    ctx = EmitContext(node_id, inputs, {p.name: f"out_{p.name}" for p in node_type.outputs},
                      schemas[node_id].inputs, variables)
    exec(node_type.emit(schemas[node_id].params, ctx), namespace)
    return {p.name: namespace[f"out_{p.name}"] for p in node_type.outputs}
