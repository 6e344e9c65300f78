"""Helpers of the tracking tests: `mlwire` in a subprocess, a small real pipeline (no pytest)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

IRIS = {
    "format": "mlwire.pipeline/1", "name": "iris", "parameters": {"seed": 3},
    "nodes": [
        {"id": "load", "type": "import_csv", "params": {"path": "iris.csv"}},
        {"id": "split", "type": "split_data", "params": {"fraction": 0.7, "seed": "$seed"}},
        {"id": "logreg", "type": "logistic_regression", "params": {"max_iter": 300}},
        {"id": "train", "type": "train_model", "params": {"label_column": "species"}},
        {"id": "score", "type": "score_model", "params": {}},
        {"id": "evaluate", "type": "evaluate_model", "params": {}},
    ],
    "edges": [
        {"source": "load", "source_port": "data", "target": "split", "target_port": "data"},
        {"source": "logreg", "source_port": "learner", "target": "train",
         "target_port": "learner"},
        {"source": "split", "source_port": "train", "target": "train", "target_port": "data"},
        {"source": "train", "source_port": "model", "target": "score", "target_port": "model"},
        {"source": "split", "source_port": "test", "target": "score", "target_port": "data"},
        {"source": "score", "source_port": "data", "target": "evaluate", "target_port": "data"},
    ],
}


def mlwire(*args, cwd, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "designer.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def mlwire_json(*args, cwd):
    done = mlwire(*args, "--json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
