"""Registering checks the inference pipeline: a model whose input columns come in after the
import (through a join) is registered all the same, and the registry, `mlwire register` and its
--json output say where the pipeline starts instead and which columns it expects."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from designer.cli import main
from designer.store import Project
from recorded_models import JOIN_FIRST, JOINED, record_model_run, write_customer_files


@pytest.fixture
def joined_project(tmp_path):
    write_customer_files(tmp_path)
    path = tmp_path / "churn.mlw"
    with Project.open(path, create=True) as project:
        late = record_model_run(project, JOINED, tmp_path, "run-late")
        first = record_model_run(project, JOIN_FIRST, tmp_path, "run-first")
    return path, late, first


def test_registry_reports_where_the_inference_pipeline_starts(joined_project):
    path, late, first = joined_project
    # the trained model really needs support_calls, which is not an imported column of its input
    assert "support_calls" in late.features
    assert [c for c, _ in late.signature] == ["id", "tenure", "charges"]
    with Project.open(path) as project:
        version = project.registry.register("run-late", "train", "churn")
        assert version.ref == "churn:1"         # registered all the same
        note = version.inference_note
        assert "'support_calls'" in note and "feature selection" in note
        assert "expect the columns id, tenure, charges, support_calls" in note
        assert "before the first fitted transform" in note
        # joined before the first fitted transform: the pipeline starts at the raw columns
        clean = project.registry.register("run-first", "train", "churn")
        assert clean.inference_note == "" and clean.version == 2
        assert [c for c, _ in clean.signature] == ["id", "tenure", "charges", "support_calls"]
        # the note is what registration says; the stored version is the same either way
        assert project.registry.get("churn:1").signature == version.signature
        rows = pd.read_csv(path.parent / "customers.csv").merge(
            pd.read_csv(path.parent / "calls.csv"), left_on="id", right_on="customer")
        rows = rows.drop(columns=["customer", "churned"])
        loaded = project.registry.load("churn:2")
        assert loaded.pipeline.predict(rows).tolist() == first.pipeline.predict(rows).tolist()


def test_mlwire_register_prints_the_note(joined_project, capsys):
    path, _, _ = joined_project
    assert main(["register", str(path), "--run", "run-late", "--node", "train",
                 "--name", "churn"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Registered churn:1 from run run-late, node 'train'")
    assert "imported columns: id (int64), tenure (int64), charges (float64)" in out
    assert "warning: The inference pipeline cannot start at the imported columns: " \
           "'support_calls'" in out
    assert "takes raw rows" not in out
    assert main(["register", str(path), "--run", "run-first", "--node", "train",
                 "--name", "churn", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == 2 and shown["inference_note"] == ""
    assert main(["register", str(path), "--run", "run-first", "--node", "train",
                 "--name", "churn"]) == 0
    out = capsys.readouterr().out
    assert "takes raw rows with: id (int64), tenure (int64), charges (float64), support_calls " \
           "(int64)" in out and "warning" not in out
