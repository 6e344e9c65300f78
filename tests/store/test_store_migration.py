"""Project files of earlier schema revisions (checked-in fixtures) upgrade keeping all their data."""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

from sqlalchemy import select

from designer.store import NewRun, Project, SCHEMA_VERSION
from designer.store.metrics_json import metrics_json_of
from designer.store.orm import RunRow
from store_events import NODE_IDS, PIPELINE
from store_probes import listed_metrics, metric_rows, sqlite_value
from store_schema_dump import SCHEMA_SQL, dump_schema

FIXTURE = Path(__file__).with_name("fixtures") / "schema-0001.mlw"
FIXTURE_0002 = Path(__file__).with_name("fixtures") / "schema-0002.mlw"   # make_fixture_0002.py
# Made with the code of revision 0001: the pipeline 'iris-species' and three runs recorded from
# store_events (succeeded a1b2c3d4e5f6 with accuracy 0.9333, failed f00dfeed0001, succeeded
# 0123456789ab with accuracy 0.95).


def test_a_revision_1_project_is_backed_up_upgraded_and_keeps_all_data(tmp_path):
    path = tmp_path / "old.mlw"
    shutil.copy(FIXTURE, path)
    assert sqlite_value(path, "PRAGMA user_version") == 1
    with Project.open(path) as project:
        assert f"from file format revision 1 to {SCHEMA_VERSION}" in project.notices[0]
        assert project.pipelines.get("iris-species") == PIPELINE
        [first] = project.pipelines.revisions("iris-species")    # the saved pipeline, as rev. 1
        assert (first.revision, first.nodes) == (1, len(PIPELINE["nodes"]))
        assert project.pipelines.revision("iris-species", 1) == PIPELINE
        assert [r.id for r in project.runs.list()] == ["0123456789ab", "f00dfeed0001",
                                                        "a1b2c3d4e5f6"]
        run = project.runs.get("a1b2c3d4e5f6")
        assert run.pipeline == PIPELINE and run.status == "succeeded"
        assert run.params == {"split": {"fraction": 0.8, "seed": 7}}
        assert [n.node_id for n in run.nodes] == NODE_IDS
        assert run.node("load").log == "loaded 150 rows\n"
        assert run.metrics["eval"]["accuracy"] == 0.9333
        assert math.isnan(run.metrics["eval"]["roc_auc"])
        assert project.runs.metric_details("a1b2c3d4e5f6")["eval"].tables["confusion_matrix"]
        failed = project.runs.get("f00dfeed0001")
        assert failed.status == "failed" and "'fraction' parameter" in failed.node("split").message
        assert (run.tags, run.notes) == ({}, "")
        # New tables work on old runs: run inputs were filled from the recorded fingerprints.
        assert [(u.run_id, u.node_id) for u in project.assets.runs_reading("ab" * 32)] == [
            ("0123456789ab", "load"), ("a1b2c3d4e5f6", "load")]
        # The listing's JSON text was filled from the metric rows, NaN as null.
        listed = listed_metrics(project)
        assert listed == metric_rows(project)
        assert _stored_texts(project) == _texts_the_store_makes(project)
        assert listed["a1b2c3d4e5f6"] == [("eval", [("accuracy", 0.9333),
                                                    ("balanced_accuracy", 0.93), ("f1", 0.932),
                                                    ("roc_auc", None)])]
        assert listed["f00dfeed0001"] == []
        assert _row_metrics(project) == _plain({r.id: r.metrics for r in project.runs.list()})
        project.runs.set_tag("a1b2c3d4e5f6", "stage", "prod")
        project.runs.log(NewRun("new", PIPELINE))
    assert sqlite_value(path, "PRAGMA user_version") == SCHEMA_VERSION
    assert sqlite_value(path, "PRAGMA integrity_check") == "ok"
    assert sqlite_value(tmp_path / "old.mlw.bak-1", "PRAGMA user_version") == 1
    assert dump_schema(path) == SCHEMA_SQL.read_text()      # the same schema as a new project


def test_a_revision_2_project_keeps_runs_models_aliases_and_assets(tmp_path):
    from store_models import TINY
    path = tmp_path / "two.mlw"
    shutil.copy(FIXTURE_0002, path)
    assert sqlite_value(path, "PRAGMA user_version") == 2
    with Project.open(path) as project:
        assert f"from file format revision 2 to {SCHEMA_VERSION}" in project.notices[0]
        assert project.pipelines.names() == ["iris-species", "iris-tiny"]
        assert [r.revision for r in project.pipelines.revisions("iris-tiny")] == [1]
        assert project.pipelines.revision("iris-tiny", 1) == TINY
        assert {r.id: r.status for r in project.runs.list()} == {
            "a1b2c3d4e5f6": "succeeded", "f00dfeed0001": "failed", "m0de1000beef": "succeeded"}
        run = project.runs.get("a1b2c3d4e5f6")
        assert (run.tags, run.notes, run.metrics["eval"]["accuracy"]) == (
            {"stage": "dev"}, "baseline", 0.9333)
        champion = project.registry.get("iris@champion")
        assert (champion.version, champion.run_id, champion.node_id) == (1, "m0de1000beef", "train")
        model = project.registry.load("iris@champion")      # through the sha256 + skops gate
        assert model.task == "classification"
        [asset] = project.assets.list()
        assert asset.name == "flowers" and project.assets.get("flowers@latest").rows == 2
        listed = listed_metrics(project)
        assert listed == metric_rows(project)
        assert _stored_texts(project) == _texts_the_store_makes(project)
        assert listed["m0de1000beef"] and listed["a1b2c3d4e5f6"][0][0] == "eval"
        lines = {line["id"]: line for line in map(json.loads, project.runs.json_lines())}
        assert lines["a1b2c3d4e5f6"]["tags"] == {"stage": "dev"}
        assert _row_metrics(project) == _plain({r.id: r.metrics for r in project.runs.list()})
        project.pipelines.save("iris-tiny", {**TINY, "parameters": {"seed": 3}})
        assert [r.revision for r in project.pipelines.revisions("iris-tiny")] == [2, 1]
    assert sqlite_value(path, "PRAGMA integrity_check") == "ok"
    assert sqlite_value(tmp_path / "two.mlw.bak-2", "PRAGMA user_version") == 2
    assert dump_schema(path) == SCHEMA_SQL.read_text()


def _plain(metrics_by_run: dict) -> dict:
    """NaN as None, so that equal metrics compare equal."""
    return {run_id: {node: {k: None if math.isnan(v) else v for k, v in values.items()}
                     for node, values in metrics.items()}
            for run_id, metrics in metrics_by_run.items()}


def _row_metrics(project) -> dict:
    """Each run's metrics as get() reads them from the metric rows (listings read the JSON)."""
    return _plain({run_id: project.runs.get(run_id).metrics for run_id in project.runs.ids()})


def _stored_texts(project) -> dict[str, str]:
    with project.db.session() as session:
        return dict(session.execute(select(RunRow.id, RunRow.metrics_json)).all())


def _texts_the_store_makes(project) -> dict[str, str]:
    """What the store writes with new metrics: the migration's own copy of that SQL must make
    the very same text, byte for byte."""
    with project.db.session() as session:
        return dict(session.execute(select(RunRow.id, metrics_json_of(RunRow.id))).all())
