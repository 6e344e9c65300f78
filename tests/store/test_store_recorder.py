"""RunRecorder fed the engine's events; what the run history then shows."""
from __future__ import annotations

import json
import math
import sqlite3

import pytest

from store_events import NODE_IDS, PIPELINE, failed_run, metrics_json, succeeded_run
from store_probes import listed_metrics, metric_rows
from designer.engine.events import NodeCancelled, NodeFinished, NodeLog, RunFinished, RunStarted
from designer.store import (LOG_LIMIT, NodeRunInfo, Project, ProjectError, RunInfo, RunRecorder)


def record(project, events, **options) -> RunRecorder:
    recorder = RunRecorder(project, **options)
    for event in events:
        recorder(event)
    return recorder


def test_a_succeeded_run_round_trips_every_field(tmp_path):
    path = tmp_path / "p.mlw"
    with Project.open(path, create=True) as project:
        record(project, succeeded_run("a1b2c3d4e5f6"))
    with Project.open(path) as project:
        run = project.runs.get("a1b2c3d4e5f6")
    assert isinstance(run, RunInfo)
    assert (run.id, run.pipeline_name, run.status) == ("a1b2c3d4e5f6", "iris-species", "succeeded")
    assert run.pipeline == PIPELINE
    assert run.overrides == {"split": {"fraction": 0.8}}
    assert run.params == {"split": {"fraction": 0.8, "seed": 7}}
    assert run.environment == {"python": "3.11.7", "scikit-learn": "1.5.2"}
    assert run.seconds == 1.4 and run.error == "" and run.finished
    assert run.started_at <= run.finished_at and run.started_at.tzinfo is not None
    assert run.pid is not None and run.hostname

    assert [n.node_id for n in run.nodes] == NODE_IDS
    assert [n.status for n in run.nodes] == ["done", "cached", "done", "done", "done", "done"]
    load = run.node("load")
    assert load == NodeRunInfo("load", "sample_dataset", "done", 0.05, "", "", "loaded 150 rows\n",
                               {"data": {"type": "Table", "rows": 150, "columns": 5}},
                               {"/data/iris.csv": "ab" * 32})
    assert run.node("split").outputs["test"]["rows"] == 30
    # The bulky metrics live in their own tables, not in the node's outputs summary.
    assert run.node("eval").outputs == {"metrics": {"type": "Metrics"}}

    values = run.metrics["eval"]
    assert values["accuracy"] == 0.9333 and values["f1"] == 0.932
    assert math.isnan(values["roc_auc"])                # undefined metric kept, as NaN
    assert list(run.metrics) == ["eval"]


def test_metrics_and_their_details(project):
    record(project, succeeded_run("r1"))
    assert project.runs.metrics("r1")["eval"]["accuracy"] == 0.9333
    details = project.runs.metric_details("r1")["eval"]
    expected = metrics_json()
    assert details.task == "classification"
    assert details.curves == expected["curves"] and details.tables == expected["tables"]
    as_json = details.to_json()
    assert as_json["values"]["balanced_accuracy"] == 0.93 and as_json["b"] is None


def test_a_failed_run_keeps_the_message_details_and_skips(project):
    record(project, failed_run("bad"))
    run = project.runs.get("bad")
    assert (run.status, run.error) == ("failed", "Node 'split' failed.")
    split = run.node("split")
    assert split.status == "failed" and "'fraction' parameter" in split.message
    assert split.details.startswith("Traceback") and split.seconds == 0.002
    assert [n.status for n in run.nodes[2:]] == ["skipped"] * 4
    assert run.node("train").message == "an upstream node failed: split"
    assert run.metrics == {}


def test_a_node_failure_is_committed_before_the_run_finishes(project):
    recorder = RunRecorder(project, flush_seconds=3600)
    for event in failed_run("bad")[:3]:             # started, load done, split failed
        recorder(event)
    with Project.open(project.path) as other:         # another process would see this
        run = other.runs.get("bad")
        assert run.status == "running"
        assert [(n.node_id, n.status) for n in run.nodes] == [("load", "done"), ("split", "failed")]


def test_node_rows_wait_for_the_run_end_unless_the_flush_interval_passed(project):
    now = [0.0]
    recorder = RunRecorder(project, flush_seconds=10, clock=lambda: now[0])
    events = succeeded_run("r1")
    for event in events[:10]:
        recorder(event)
    assert project.runs.get("r1").nodes == ()        # buffered: no commit per node
    now[0] = 11.0
    recorder(events[10])
    assert len(project.runs.get("r1").nodes) == 2    # the interval passed: both written
    for event in events[11:]:
        recorder(event)
    assert len(project.runs.get("r1").nodes) == 6


