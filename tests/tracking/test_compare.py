"""Comparing runs: graph diff of pipeline documents; parameters, metrics, data and environment."""
from __future__ import annotations

import copy
import math

from designer.store import NewRun
from designer.tracking import EdgeRef, compare, diff_pipelines

BASE = {
    "format": "mlwire.pipeline/1", "name": "p", "parameters": {"seed": 1},
    "nodes": [{"id": "load", "type": "import_csv", "params": {"path": "a.csv"}, "position": [0, 0]},
              {"id": "gbt", "type": "boosted_trees_classifier", "params": {"max_iter": 100}},
              {"id": "train", "type": "train_model", "params": {"label_column": "y"}}],
    "edges": [{"source": "load", "source_port": "data", "target": "train", "target_port": "data"},
              {"source": "gbt", "source_port": "learner", "target": "train",
               "target_port": "learner"}],
}


def _changed() -> dict:
    doc = copy.deepcopy(BASE)
    doc["parameters"]["seed"] = 2
    doc["nodes"][0]["position"] = [100, 100]                  # layout is not a difference
    doc["nodes"][1] = {"id": "gbt", "type": "random_forest_classifier",
                       "params": {"n_estimators": 50}}
    doc["nodes"][2]["params"]["label_column"] = "z"
    doc["nodes"][2]["comment"] = "new label"
    doc["nodes"].append({"id": "clean", "type": "clean_missing_data", "params": {}})
    doc["edges"][0] = {"source": "load", "source_port": "data", "target": "clean",
                       "target_port": "data"}
    doc["edges"].append({"source": "clean", "source_port": "data", "target": "train",
                         "target_port": "data"})
    return doc


def test_graph_diff_finds_nodes_params_edges_and_parameters():
    diff = diff_pipelines(BASE, _changed())
    assert diff.nodes_added == (("clean", "clean_missing_data"),) and diff.nodes_removed == ()
    changes = {c.node_id: c for c in diff.nodes_changed}
    assert set(changes) == {"gbt", "train"}
    gbt = changes["gbt"]
    assert (gbt.type_before, gbt.type_after) == ("boosted_trees_classifier",
                                                 "random_forest_classifier")
    assert {(p.name, p.before, p.after) for p in gbt.params} == {("max_iter", 100, None),
                                                                 ("n_estimators", None, 50)}
    assert changes["train"].comment_after == "new label"
    assert [str(e) for e in diff.edges_added] == ["clean.data -> train.data",
                                                  "load.data -> clean.data"]
    assert diff.edges_removed == (EdgeRef("load", "data", "train", "data"),)
    assert [(p.name, p.before, p.after) for p in diff.parameters] == [("seed", 1, 2)]
    assert diff_pipelines(BASE, copy.deepcopy(BASE)).empty
    assert diff_pipelines(_changed(), BASE).nodes_removed == (("clean", "clean_missing_data"),)


def test_compare_runs_parameters_metrics_data_environment(project):
    project.runs.log(NewRun("a", BASE, params={"train": {"label_column": "y"}, "gone": {"k": 1}},
                            metrics={"eval": {"accuracy": 0.8, "auc": math.nan}},
                            environment={"python": "3.11", "scikit-learn": "1.5"},
                            inputs={"load": {"a.csv": "1" * 64}}))
    project.runs.log(NewRun("b", _changed(), params={"train": {"label_column": "z"}},
                            metrics={"eval": {"accuracy": 0.9, "f1": 0.7}},
                            environment={"python": "3.11", "scikit-learn": "1.6"},
                            inputs={"load": {"a.csv": "2" * 64}}))
    result = compare(project, "a", "b")
    assert [(p.node_id, p.name, p.before, p.after) for p in result.params] == [
        ("train", "label_column", "y", "z")]                 # nodes both runs have
    deltas = {(m.node_id, m.name): m for m in result.metrics}
    assert math.isclose(deltas["eval", "accuracy"].delta, 0.1)
    assert deltas["eval", "auc"].a is None and deltas["eval", "auc"].delta is None
    assert (deltas["eval", "f1"].a, deltas["eval", "f1"].b) == (None, 0.7)
    assert [(d.node_id, d.a, d.b) for d in result.data] == [("load", {"a.csv": "1" * 64},
                                                             {"a.csv": "2" * 64})]
    assert [(e.name, e.before, e.after) for e in result.environment] == [
        ("scikit-learn", "1.5", "1.6")]
    assert not result.graph.empty
    as_json = result.to_json()
    assert as_json["a"]["id"] == "a" and as_json["graph"]["nodes_added"][0]["node"] == "clean"
