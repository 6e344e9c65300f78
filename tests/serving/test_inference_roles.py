"""A model's input signature is the raw columns its inference pipeline needs: a label renamed by
Edit Metadata is not an input under its raw name, and a column whose role is 'ignore' is not one
either, even with fitted transforms upstream of Train Model, unless a feature is made from it."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from designer.model import pipeline_from_json
from designer.serving.inference import check_inference, input_schema
from tests.nodes.inprocess import run_pipeline


@pytest.fixture
def folder(tmp_path):
    rng = np.random.default_rng(4)
    n = 80
    df = pd.DataFrame({"customer_id": np.arange(700, 700 + n),
                       "age": rng.integers(18, 80, n).astype(float),
                       "income": rng.normal(50, 10, n).round(2)})
    df["Bought"] = np.where(df["income"] + rng.normal(0, 5, n) > 50, "yes", "no")
    df.to_csv(tmp_path / "shop.csv", index=False)
    return tmp_path


def _trained(folder, *between: dict):
    """Import → rename 'Bought' to 'bought' as the label → ignore 'customer_id' → `between`
    (fitted transforms) → Normalize Data (every numeric column, the id too) → Train Model with
    an empty label_column."""
    steps = [{"type": "edit_metadata", "params": {"columns": ["Bought"], "new_names": ["bought"],
                                                  "role": "label"}},
             {"type": "edit_metadata", "params": {"columns": ["customer_id"],
                                                  "role": "ignore"}},
             *between,
             {"type": "normalize_data", "params": {}}]
    nodes = [{"id": "load", "type": "import_csv", "params": {"path": "shop.csv"}},
             {"id": "lr", "type": "logistic_regression", "params": {}},
             {"id": "train", "type": "train_model", "params": {}}]
    edges, previous = [("lr", "learner", "train", "learner")], "load"
    for i, step in enumerate(steps):
        nodes.append({"id": f"step{i}", **step})
        edges.append((previous, "data", f"step{i}", "data"))
        previous = f"step{i}"
    edges.append((previous, "data", "train", "data"))
    pipeline = pipeline_from_json({
        "format": "mlwire.pipeline/1", "name": "signature", "nodes": nodes,
        "edges": [{"source": a, "source_port": b, "target": c, "target_port": d}
                  for a, b, c, d in edges]})
    return run_pipeline(pipeline, folder)["train"]["model"]


def test_the_signature_leaves_out_the_renamed_label_and_the_ignored_column(folder):
    model = _trained(folder)
    assert model.label == "bought" and model.features == ["age", "income"]
    schema = input_schema(model)
    assert [c["name"] for c in schema["columns"]] == ["age", "income"]
    assert [c["kind"] for c in schema["columns"]] == ["number", "number"]
    report = check_inference(model)
    assert report.ok and report.raw_columns == ("age", "income")
    # rows with just those columns are enough, and score as the whole rows do
    raw = pd.read_csv(folder / "shop.csv")
    just = model.pipeline.predict(raw[["age", "income"]])
    assert just.tolist() == model.pipeline.predict(raw).tolist()
    assert set(just) <= {"yes", "no"}


def test_an_ignored_column_a_feature_is_made_from_stays_an_input(folder):
    # sqrt_customer_id is a feature made from the ignored id: callers must send the id
    model = _trained(folder, {"type": "apply_math_operation",
                              "params": {"columns": ["customer_id"], "operation": "sqrt",
                                         "output_mode": "append"}})
    assert "sqrt_customer_id" in model.features and "customer_id" not in model.features
    assert [c["name"] for c in input_schema(model)["columns"]] == ["customer_id", "age",
                                                                   "income"]
    assert check_inference(model).ok
    raw = pd.read_csv(folder / "shop.csv")
    columns = ["customer_id", "age", "income"]
    assert model.pipeline.predict(raw[columns]).tolist() == model.pipeline.predict(raw).tolist()
