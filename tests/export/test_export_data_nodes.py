"""Exported scripts with the data, transformation and feature nodes: the kernels they need are
pasted, nothing else, and the script computes the app's metrics."""
from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from designer.export import export_script
from tests.export.test_export_script import pipeline, write_shop
from tests.nodes.inprocess import run_pipeline

NODES = {
    "load": ("import_csv", {"path": "data/shop.csv"}),
    "adults": ("filter_rows", {"expression": "age is None or age >= 21"}),
    "sql": ("apply_sql_transformation", {"query": "SELECT * FROM t1 WHERE income > 0"}),
    "meta": ("edit_metadata", {"columns": ["city"], "type": "category"}),
    "split": ("split_data", {"fraction": 0.7, "seed": 3, "stratify_column": "bought"}),
    "clean": ("clean_missing_data", {"columns": ["age"], "strategy": "median"}),
    "hash": ("feature_hashing", {"column": "city", "n_features": 4}),
    "bins": ("group_data_into_bins", {"columns": ["age"], "bins": 4, "output_mode": "append"}),
    "clip": ("clip_values", {"columns": ["income"], "mode": "percentile", "lower": 2,
                             "upper": 98}),
    "select": ("filter_based_feature_selection", {"label_column": "bought", "k": 5}),
    "pca": ("pca", {"exclude_columns": ["bought"], "n_components": 3}),
    "gbt": ("boosted_trees_classifier", {"max_iter": 20}),
    "train": ("train_model", {"label_column": "bought"}),
    "score": ("score_model", {}),
    "evaluate": ("evaluate_model", {}),
}
EDGES = ["load.data -> adults.data", "adults.data -> sql.data", "sql.data -> meta.data",
         "meta.data -> split.data", "split.train -> clean.data", "clean.data -> hash.data",
         "hash.data -> bins.data", "bins.data -> clip.data", "clip.data -> select.data",
         "select.data -> pca.data", "pca.data -> train.data", "gbt.learner -> train.learner",
         "train.model -> score.model", "split.test -> score.data", "score.data -> evaluate.data"]


def _imports(source: str) -> set[str]:
    """Modules the script imports when it starts (kernels import optional ones lazily)."""
    found = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_script_with_the_new_nodes_reproduces_the_metrics(tmp_path):
    project = tmp_path / "project"
    write_shop(project / "data")
    p = pipeline(NODES, EDGES)
    script = tmp_path / "out" / "shop.py"
    script.parent.mkdir()
    source = export_script(p, project, script)
    script.write_text(source, encoding="utf-8")
    assert "def filter_rows(" in source and "class BinStep(" in source
    assert "def execute_python_script(" not in source  # only the kernels it needs
    assert "from .ops" not in source and "duckdb" in source.split('"""')[1]
    done = subprocess.run([sys.executable, str(script), "--metrics-json", "m.json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    in_process = run_pipeline(p, project)["evaluate"]["metrics"].flat()
    from_script = json.loads((tmp_path / "m.json").read_text())["evaluate"]
    assert from_script == pytest.approx(in_process, rel=0, abs=1e-12)


def test_only_the_needed_libraries_are_imported_or_named(tmp_path):
    project = tmp_path / "project"
    write_shop(project / "data")
    nodes = {"load": NODES["load"], "adults": NODES["adults"]}
    source = export_script(pipeline(nodes, ["load.data -> adults.data"]), project,
                           tmp_path / "s.py")
    header = source.split('"""')[1]
    assert "It needs only pandas, numpy and scikit-learn." in header
    assert _imports(source) <= {"argparse", "json", "sys", "pathlib", "codecs", "math", "ast",
                                "re", "numpy", "pandas", "sklearn", "joblib"}
