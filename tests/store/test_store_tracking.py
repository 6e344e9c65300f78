"""Every tracking entity round-trips through a real project file: annotations, logged runs,
model files (deduplicated), the registry, data assets, and reopening a past run's pipeline."""
from __future__ import annotations

import math
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from designer.store import (NewRun, Project, ProjectError, RunRecorder, UnknownAssetError,
                            UnknownArtifactError, UnknownModelError)
from store_events import PIPELINE, failed_run
from store_models import model_bytes, run_with_model


def record(project, events) -> None:
    recorder = RunRecorder(project)
    for event in events:
        recorder(event)


def rows(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# -- runs: annotations, logged runs, clone ---------------------------------------------------------
def test_tags_and_notes_are_editable_and_survive_reopening(tmp_path):
    path = tmp_path / "p.mlw"
    with Project.open(path, create=True) as project:
        record(project, failed_run("bad"))          # failed runs are kept and annotatable
        project.runs.set_tag("bad", "stage", "dev")
        project.runs.set_tag("bad", "stage", "prod")
        project.runs.set_tag("bad", "owner", "ana")
        project.runs.remove_tag("bad", "owner")
        project.runs.set_notes("bad", "fraction typo;\nrerun with 0.8")
        with pytest.raises(ProjectError, match="no tag 'nope'"):
            project.runs.remove_tag("bad", "nope")
    with Project.open(path) as project:
        run = project.runs.get("bad")
        assert (run.status, run.tags, run.notes) == ("failed", {"stage": "prod"},
                                                     "fraction typo;\nrerun with 0.8")
        assert run.seed == 7
        assert project.runs.list()[0].tags == {"stage": "prod"}


def test_a_logged_run_round_trips_params_metrics_series_inputs_and_tags(project):
    started = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    project.runs.log(NewRun(
        "logged", PIPELINE, params={"train": {"label_column": "target"}},
        metrics={"eval": {"accuracy": 0.9, "roc_auc": math.nan}}, status="cancelled",
        started_at=started, seconds=2.5, overrides={"split": {"fraction": 0.5}},
        environment={"python": "3.11"}, tags={"stage": "dev"},
        series={"train": {"loss": [(0, 1.0), (1, 0.5), (2, 0.25)]}},
        inputs={"load": {"iris.csv": "ab" * 32}}))
    run = project.runs.get("logged")
    assert (run.status, run.started_at, run.seconds) == ("cancelled", started, 2.5)
    assert run.finished_at == started + timedelta(seconds=2.5)
    assert run.params == {"train": {"label_column": "target"}}
    assert run.metrics["eval"]["accuracy"] == 0.9 and math.isnan(run.metrics["eval"]["roc_auc"])
    assert run.tags == {"stage": "dev"} and run.environment == {"python": "3.11"}
    assert project.runs.metric_series("logged") == {"train": {"loss": [(0, 1.0), (1, 0.5),
                                                                       (2, 0.25)]}}
    assert rows(project.path, "SELECT node_id, path, sha256 FROM run_inputs") == \
        [("load", "iris.csv", "ab" * 32)]
    with pytest.raises(ProjectError, match="repeats an id"):
        project.runs.log(NewRun("logged", PIPELINE))
    with pytest.raises(ProjectError, match="status 'running'"):
        project.runs.log(NewRun("x", PIPELINE, status="running"))


def test_metric_series_from_the_engine_are_recorded(project):
    events = run_with_model("r1", model_bytes())
    (evaluate,) = [e for e in events if getattr(e, "node_id", "") == "eval"
                   and "metrics" in getattr(e, "outputs", {})]
    evaluate.outputs["metrics"]["metrics"]["series"] = {"loss": [[0, 0.9], [1, 0.4]]}
    record(project, events)
    assert project.runs.metric_series("r1")["eval"]["loss"] == [(0, 0.9), (1, 0.4)]


def test_reopening_a_past_run_gives_exactly_its_snapshot(tmp_path):
    path = tmp_path / "p.mlw"
    with Project.open(path, create=True) as project:
        record(project, run_with_model("a1b2c3", model_bytes()))
        project.pipelines.save("iris-species", {**PIPELINE, "nodes": []})   # edited since
    with Project.open(path) as project:
        clone = project.runs.clone_pipeline("a1b2c3")
        assert clone["name"] == "iris-species (from run a1b2c3)"
        assert {**clone, "name": PIPELINE["name"]} == PIPELINE
        project.pipelines.save(clone["name"], clone)
        assert project.pipelines.get(clone["name"]) == clone
        assert project.runs.get("a1b2c3").pipeline == PIPELINE      # the snapshot is untouched
        assert project.runs.clone_pipeline("a1b2c3", name="mine")["name"] == "mine"


def test_run_ids_resolve_from_a_unique_prefix(project):
    record(project, failed_run("abc123"))
    record(project, failed_run("abd456"))
    assert project.runs.resolve_id("abc") == "abc123"
    with pytest.raises(ProjectError, match="Several runs start with 'ab'"):
        project.runs.resolve_id("ab")
    with pytest.raises(ProjectError, match="no run 'zz'"):
        project.runs.resolve_id("zz")


# -- model files ---------------------------------------------------------------------------------
def test_model_files_are_kept_once_per_content_and_linked_to_each_run(project):
    data = model_bytes()
    record(project, run_with_model("first", data))
    record(project, run_with_model("cached", data, cached=True))          # with the bytes
    record(project, run_with_model("no-bytes", None, cached=True,
                                   sha=project.artifacts.of_run("first")[0].sha256))
    assert rows(project.path, "SELECT count(*) FROM artifacts") == [(1,)]
    for run_id in ("first", "cached", "no-bytes"):
        (info,) = project.artifacts.of_run(run_id)
        assert (info.node_id, info.port, info.size, info.format) == ("train", "model",
                                                                     len(data), "skops")
    model = project.artifacts.load_run_model("cached", "train")
    assert (model.task, model.label, model.classes) == ("classification", "target",
                                                        ["setosa", "versicolor", "virginica"])
    assert project.artifacts.read(info.sha256) == data


def test_a_model_file_that_does_not_match_its_hash_is_not_kept(project):
    record(project, run_with_model("r1", model_bytes(), sha="0" * 64))
    assert project.artifacts.of_run("r1") == []
    with pytest.raises(UnknownArtifactError, match="no kept model file"):
        project.artifacts.find("r1", "train")
    with pytest.raises(UnknownArtifactError, match="produced no model .*evaluate_model"):
        project.artifacts.find("r1", "eval")


def test_deleting_runs_removes_model_files_nobody_uses(project):
    record(project, run_with_model("a", model_bytes()))
    record(project, run_with_model("b", model_bytes(), cached=True))
    project.runs.delete("a")
    assert rows(project.path, "SELECT count(*) FROM artifacts") == [(1,)]   # b still uses it
    project.runs.delete("b")
    assert rows(project.path, "SELECT count(*) FROM artifacts") == [(0,)]


# -- the registry --------------------------------------------------------------------------------
def test_registering_versions_tags_aliases_round_trip(tmp_path):
    path = tmp_path / "p.mlw"
    with Project.open(path, create=True) as project:
        record(project, run_with_model("r1", model_bytes(), accuracy=0.91))
        record(project, run_with_model("r2", model_bytes(50), accuracy=0.95))
        v1 = project.registry.register("r1", "train", "iris", description="baseline",
                                       tags={"team": "bio"})
        v2 = project.registry.register("r2", "train", "iris")
        assert (v1.ref, v2.ref) == ("iris:1", "iris:2")
        project.registry.set_alias("iris", "champion", 2)
        project.registry.set_alias("iris", "challenger", 1)
        project.registry.set_alias("iris", "challenger", 2)                # aliases move
        project.registry.remove_alias("iris", "challenger")
        project.registry.set_description("iris:1", "the first one")
        project.registry.set_model_description("iris", "Iris species")
        project.registry.set_tag("iris@champion", "stage", "prod")
        project.registry.remove_tag("iris:1", "team")
    with Project.open(path) as project:
        (model,) = project.registry.models()
        assert (model.name, model.description, model.latest_version, model.versions,
                model.aliases) == ("iris", "Iris species", 2, 2, {"champion": 2})
        champion = project.registry.get("iris@champion")
        assert champion == project.registry.get("iris:2") == project.registry.get("iris")
        assert (champion.run_id, champion.node_id, champion.port, champion.pipeline_name) == \
            ("r2", "train", "model", "iris-species")
        assert champion.aliases == ("champion",) and champion.tags == {"stage": "prod"}
        assert champion.metrics["eval"]["accuracy"] == 0.95
        assert champion.task == "classification" and champion.label == "target"
        assert [c for c, _ in champion.signature] == ["sepal length (cm)", "sepal width (cm)",
                                                      "petal length (cm)", "petal width (cm)"]
        assert champion.classes == ["setosa", "versicolor", "virginica"]
        assert champion.environment == {"python": "3.11.7", "scikit-learn": "1.5.2"}
        first = project.registry.get("iris:1")
        assert (first.description, first.tags) == ("the first one", {})
        assert [v.version for v in project.registry.versions("iris")] == [2, 1]
        assert [v.ref for v in project.registry.of_run("r1")] == ["iris:1"]
        loaded = project.registry.load("iris@champion")
        assert loaded.pipeline.predict(_iris_rows()).tolist()[:1] == ["setosa"]


def test_a_run_with_registered_versions_cannot_be_deleted(project):
    record(project, run_with_model("r1", model_bytes()))
    project.registry.register("r1", "train", "iris")
    with pytest.raises(ProjectError, match="registered model version.*iris:1.*not deleted"):
        project.runs.delete("r1")


def test_registry_refusals_name_what_to_do(project):
    record(project, run_with_model("r1", model_bytes()))
    with pytest.raises(ProjectError, match="cannot name a model"):
        project.registry.register("r1", "train", "bad:name")
    with pytest.raises(UnknownArtifactError, match="no node 'nope'"):
        project.registry.register("r1", "nope", "iris")
    project.registry.register("r1", "train", "iris")
    with pytest.raises(ProjectError, match="cannot be an alias"):
        project.registry.set_alias("iris", "3", 1)
    with pytest.raises(UnknownModelError, match="no version 7 \\(versions 1 to 1\\)"):
        project.registry.set_alias("iris", "champion", 7)
    with pytest.raises(UnknownModelError, match="no alias 'gold'.*mlwire alias"):
        project.registry.get("iris@gold")
    with pytest.raises(UnknownModelError, match="no registered model 'rose'.*'iris'"):
        project.registry.versions("rose")


def _iris_rows():
    import pandas as pd
    return pd.DataFrame({"sepal length (cm)": [5.1], "sepal width (cm)": [3.5],
                         "petal length (cm)": [1.4], "petal width (cm)": [0.2]})


def test_download_as_joblib_writes_the_inference_pipeline(project, tmp_path):
    import joblib
    record(project, run_with_model("r1", model_bytes()))
    project.registry.register("r1", "train", "iris")
    target = project.registry.download_joblib("iris:1", tmp_path / "iris.joblib")
    pipeline = joblib.load(target)        # our own file, just written: trusted by construction
    assert pipeline.predict(_iris_rows()).tolist() == ["setosa"]


# -- data assets ---------------------------------------------------------------------------------
def test_data_assets_version_by_content_and_find_the_runs_that_read_them(project, tmp_path):
    csv = tmp_path / "iris.csv"
    csv.write_text("a,b,species\n1,2.5,x\n3,4.5,y\n")
    v1, new = project.assets.add("iris", csv, description="measurements")
    assert new and (v1.ref, v1.rows, v1.columns, v1.kind) == ("iris:1", 2, 3, "file")
    assert v1.schema[:2] == [["a", "int64"], ["b", "float64"]]
    assert v1.schema[2][0] == "species" and v1.schema[2][1] in ("str", "object", "string")
    assert project.assets.add("iris", csv) == (v1, False)               # same content
    project.runs.log(NewRun("used-v1", PIPELINE, inputs={"load": {"data/iris.csv": v1.sha256}}))
    csv.write_text("a,b,species\n1,2.5,x\n")
    v2, new = project.assets.add("iris", csv)
    assert new and v2.version == 2 and v2.rows == 1
    project.runs.log(NewRun("used-v2", PIPELINE, inputs={"load": {"iris.csv": v2.sha256}}))
    project.runs.log(NewRun("other", PIPELINE, inputs={"load": {"iris.csv": "f" * 64}}))

    (info,) = project.assets.list()
    assert (info.name, info.description, info.versions, info.latest) == ("iris", "measurements",
                                                                         2, v2)
    assert [v.version for v in project.assets.versions("iris")] == [2, 1]
    assert project.assets.get("iris@latest") == project.assets.get("asset:iris") == v2
    assert project.assets.get("iris:1") == v1
    resolved = project.assets.resolve("asset:iris@latest")
    assert (resolved.version, resolved.path, resolved.sha256) == (2, str(csv), v2.sha256)
    assert project.assets.resolve("iris", "latest") == project.assets.resolve("iris", 2) == \
        resolved
    assert sorted((u.run_id, u.asset_version) for u in project.assets.runs_using("iris")) == \
        [("used-v1", 1), ("used-v2", 2)]
    assert [u.run_id for u in project.assets.runs_using("iris:1")] == ["used-v1"]
    with pytest.raises(UnknownAssetError, match="has changed since it was registered"):
        project.assets.resolve("iris:1")
    with pytest.raises(UnknownAssetError, match="no data asset 'roses'.*'iris'"):
        project.assets.get("roses")
    with pytest.raises(UnknownAssetError, match="no version 9"):
        project.assets.get("iris:9")
