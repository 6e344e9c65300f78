"""A project file from someone else cannot run code: a model blob replaced by a pickle payload is
refused through every load path (store API and CLI), and the payload never runs."""
from __future__ import annotations

import os
import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from designer.artifacts import UnsafeModelError, sha256_of
from designer.store import Project, RunRecorder
from store_models import Payload, model_bytes, run_with_model

ROOT = Path(__file__).resolve().parents[2]


def _poison(path: Path, sentinel: Path, consistent: bool) -> None:
    """Replace every model blob by a pickle; `consistent` also rewrites the recorded sha256s."""
    payload = pickle.dumps(Payload(sentinel))
    conn = sqlite3.connect(path)                    # foreign keys off, as an attacker's tool
    with conn:
        (old,) = conn.execute("SELECT sha256 FROM artifacts").fetchone()
        new = sha256_of(payload) if consistent else old
        conn.execute("UPDATE artifacts SET data = ?, sha256 = ?, size = ?",
                     (payload, new, len(payload)))
        for table in ("run_artifacts", "model_versions"):
            conn.execute(f"UPDATE {table} SET sha256 = ? WHERE sha256 = ?", (new, old))
    conn.close()


def _mlwire(*args, cwd):
    return subprocess.run([sys.executable, "-m", "designer.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def _poisoned_project(tmp_path: Path, consistent: bool) -> tuple[Path, Path]:
    path, sentinel = tmp_path / "p.mlw", tmp_path / "SENTINEL"
    with Project.open(path, create=True) as project:
        recorder = RunRecorder(project)
        for event in run_with_model("r1", model_bytes()):
            recorder(event)
        project.registry.register("r1", "train", "iris")
        project.registry.set_alias("iris", "champion", 1)
    _poison(path, sentinel, consistent)
    return path, sentinel


@pytest.mark.parametrize("consistent", [False, True], ids=["hash-mismatch", "forged-hash"])
def test_a_pickle_payload_is_refused_by_every_load_path_and_never_runs(tmp_path, consistent):
    path, sentinel = _poisoned_project(tmp_path, consistent)
    refused = "sha256" if not consistent else "not a model file MLWire can read safely"
    with Project.open(path) as project:
        sha = project.artifacts.of_run("r1")[0].sha256
        loads = {
            "artifacts.load": lambda: project.artifacts.load(sha),
            "artifacts.load_run_model": lambda: project.artifacts.load_run_model("r1", "train"),
            "artifacts.download_joblib": lambda: project.artifacts.download_joblib(
                sha, tmp_path / "a.joblib"),
            "registry.load": lambda: project.registry.load("iris@champion"),
            "registry.download_joblib": lambda: project.registry.download_joblib(
                "iris:1", tmp_path / "r.joblib"),
            "registry.register": lambda: project.registry.register("r1", "train", "again"),
        }
        for name, load in loads.items():
            with pytest.raises(UnsafeModelError, match=refused):
                load()
            assert not sentinel.exists(), name
        # Looking is always safe: listing runs and models never reads a model's bytes.
        assert project.registry.get("iris:1").signature
        assert project.runs.list() and project.artifacts.of_run("r1")
        assert [m.name for m in project.registry.models()] == ["iris"]   # nothing registered
    assert not sentinel.exists()
    assert not any(p.suffix == ".joblib" for p in tmp_path.iterdir())


def test_the_command_line_refuses_it_too(tmp_path):
    # `mlwire register` goes through registry.register, refused above like every API path.
    path, sentinel = _poisoned_project(tmp_path, consistent=True)
    done = _mlwire("models", path, "--download", "iris@champion", "-o", tmp_path / "cli.joblib",
                   cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Model iris@champion was refused" in done.stderr
    assert "Nothing was loaded or written" in done.stderr
    assert not sentinel.exists()
    assert not (tmp_path / "cli.joblib").exists()
