"""`mlwire runs --json` is made by SQLite (one query, no Python object per metric): it must say
exactly what RunSummary.to_json() says, for awkward runs too; and the `asset` filter field."""
from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime, timedelta, timezone

from designer.store import NewRun, Project
from designer.tracking import search_runs, search_runs_json
from designer.tracking.text import jsonable

START = datetime(2026, 2, 1, 9, 30, tzinfo=timezone.utc)


def _runs() -> list[NewRun]:
    return [
        NewRun("plain", {"name": "iris", "nodes": []},
               metrics={"evaluate": {"accuracy": 0.93, "f1": 0.9333333333333333}},
               started_at=START, seconds=1.5),
        NewRun("awkward", {"name": 'quote " back \\ ünï', "nodes": []},
               metrics={"zeta": {"rmse": 1e-300, "r2": math.nan, "tiny": 5e-324},
                        "alpha": {"big": 123456789.12345678, "neg": -0.1, "whole": 3.0}},
               status="failed", error='line one\nline "two"\ttab',
               started_at=START + timedelta(seconds=1, microseconds=250), seconds=None,
               tags={"stage": "prod", "note": "ä\u0001"}),
        NewRun("bare", {"name": "empty", "nodes": []}, started_at=START + timedelta(seconds=2),
               seconds=0.1),
    ]


def test_json_lines_say_exactly_what_the_summaries_say(tmp_path):
    with Project.open(tmp_path / "p.mlw", create=True) as project:
        project.runs.log_many(_runs())
        for filter_text, sort in ((None, None), ('status = "failed"', None),
                                  (None, "-metrics.accuracy")):
            lines = search_runs_json(project, filter_text, sort)
            summaries = search_runs(project, filter_text, sort)
            assert [json.loads(line) for line in lines] == \
                [jsonable(s.to_json()) for s in summaries]
            assert all("\n" not in line for line in lines)
        [awkward_line] = search_runs_json(project, 'id = "awkward"')
        awkward = json.loads(awkward_line)
        # The exact text printed (stored with the run's metrics): 17 significant digits.
        assert ('"metrics": {"alpha": {"big": 123456789.12345678, "neg": -0.10000000000000001, '
                '"whole": 3.0}, "zeta": {"rmse": 1.0e-300, "r2": null, '
                '"tiny": 4.9406564584124654e-324}}, "tags": {"note": "ä\\u0001", '
                '"stage": "prod"}}') in awkward_line
        # Tags are edited after the run; the listing shows them at once, metrics unchanged.
        project.runs.set_tag("plain", "stage", "dev")
        project.runs.remove_tag("awkward", "stage")
        lines = {json.loads(line)["id"]: json.loads(line) for line in search_runs_json(project)}
        assert (lines["plain"]["tags"], lines["awkward"]["tags"]) == ({"stage": "dev"},
                                                                      {"note": "ä\u0001"})
        assert lines["plain"]["metrics"] == {"evaluate": {"accuracy": 0.93,
                                                          "f1": 0.9333333333333333}}
        assert [json.loads(line) for line in search_runs_json(project)] == \
            [jsonable(s.to_json()) for s in search_runs(project)]
    # numbers read back as the very same doubles; NaN is null; nodes in name order
    assert awkward["metrics"] == {"alpha": {"big": 123456789.12345678, "neg": -0.1,
                                            "whole": 3.0},
                                  "zeta": {"rmse": 1e-300, "r2": None, "tiny": 5e-324}}
    assert list(awkward["metrics"]["zeta"]) == ["rmse", "r2", "tiny"]     # as recorded
    assert awkward["started_at"] == (START + timedelta(seconds=1, microseconds=250)).isoformat()
    assert awkward["finished_at"] is not None and awkward["seconds"] is None


def test_asset_field_finds_the_runs_that_read_a_data_asset(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n1,2\n")
    v1 = hashlib.sha256(data.read_bytes()).hexdigest()
    with Project.open(tmp_path / "p.mlw", create=True) as project:
        project.assets.add("sales", data)
        data.write_text("x,y\n1,2\n3,4\n")
        project.assets.add("sales", data)
        v2 = hashlib.sha256(data.read_bytes()).hexdigest()
        project.runs.log_many([
            NewRun(f"r{i}", {"name": "p", "nodes": []}, started_at=START + timedelta(seconds=i),
                   inputs={"load": {f"/any/where{i}.csv": sha}} if sha else {})
            for i, sha in enumerate([v1, v2, None, v2])])

        def ids(text):
            return [r.id for r in search_runs(project, text)]
        assert ids('asset = "sales"') == ["r3", "r1", "r0"]
        assert ids('asset = "sales:1"') == ["r0"]
        assert ids('asset in ("sales:1", "nothing")') == ["r0"]
        assert ids('asset != "sales:2"') == ["r2", "r0"]
        assert ids('asset like "sal%"') == ["r3", "r1", "r0"]
        assert ids('asset = "sales" and id != "r3"') == ["r1", "r0"]
        assert [u.run_id for u in project.assets.runs_using("sales")] == ids('asset = "sales"')