def test_the_listing_shows_metrics_written_in_several_commits_and_later_tags(project):
    now = [0.0]
    recorder = RunRecorder(project, flush_seconds=10, clock=lambda: now[0])
    events = succeeded_run("r1")
    events[-1] = RunFinished("r1", "succeeded", 1.4, metrics={   # a node the events did not carry
        "eval": metrics_json(), "cv": {"values": {"mean_accuracy": 0.91, "folds": 5}}})
    for event in events[:-1]:
        recorder(event)
    assert listed_metrics(project) == {"r1": []}       # buffered, not yet committed
    now[0] = 11.0
    recorder(NodeLog("eval", "done\n"))
    recorder(NodeCancelled("late"))                      # the interval passed: a commit
    assert listed_metrics(project) == metric_rows(project)
    assert [node for node, _ in listed_metrics(project)["r1"]] == ["eval"]
    recorder(events[-1])
    listed = listed_metrics(project)
    assert listed == metric_rows(project)
    assert listed["r1"] == [("cv", [("mean_accuracy", 0.91), ("folds", 5.0)]),
                            ("eval", [("accuracy", 0.9333), ("balanced_accuracy", 0.93),
                                      ("f1", 0.932), ("roc_auc", None)])]
    project.runs.set_tag("r1", "stage", "prod")
    [line] = map(json.loads, project.runs.json_lines())
    assert (line["tags"], line["status"]) == ({"stage": "prod"}, "succeeded")


def test_runs_are_listed_newest_first_with_metrics_and_can_be_filtered(project):
    for i in range(3):
        record(project, succeeded_run(f"run{i}", accuracy=0.5 + i / 10))
    record(project, failed_run("bad"))
    runs = project.runs.list()
    assert [r.id for r in runs] == ["bad", "run2", "run1", "run0"]
    assert all(r.nodes is None for r in runs)       # list() leaves the nodes out
    assert runs[1].metrics["eval"]["accuracy"] == 0.7
    assert [r.id for r in project.runs.list(status="failed")] == ["bad"]
    assert [r.id for r in project.runs.list(limit=2)] == ["bad", "run2"]
    assert project.runs.list(pipeline="other") == []
    assert project.runs.ids() == ["bad", "run2", "run1", "run0"]


def test_deleting_a_run_removes_its_nodes_and_metrics(project):
    record(project, succeeded_run("r1"))
    record(project, succeeded_run("r2"))
    project.runs.delete("r1")
    assert project.runs.ids() == ["r2"]
    conn = sqlite3.connect(project.path)
    for table in ("node_runs", "metrics", "metric_artifacts"):
        ids = {row[0] for row in conn.execute(f"SELECT run_id FROM {table}")}
        assert ids == {"r2"}, table
    conn.close()


def test_metrics_reported_only_at_run_end_are_recorded(project):
    events = succeeded_run("r1")
    events[-2] = NodeFinished("eval", 0.03, {"metrics": {"type": "Metrics"}})
    record(project, events)
    assert project.runs.metrics("r1")["eval"]["accuracy"] == 0.9333


def test_a_second_data_set_is_recorded_with_prefixed_names(project):
    metrics = metrics_json()
    metrics["b"] = {"values": {"accuracy": 0.8}, "curves": {}, "tables": {}}
    events = succeeded_run("r1")
    events[-2] = NodeFinished("eval", 0.03, {"metrics": {"type": "Metrics", "metrics": metrics}})
    record(project, events)
    assert project.runs.metrics("r1")["eval"]["b.accuracy"] == 0.8
    details = project.runs.metric_details("r1")["eval"]
    assert "b.accuracy" not in details.values and details.b["values"] == {"accuracy": 0.8}


def test_logs_are_bounded_and_keep_the_end(project):
    events = succeeded_run("r1")
    chatty = [NodeLog("train", f"line {i:06d}\n") for i in range(LOG_LIMIT // 6)]
    index = next(i for i, e in enumerate(events) if getattr(e, "node_id", "") == "train")
    record(project, events[:index] + chatty + events[index:])
    log = project.runs.get("r1").node("train").log
    assert len(log) < LOG_LIMIT + 100
    assert log.startswith("[... ") and "earlier characters of output not kept" in log
    assert log.endswith(f"line {LOG_LIMIT // 6 - 1:06d}\n")


def test_a_node_reported_twice_keeps_its_last_state(project):
    events = succeeded_run("r1")
    events.insert(-1, NodeCancelled("eval"))
    record(project, events)
    assert project.runs.get("r1").node("eval").status == "cancelled"


def test_numpy_values_and_non_finite_floats_are_stored_as_plain_json(project):
    import numpy as np
    start = RunStarted("np", {"name": "p", "nodes": []}, {}, {"n": {"alpha": np.float64(0.5),
                                                                    "k": np.int64(3),
                                                                    "w": np.array([1.0, np.inf])}},
                       {}, [])
    record(project, [start, RunFinished("np", "succeeded", 0.0)])
    run = project.runs.get("np")
    assert run.params == {"n": {"alpha": 0.5, "k": 3, "w": [1.0, None]}}
    assert run.environment["python"]                   # filled in when the engine gave none


def test_misuse_is_reported(project):
    recorder = record(project, succeeded_run("r1")[:3])
    assert recorder.run_id == "r1"
    with pytest.raises(ProjectError, match="still being recorded"):
        recorder(succeeded_run("r2")[0])
    with pytest.raises(ProjectError, match="status 'done'"):
        recorder(RunFinished("r1", "done", 1.0))
    with pytest.raises(ProjectError, match="run being recorded is 'r1'"):
        recorder(RunFinished("zz", "succeeded", 1.0))
    recorder(RunFinished("r1", "cancelled", 1.0))
    assert recorder.run_id is None and project.runs.get("r1").status == "cancelled"
    recorder(NodeLog("x", "after the run"))            # ignored, not an error
    with pytest.raises(ProjectError, match="id 'r1' is already recorded"):
        recorder(succeeded_run("r1")[0])
    assert recorder.run_id is None
