"""A project file of schema revision 0001 (a checked-in fixture) upgrades keeping all its data."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

from designer.store import NewRun, Project, SCHEMA_VERSION
from store_events import NODE_IDS, PIPELINE
from store_probes import sqlite_value
from store_schema_dump import SCHEMA_SQL, dump_schema

FIXTURE = Path(__file__).with_name("fixtures") / "schema-0001.mlw"
# Made with the code of revision 0001: the pipeline 'iris-species' and three runs recorded from
# store_events (succeeded a1b2c3d4e5f6 with accuracy 0.9333, failed f00dfeed0001, succeeded
# 0123456789ab with accuracy 0.95).


def test_a_revision_1_project_is_backed_up_upgraded_and_keeps_all_data(tmp_path):
    path = tmp_path / "old.mlw"
    shutil.copy(FIXTURE, path)
    assert sqlite_value(path, "PRAGMA user_version") == 1
    with Project.open(path) as project:
        assert "from file format revision 1 to 2" in project.notices[0]
        assert project.pipelines.get("iris-species") == PIPELINE
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
        project.runs.set_tag("a1b2c3d4e5f6", "stage", "prod")
        project.runs.log(NewRun("new", PIPELINE))
    assert sqlite_value(path, "PRAGMA user_version") == SCHEMA_VERSION == 2
    assert sqlite_value(path, "PRAGMA integrity_check") == "ok"
    assert sqlite_value(tmp_path / "old.mlw.bak-1", "PRAGMA user_version") == 1
    assert dump_schema(path) == SCHEMA_SQL.read_text()      # the same schema as a new project
