"""`mlwire automl`: pipeline file, recorded run, leaderboard; the pinned winner exports as a
script that reproduces the held-out metrics."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nodes import ops

MLWIRE = [sys.executable, "-m", "designer.cli"]
ROOT = Path(__file__).resolve().parents[2]


def _run(args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                               "PYTHONWARNINGS": "ignore"})


def test_automl_command_records_pins_and_exports(tmp_path):
    ops.load_sample_dataset("wine").to_csv(tmp_path / "wine.csv", index=False)
    done = _run([*MLWIRE, "automl", "wine.csv", "--label", "target", "--budget", "20",
                 "--max-trials", "2", "--no-ensemble"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Leaderboard (accuracy" in done.stdout and "<- best" in done.stdout
    doc = json.loads((tmp_path / "wine.automl.pipeline.json").read_text())
    pin = next(n for n in doc["nodes"] if n["id"] == "automl")["params"]["candidate"]
    assert pin["candidate"] in done.stdout
    assert (tmp_path / "wine.mlw").exists()

    assert _run([*MLWIRE, "export", "wine.automl.pipeline.json", "-o", "model.py"],
                tmp_path).returncode == 0
    script = _run([sys.executable, "model.py", "--metrics-json", "script.json"], tmp_path)
    assert script.returncode == 0, script.stderr
    rerun = _run([*MLWIRE, "run", "wine.automl.pipeline.json", "--json"], tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["metrics"] == \
        json.loads((tmp_path / "script.json").read_text())


def test_automl_command_explains_a_bad_label(tmp_path):
    ops.load_sample_dataset("wine").to_csv(tmp_path / "wine.csv", index=False)
    done = _run([*MLWIRE, "automl", "wine.csv", "--label", "nope"], tmp_path)
    assert done.returncode == 2 and "no such column" in done.stderr
