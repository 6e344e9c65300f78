"""One real project for the serving tests: the churn example plus an iris branch, run once, with
both models registered (churn: cleaning, encoding and scaling steps; iris: no transforms)."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"


def _pipeline() -> dict:
    doc = json.loads((EXAMPLES / "churn.pipeline.json").read_text())
    doc["nodes"] += [
        {"id": "iris_load", "type": "import_csv", "params": {"path": "iris.csv"}},
        {"id": "iris_lr", "type": "logistic_regression", "params": {"max_iter": 500}},
        {"id": "iris_train", "type": "train_model", "params": {"label_column": "species"}},
    ]
    doc["edges"] += [
        {"source": "iris_load", "source_port": "data", "target": "iris_train",
         "target_port": "data"},
        {"source": "iris_lr", "source_port": "learner", "target": "iris_train",
         "target_port": "learner"},
    ]
    return doc


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """(project path, folder) with registered models 'churn' (alias champion) and 'iris'."""
    folder = tmp_path_factory.mktemp("serving")
    for name in ("churn.csv", "iris.csv"):
        shutil.copyfile(EXAMPLES / name, folder / name)
    (folder / "demo.pipeline.json").write_text(json.dumps(_pipeline()))
    done = subprocess.run([sys.executable, "-m", "designer.cli", "run", "demo.pipeline.json",
                           "--json"], cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    run_id = json.loads(done.stdout)["run_id"]
    from designer.store import Project
    project = folder / "demo.mlw"
    with Project.open(project) as p:
        p.registry.register(run_id, "train", "churn")
        p.registry.set_alias("churn", "champion", 1)
        p.registry.register(run_id, "iris_train", "iris")
    return project, folder


@pytest.fixture(scope="session")
def churn(served):
    from designer.serving.server import prepare
    project, _ = served
    return prepare(project, "churn@champion")


@pytest.fixture(scope="session")
def churn_rows(served):
    import pandas as pd
    _, folder = served
    return pd.read_csv(folder / "churn.csv").drop(columns="churned")


@pytest.fixture(scope="session")
def server(served):
    from designer.serving.process import ServerProcess
    project, _ = served
    with ServerProcess(project, "churn@champion", port=0) as process:
        yield process
