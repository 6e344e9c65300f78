"""Serving snapshots: a registered model's server starts from plain data, without importing
scikit-learn, and answers exactly as the model's own pipeline."""
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from designer import model_cache
from designer.serving import snapshot
from designer.serving.fastpath import CompiledPipeline, probe_rows
from designer.serving.inference import input_schema
from designer.serving.source import load_resolved, resolve_version
from designer.serving.validation import predict_frame, rows_to_frame

from .helpers import json_rows


def _accepting(schema):
    return {**schema, "policies": {**schema["policies"], "unknown_categories": "accept"}}


def test_registering_a_tree_model_keeps_a_snapshot_that_answers_as_its_pipeline(served,
                                                                                churn_rows):
    project, _ = served
    info = resolve_version(project, "churn@champion")
    assert isinstance(model_cache.load(info.sha256, "serving"), dict)   # put there at register
    schema, scorer = snapshot.load(info.sha256, ref=info.ref)
    model = load_resolved(project, info)
    assert schema == input_schema(model, ref=info.ref, sha256=info.sha256)
    assert isinstance(scorer, CompiledPipeline) and scorer.pipeline is None
    pipeline = model.pipeline
    for rows in [[row] for row in json_rows(churn_rows.head(20)) + probe_rows(schema, 20)] + \
            [json_rows(churn_rows)]:                    # one at a time, then 2,000 at once
        X = rows_to_frame({"rows": rows}, _accepting(schema))[0]
        predictions, probabilities = predict_frame(scorer, X, schema)
        np.testing.assert_array_equal(predictions, pipeline.predict(X))
        np.testing.assert_array_equal(probabilities, pipeline.predict_proba(X))


def test_a_snapshot_takes_the_servers_policies(served):
    project, _ = served
    info = resolve_version(project, "churn@champion")
    schema, _ = snapshot.load(info.sha256, ref=info.ref, unknown_categories="reject",
                              extra_columns="reject")
    assert schema["policies"] == {"unknown_categories": "reject", "extra_columns": "reject"}
    assert snapshot.load(info.sha256)[0]["policies"]["unknown_categories"] == "warn"
    with pytest.raises(ValueError, match="unknown_categories must be one of"):
        snapshot.load(info.sha256, unknown_categories="sometimes")


def test_a_model_without_compiled_trees_is_served_from_the_model_itself(served):
    from designer.serving.server import prepare
    project, _ = served
    info = resolve_version(project, "iris")          # logistic regression: no snapshot
    assert model_cache.load(info.sha256, "serving") is None
    prepared = prepare(project, "iris", resolved=info, snapshot=True)
    assert prepared.model is not None and prepared.pipeline is prepared.model.pipeline


CHILD = """
import json, sys
from designer.serving.server import prepare
from designer.serving.source import ModelInfo
from designer.serving.app import create_app
from designer.serving.validation import predict_rows, rows_to_frame
prepared = prepare(sys.argv[1], "churn", resolved=ModelInfo.from_json(sys.argv[2]), snapshot=True)
create_app(prepared.pipeline, prepared.schema)
rows = json.loads(sys.argv[3])
X, _ = rows_to_frame({"rows": rows}, prepared.schema)
print(json.dumps({"scikit_learn": sorted(m for m in sys.modules if m.startswith("sklearn")),
                  "from_snapshot": prepared.model is None,
                  **predict_rows(prepared.pipeline, X, prepared.schema)}))
"""


def test_a_server_started_from_its_snapshot_never_imports_scikit_learn(served, churn_rows):
    project, _ = served
    info = resolve_version(project, "churn@champion")
    rows = json_rows(churn_rows.head(5))
    done = subprocess.run([sys.executable, "-c", CHILD, str(project), info.to_json(),
                           json.dumps(rows)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["from_snapshot"] and answer["scikit_learn"] == []
    model = load_resolved(project, info)
    X = pd.DataFrame(rows)
    assert answer["predictions"] == model.pipeline.predict(X).tolist()
    np.testing.assert_array_equal([[p["no"], p["yes"]] for p in answer["probabilities"]],
                                  model.pipeline.predict_proba(X))


def test_batch_scoring_skips_the_probe_only_for_a_model_with_a_snapshot(served):
    project, _ = served
    churn, iris = (load_resolved(project, resolve_version(project, ref))
                   for ref in ("churn@champion", "iris"))
    churn_sha = resolve_version(project, "churn@champion").sha256
    assert isinstance(snapshot.vouched_scorer(churn.pipeline, churn_sha), CompiledPipeline)
    iris_sha = resolve_version(project, "iris").sha256
    assert snapshot.vouched_scorer(iris.pipeline, iris_sha) is None
    assert snapshot.vouched_scorer(churn.pipeline, None) is None
