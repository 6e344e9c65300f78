"""A project with 10,000 runs (logged through the store API) lists, filters and sorts correctly,
in Python and through a real `mlwire runs` process."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from designer.store import NewRun, Project
from designer.tracking import count_runs, search_runs
from tracking_cli import mlwire_json

N = 10_000
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _runs(rng: random.Random) -> list[NewRun]:
    out = []
    for i in range(N):
        label = rng.choice(["species", "target"])
        out.append(NewRun(
            f"run{i:05d}", {"name": rng.choice(["iris", "churn"]), "nodes": []},
            params={"train": {"label_column": label}, "split": {"fraction": rng.choice([0.7, 0.8])}},
            metrics={"evaluate": {"accuracy": rng.random(), "f1": rng.random()}},
            status="failed" if i % 13 == 0 else "succeeded",
            started_at=START + timedelta(seconds=i), seconds=rng.random() * 10,
            tags={"stage": "prod"} if i % 50 == 0 else {}))
    return out


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    runs = _runs(random.Random(4))
    path = tmp_path_factory.mktemp("big") / "big.mlw"
    with Project.open(path, create=True) as project:
        assert project.runs.log_many(runs) == N
    return path, {r.id: r for r in runs}


def test_lists_filters_and_sorts_ten_thousand_runs(big):
    path, runs = big
    with Project.open(path, read_only=True) as project:
        listed = search_runs(project)
        assert [r.id for r in listed] == sorted(runs, reverse=True)        # newest first
        assert listed[0].metrics == runs[listed[0].id].metrics

        text = 'metrics.accuracy > 0.9 and params.train.label_column = "species"'
        expected = sorted((r for r in runs.values()
                           if r.metrics["evaluate"]["accuracy"] > 0.9
                           and r.params["train"]["label_column"] == "species"),
                          key=lambda r: -r.metrics["evaluate"]["f1"])
        found = search_runs(project, text, "-metrics.f1")
        assert [r.id for r in found] == [r.id for r in expected] and len(found) > 100
        assert count_runs(project, text) == len(expected)

        page = search_runs(project, 'status = "failed"', "seconds", limit=20, offset=10)
        failed = sorted((r for r in runs.values() if r.status == "failed"),
                        key=lambda r: r.seconds)
        assert [r.id for r in page] == [r.id for r in failed[10:30]]
        assert count_runs(project, 'tags.stage = "prod" and pipeline = "iris"') == sum(
            1 for r in runs.values() if r.tags and r.pipeline["name"] == "iris")


def test_the_command_line_lists_and_filters_them(big):
    path, runs = big
    top = mlwire_json("runs", path, "--filter", "metrics.evaluate.accuracy >= 0.5",
                      "--sort", "metrics.accuracy desc", "--limit", "5", cwd=path.parent)
    expected = sorted((r for r in runs.values() if r.metrics["evaluate"]["accuracy"] >= 0.5),
                      key=lambda r: -r.metrics["evaluate"]["accuracy"])[:5]
    assert [r["id"] for r in top] == [r.id for r in expected]
    assert top[0]["metrics"]["evaluate"]["accuracy"] == expected[0].metrics["evaluate"]["accuracy"]
