"""The issue's "done when", from the command line: find the best run, see what differed from the
second best, register it, alias it `champion`, download it, reopen its pipeline.

Runs and the download are real `mlwire` processes; the other commands call the same main()
in-process, to keep the suite quick."""
from __future__ import annotations

import json

import joblib
import pandas as pd

from designer.cli import main
from designer.store import Project
from tracking_cli import mlwire, mlwire_json


def cli_json(capsys, *args):
    capsys.readouterr()
    assert main([str(a) for a in args] + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_best_run_compare_register_alias_download_reopen(iris_folder, capsys, monkeypatch):
    folder = iris_folder
    monkeypatch.chdir(folder)
    first = mlwire_json("run", "iris.pipeline.json", cwd=folder)
    second = mlwire_json("run", "iris.pipeline.json", "--set", "logreg.C=0.01", cwd=folder)
    assert first["status"] == second["status"] == "succeeded"

    best = cli_json(capsys, "runs", "iris.mlw", "--filter",
                    'metrics.accuracy > 0.5 and params.train.label_column = "species"',
                    "--sort=-metrics.evaluate.accuracy", "--limit", "2")
    assert {r["id"] for r in best} == {first["run_id"], second["run_id"]}
    accuracy = [r["metrics"]["evaluate"]["accuracy"] for r in best]
    assert accuracy == sorted(accuracy, reverse=True)
    top, runner_up = best[0]["id"], best[1]["id"]

    diff = cli_json(capsys, "compare", "iris.mlw", runner_up, top)
    changed = {(p["node"], p["name"]) for p in diff["params"]}
    assert changed == {("logreg", "C")}
    assert diff["graph"]["nodes_changed"] == []            # an override, not an edit
    delta = next(m for m in diff["metrics"] if m["name"] == "accuracy")
    assert delta["delta"] == delta["b"] - delta["a"] and delta["b"] >= delta["a"]
    assert diff["data"] == []                              # same file, same content

    version = cli_json(capsys, "register", "iris.mlw", "--run", top, "--node", "train",
                       "--name", "iris-species", "--tag", "team=bio")
    assert (version["version"], version["run_id"], version["tags"]) == (1, top, {"team": "bio"})
    assert [c for c, _ in version["signature"]] == ["sepal_length", "sepal_width",
                                                    "petal_length", "petal_width"]
    assert main(["alias", "iris.mlw", "iris-species", "champion", "1"]) == 0
    assert "iris-species@champion -> version 1" in capsys.readouterr().out

    done = mlwire("models", "iris.mlw", "--download", "iris-species@champion", "-o",
                  "champion.joblib", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "pickle" in done.stderr and "runs code" in done.stderr
    rows = pd.read_csv(folder / "iris.csv").drop(columns=["species"]).head(3)
    assert joblib.load(folder / "champion.joblib").predict(rows).tolist() == ["setosa"] * 3

    # The rest in-process (the same main() the subprocesses ran).
    assert main(["models", str(folder / "iris.mlw")]) == 0
    assert "iris-species  1       1         champion->1" in capsys.readouterr().out
    assert main(["clone", str(folder / "iris.mlw"), top, "-o", str(folder / "again.json")]) == 0
    clone = json.loads((folder / "again.json").read_text())
    with Project.open(folder / "iris.mlw", read_only=True) as project:
        assert clone == {**project.runs.get(top).pipeline, "name": f"iris (from run {top})"}
    capsys.readouterr()
    assert main(["validate", str(folder / "again.json")]) == 0
