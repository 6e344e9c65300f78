"""Inference pipelines: a registered model takes raw rows; a column that enters after the
import (as through a join) is reported with where the pipeline starts instead."""
from dataclasses import replace

from designer.serving.inference import check_inference, input_schema
from designer.serving.source import resolve_model


def test_registered_model_takes_raw_rows(served):
    project, _ = served
    model, info = resolve_model(project, "churn@champion")
    assert (info.name, info.version, info.ref) == ("churn", 1, "churn:1")
    assert [n for n, _ in model.signature] == ["tenure_months", "monthly_charges", "contract",
                                               "payment_method", "support_calls", "senior"]
    report = check_inference(model)
    assert report.ok and report.problems == () and report.expected_input == report.raw_columns


def test_a_column_from_a_join_is_reported(served):
    project, _ = served
    model, _ = resolve_model(project, "churn")
    # As if 'contract' had come from another table joined after the import.
    joined = replace(model, signature=[s for s in model.signature if s[0] != "contract"])
    report = check_inference(joined)
    assert not report.ok
    assert report.extra_inputs == ("contract",) and report.start_step == "encode"
    assert report.expected_input[-1] == "contract"
    assert "'contract'" in report.message and "step 'encode'" in report.message
    # In a model without transforms, the feature selection is the first step that needs it.
    iris, _ = resolve_model(project, "iris")
    lost = replace(iris, signature=[s for s in iris.signature if s[0] != "petal_width"])
    report = check_inference(lost)
    assert report.extra_inputs == ("petal_width",) and report.start_step == "features"
    assert "feature selection" in report.message


def test_schema_policies(served):
    project, _ = served
    model, info = resolve_model(project, "iris")
    schema = input_schema(model, ref=info.ref)
    assert [c["kind"] for c in schema["columns"]] == ["number"] * 4
    assert schema["classes"] == ["setosa", "versicolor", "virginica"]
    # LogisticRegression cannot take missing values and nothing fills them: no nulls.
    assert not any(c["nullable"] for c in schema["columns"])
    assert schema["policies"] == {"unknown_categories": "warn", "extra_columns": "ignore"}
