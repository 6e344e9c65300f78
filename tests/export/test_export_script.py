"""The exported script: runs from anywhere, prints the app's metrics, and is injection-proof."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from designer.export import ExportError, export_script
from designer.model import pipeline_from_json
from tests.nodes.inprocess import run_pipeline

ALLOWED_IMPORTS = {"argparse", "json", "sys", "pathlib", "codecs", "math", "numpy", "pandas",
                   "sklearn", "joblib"}


def pipeline(nodes: dict, edges: list[str], name="shop", titles=None, comments=None):
    titles, comments = titles or {}, comments or {}
    doc_nodes = [{"id": i, "type": t, "params": p, "title": titles.get(i, ""),
                  "comment": comments.get(i, "")} for i, (t, p) in nodes.items()]
    doc_edges = []
    for text in edges:
        (s, sp), (t, tp) = (part.strip().split(".") for part in text.split("->"))
        doc_edges.append({"source": s, "source_port": sp, "target": t, "target_port": tp})
    return pipeline_from_json({"format": "mlwire.pipeline/1", "name": name, "nodes": doc_nodes,
                               "edges": doc_edges})


def write_shop(folder: Path, label="bought", city="city") -> None:
    rng = np.random.default_rng(0)
    n = 90
    df = pd.DataFrame({"age": rng.integers(18, 80, n).astype(float),
                       city: rng.choice(["paris", "rome", "oslo"], n),
                       "income": rng.normal(50, 10, n).round(2)})
    df.loc[[3, 7, 11], "age"] = np.nan
    df[label] = np.where(df["income"] + rng.normal(0, 5, n) > 50, "yes", "no")
    folder.mkdir(parents=True, exist_ok=True)
    df.to_csv(folder / "shop.csv", index=False)


SHOP_NODES = {
    "load": ("import_csv", {"path": "data/shop.csv"}),
    "clean": ("clean_missing_data", {"strategy": "median"}),
    "enc": ("encode_categorical", {"exclude_columns": ["bought"]}),
    "split": ("split_data", {"fraction": 0.7, "seed": 3, "stratify_column": "bought"}),
    "norm": ("normalize_data", {}),
    "apply": ("apply_transformation", {}),
    "gbt": ("boosted_trees_classifier", {"max_iter": 20}),
    "train": ("train_model", {"label_column": "bought"}),
    "score": ("score_model", {}),
    "score_raw": ("score_model", {}),
    "evaluate": ("evaluate_model", {}),
    "reg_cols": ("select_columns", {"columns": ["bought"], "mode": "exclude"}),
    "lin": ("linear_regression", {}),
    "train_reg": ("train_model", {"label_column": "income"}),
    "score_reg": ("score_model", {}),
    "evaluate_reg": ("evaluate_model", {}),
    "km": ("kmeans", {"n_clusters": 3}),
    "cluster": ("train_clustering_model", {}),
    "evaluate_clusters": ("evaluate_model", {}),
}
SHOP_EDGES = [
    "load.data -> clean.data", "clean.data -> enc.data", "enc.data -> split.data",
    "split.train -> norm.data", "norm.transform -> apply.transform", "split.test -> apply.data",
    "gbt.learner -> train.learner", "norm.data -> train.data",
    "train.model -> score.model", "apply.data -> score.data",
    "train.model -> score_raw.model", "split.test -> score_raw.data",
    "score.data -> evaluate.data", "score_raw.data -> evaluate.data_b",
    "split.train -> reg_cols.data", "lin.learner -> train_reg.learner",
    "reg_cols.data -> train_reg.data", "train_reg.model -> score_reg.model",
    "split.test -> score_reg.data", "score_reg.data -> evaluate_reg.data",
    "km.learner -> cluster.learner", "norm.data -> cluster.data",
    "cluster.data -> evaluate_clusters.data",
]


def run_script(script: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(script), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_script_reproduces_the_metrics_from_another_folder(tmp_path):
    project = tmp_path / "project"
    write_shop(project / "data")
    p = pipeline(SHOP_NODES, SHOP_EDGES)
    script = tmp_path / "elsewhere" / "scripts" / "shop.py"
    script.parent.mkdir(parents=True)
    script.write_text(export_script(p, project, script), encoding="utf-8")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    done = run_script(script, cwd, "--metrics-json", "m.json")
    assert done.returncode == 0, done.stderr
    assert "Metrics of evaluate:" in done.stdout and "accuracy:" in done.stdout
    from_script = json.loads((cwd / "m.json").read_text())
    outputs = run_pipeline(p, project)
    in_process = {node_id: outputs[node_id]["metrics"].flat()
                  for node_id in ("evaluate", "evaluate_reg", "evaluate_clusters")}
    assert from_script.keys() == in_process.keys()
    for node_id, values in in_process.items():
        assert from_script[node_id] == pytest.approx(values, rel=0, abs=1e-12), node_id
    # Raw test rows and rows through Apply Transformation score the same.
    assert {k: v for k, v in in_process["evaluate"].items() if not k.startswith("b.")} == \
        {k[2:]: v for k, v in in_process["evaluate"].items() if k.startswith("b.")}


def test_script_imports_only_the_allowed_libraries(tmp_path):
    write_shop(tmp_path / "data")
    source = export_script(pipeline(SHOP_NODES, SHOP_EDGES), tmp_path, tmp_path / "s.py")
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module.split(".")[0])
    assert modules <= ALLOWED_IMPORTS, modules - ALLOWED_IMPORTS
    assert 'if __name__ == "__main__":' in source


EVIL = "x'); __import__('os').system('touch PWNED'); ('\"\"\""


def _calls_to(source: str, name: str) -> int:
    calls = 0
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Name) and func.id == name) or \
                    (isinstance(func, ast.Attribute) and func.attr == name):
                calls += 1
    return calls


def test_user_strings_are_emitted_harmlessly(tmp_path):
    write_shop(tmp_path / "data", label=EVIL, city="city\nimport os")
    nodes = {
        "load": ("import_csv", {"path": "data/shop.csv"}),
        "pick": ("select_columns", {"columns": ["age", "income", EVIL]}),
        "clean": ("clean_missing_data", {}),
        "split": ("split_data", {"stratify_column": EVIL}),
        "lr": ("logistic_regression", {}),
        "train": ("train_model", {"label_column": EVIL}),
        "score": ("score_model", {}),
        "evaluate": ("evaluate_model", {}),
    }
    edges = ["load.data -> pick.data", "pick.data -> clean.data", "clean.data -> split.data",
             "lr.learner -> train.learner", "split.train -> train.data",
             "train.model -> score.model", "split.test -> score.data",
             "score.data -> evaluate.data"]
    evil_text = "T\n__import__('os').system('touch PWNED')\r\x00\u2028os.system('touch PWNED')"
    p = pipeline(nodes, edges, name=EVIL + "\nimport os", titles={"train": evil_text},
                 comments={"split": evil_text})
    script = tmp_path / "evil.py"
    source = export_script(p, tmp_path, script)
    assert _calls_to(source, "__import__") == 0 and _calls_to(source, "system") == 0
    script.write_text(source, encoding="utf-8")
    done = run_script(script, tmp_path, "--metrics-json", "m.json")
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "PWNED").exists()
    expected = run_pipeline(p, tmp_path)["evaluate"]["metrics"].flat()
    assert json.loads((tmp_path / "m.json").read_text())["evaluate"] == \
        pytest.approx(expected, rel=0, abs=1e-12)


def test_an_unconnected_input_stops_the_export(tmp_path):
    write_shop(tmp_path / "data")
    p = pipeline({"load": ("import_csv", {"path": "data/shop.csv"}),
                  "train": ("train_model", {"label_column": "bought"})},
                 ["load.data -> train.data"])
    with pytest.raises(ExportError, match=r"Train Model \(train\): input 'learner' is not "
                                          "connected"):
        export_script(p, tmp_path, tmp_path / "s.py")


def test_a_missing_data_file_is_reported_without_a_traceback(tmp_path):
    write_shop(tmp_path / "data")
    p = pipeline({"load": ("import_csv", {"path": "data/shop.csv"})}, [])
    script = tmp_path / "s.py"
    script.write_text(export_script(p, tmp_path, script), encoding="utf-8")
    (tmp_path / "data" / "shop.csv").unlink()
    done = run_script(script, tmp_path)
    assert done.returncode == 1
    assert "shop.csv' does not exist" in done.stderr and "Traceback" not in done.stderr
