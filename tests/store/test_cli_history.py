"""`mlwire history`: list a pipeline's saved revisions and write one back out as a file."""
from __future__ import annotations

import json

import pytest

from designer.cli import main
from designer.model import load_pipeline
from designer.store import Project
from store_models import TINY


@pytest.fixture
def saved_twice(tmp_path):
    path = tmp_path / "p.mlw"
    changed = {**TINY, "nodes": [dict(n) for n in TINY["nodes"]]}
    changed["nodes"][2]["params"] = {"max_iter": 50}
    with Project.open(path, create=True) as project:
        project.pipelines.save("tiny", TINY)
        project.pipelines.save("tiny", changed)
    return path, changed


def test_lists_revisions_newest_first(saved_twice, capsys):
    path, _ = saved_twice
    assert main(["history", str(path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["revision"] for r in listed["tiny"]] == [2, 1]
    assert main(["history", str(path), "tiny"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tiny: 2 revision(s)") and "4 node(s)" in out


def test_writes_an_old_revision_as_a_pipeline_file_that_loads(saved_twice, tmp_path, capsys):
    path, changed = saved_twice
    target = tmp_path / "old.pipeline.json"
    assert main(["history", str(path), "tiny", "--revision", "1", "-o", str(target)]) == 0
    assert json.loads(target.read_text()) == TINY
    assert load_pipeline(target).nodes        # a valid pipeline file
    assert main(["history", str(path), "tiny", "--revision", "2"]) == 0
    assert json.loads(capsys.readouterr().out) == changed


def test_bad_requests_say_what_to_do(saved_twice, capsys):
    path, _ = saved_twice
    assert main(["history", str(path), "tiny", "--revision", "7"]) == 2
    assert "no revision 7 (revisions 1 to 2)" in capsys.readouterr().err
    assert main(["history", str(path), "--revision", "1"]) == 2
    assert "Name the pipeline" in capsys.readouterr().err
    assert main(["history", str(path), "nope"]) == 2
    assert "no pipeline 'nope'" in capsys.readouterr().err
