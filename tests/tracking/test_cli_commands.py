"""The tracking commands on a project built through the store API: output and messages."""
from __future__ import annotations

import json

import pytest

from designer.cli import main
from designer.store import NewRun, Project

PIPE = {"format": "mlwire.pipeline/1", "name": "p", "parameters": {"seed": 1},
        "nodes": [{"id": "load", "type": "import_csv", "params": {"path": "d.csv"}},
                  {"id": "evaluate", "type": "evaluate_model", "params": {}}],
        "edges": []}


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "p.mlw"
    data = tmp_path / "d.csv"
    data.write_text("x,y\n1,2\n3,4\n")
    from designer.store.dataprofile import file_sha256
    with Project.open(path, create=True) as project:
        for i, accuracy in enumerate([0.7, 0.9, 0.8]):
            project.runs.log(NewRun(f"run{i}", PIPE, params={"load": {"path": "d.csv"}},
                                    metrics={"evaluate": {"accuracy": accuracy}},
                                    inputs={"load": {"d.csv": file_sha256(data)}}))
        project.runs.log(NewRun("broken", PIPE, status="failed", error="Node 'load' failed."))
    return path


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_runs_lists_filters_and_sorts(project_path, capsys):
    code, out, err = run(capsys, "runs", project_path, "--sort", "metrics.accuracy desc")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:6] == ["RUN", "PIPELINE", "STATUS", "STARTED", "SECONDS", "accuracy"]
    assert [line.split()[0] for line in lines[1:]] == ["run1", "run2", "run0", "broken"]
    assert "4 of 4 run(s)." in err
    code, out, err = run(capsys, "runs", project_path, "-f", 'status = "failed"')
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["broken"]
    assert "1 of 1 run(s) matching the filter." in err
    code, out, _ = run(capsys, "runs", project_path, "-f", "metrics.accuracy > 2")
    assert (code, out.strip()) == (0, "No runs match.")


def test_bad_filters_are_usage_errors_with_the_place(project_path, capsys):
    code, _, err = run(capsys, "runs", project_path, "-f", "metrics.accuracy >")
    assert code == 2 and "expected a value" in err and "position 19" in err
    code, _, err = run(capsys, "runs", project_path, "-f", "accuracy > 0.9")
    assert code == 2 and "For a metric write metrics.accuracy" in err


def test_show_tag_and_notes(project_path, capsys):
    assert run(capsys, "tag", project_path, "run1", "stage=prod", "--notes", "the best")[0] == 0
    code, out, _ = run(capsys, "show", project_path, "run1")
    assert code == 0 and "Run run1  succeeded  pipeline 'p'" in out
    assert "tags: stage=prod" in out and "notes: the best" in out
    assert "load: d.csv (sha256" in out and "accuracy=0.9000" in out
    code, out, _ = run(capsys, "show", project_path, "run1", "--json")
    shown = json.loads(out)
    assert shown["run"]["tags"] == {"stage": "prod"} and shown["registered"] == []
    code, out, _ = run(capsys, "runs", project_path, "-f", 'tags.stage = "prod"', "--json")
    assert [r["id"] for r in json.loads(out)] == ["run1"]
    code, _, err = run(capsys, "show", project_path, "nope")
    assert code == 2 and "There is no run 'nope'" in err


def test_compare_text(project_path, capsys):
    code, out, _ = run(capsys, "compare", project_path, "run0", "run1")
    assert code == 0
    assert "evaluate.accuracy  0.7000  0.9000  +0.2000" in out
    assert "Parameters:\n  (same)" in out and "Graph:\n  (same)" in out


def test_assets_add_list_runs(project_path, capsys, tmp_path):
    code, out, _ = run(capsys, "assets", project_path, "add", "d", tmp_path / "d.csv")
    assert code == 0 and "as data asset d:1 (2 rows, 2 columns" in out
    code, out, _ = run(capsys, "assets", project_path, "add", "d", tmp_path / "d.csv")
    assert "unchanged since d:1; no new version" in out
    code, out, _ = run(capsys, "assets", project_path, "runs", "d")
    assert sorted(line.split()[0] for line in out.splitlines()[1:]) == ["run0", "run1", "run2"]
    code, out, _ = run(capsys, "assets", project_path, "resolve", "asset:d@latest", "--json")
    assert json.loads(out)["version"] == 1
    code, out, _ = run(capsys, "assets", project_path)
    assert out.splitlines()[1].split()[:5] == ["d", "1", "1", "2", "2"]
    code, _, err = run(capsys, "assets", project_path, "show", "nope")
    assert code == 2 and "no data asset 'nope'" in err


def test_lock_status(project_path, capsys):
    code, out, _ = run(capsys, "lock", project_path)
    assert "not open for editing anywhere" in out
    with Project.open(project_path, exclusive=True, program="MLWire designer"):
        code, out, _ = run(capsys, "lock", project_path)
    assert "is open for editing in MLWire designer (process" in out


def test_read_commands_leave_the_file_untouched(project_path, capsys):
    before = project_path.read_bytes(), project_path.stat().st_mtime_ns
    for args in (["runs"], ["show", "run0"], ["compare", "run0", "run1"], ["models"],
                 ["assets"]):
        assert run(capsys, args[0], project_path, *args[1:])[0] == 0
    assert (project_path.read_bytes(), project_path.stat().st_mtime_ns) == before
