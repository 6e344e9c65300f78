"""Bundles: the folder's own app, started with this interpreter and MLWire unimportable, answers
the same predictions; ONNX agrees with scikit-learn; MLflow absent is said clearly."""
import ast
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from designer.serving.bundle import write_bundle
from designer.serving.inference import input_schema
from designer.serving.source import resolve_model_file

from .helpers import json_rows, post_rows

# Runs serve.py as a script, with `designer` made unimportable: the bundle must not need MLWire.
NO_MLWIRE = ("import runpy, sys; sys.modules['designer'] = None; sys.argv = ['serve.py', "
             "'--port', '0']; runpy.run_path('serve.py', run_name='__main__')")


def _bundle(project, ref, folder):
    data, model, info = resolve_model_file(project, ref)
    schema = input_schema(model, ref=info.ref, sha256=info.sha256)
    return model, write_bundle(data, model, info, schema, folder)


def test_bundle_app_answers_the_same_predictions(served, churn, churn_rows, tmp_path):
    project, _ = served
    model, result = _bundle(project, "churn", tmp_path / "bundle")
    folder = result.folder
    for name in ("model.skops", "model.json", "serve.py", "requirements.txt", "Dockerfile",
                 "README.md", "nodes/ops.py", "scoring/app.py", "scoring/validation.py"):
        assert (folder / name).is_file(), name
    requirements = (folder / "requirements.txt").read_text().split()
    assert any(r.startswith("scikit-learn==") for r in requirements)
    assert all("==" in r for r in requirements)
    assert "curl -s http://127.0.0.1:8000/predict" in (folder / "README.md").read_text()
    try:
        import skl2onnx  # noqa: F401 -- present or not decides the branch
    except ImportError:
        assert "skl2onnx is not installed" in result.onnx
    else:   # cleaning, encoding and scaling convert: one ONNX input per raw column
        assert result.onnx == "written"
        contract = json.loads((folder / "model.json").read_text())["onnx"]
        assert [i["name"] for i in contract["inputs"]] == [n for n, _ in model.signature]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen([sys.executable, "-c", NO_MLWIRE], cwd=folder, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        url = json.loads(line)["url"]
        assert url.startswith("http://127.0.0.1:")
        rows = churn_rows.iloc[:100]
        status, body = post_rows(url, json_rows(rows))
        assert status == 200, body
        assert body["predictions"] == churn.model.pipeline.predict(rows).tolist()
        np.testing.assert_allclose(
            [[p["no"], p["yes"]] for p in body["probabilities"]],
            churn.model.pipeline.predict_proba(rows), atol=1e-12)
        status, body = post_rows(url, [{"tenure_months": "x"}])
        assert status == 422
    finally:
        proc.terminate()
        proc.wait(10)


def test_onnx_agrees_with_scikit_learn(served, churn_rows, tmp_path):
    pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (mlwire[onnx])")
    pytest.importorskip("skl2onnx", reason="skl2onnx is not installed (mlwire[onnx])")
    import onnxruntime as ort
    import pandas as pd
    from designer.serving.onnx_export import onnx_feed
    project, _ = served
    model, result = _bundle(project, "churn", tmp_path / "churn")
    assert result.onnx == "written", result.onnx
    session = ort.InferenceSession(str(result.folder / "model.onnx"))
    contract = json.loads((result.folder / "model.json").read_text())["onnx"]
    inputs = [(i["name"], i["type"]) for i in contract["inputs"]]
    labels, probabilities = session.run(None, onnx_feed(inputs, churn_rows))
    assert list(labels) == model.pipeline.predict(churn_rows).tolist()
    np.testing.assert_allclose(probabilities, model.pipeline.predict_proba(churn_rows), atol=1e-5)
    # The README's Python example runs as printed, on its example row.
    readme = (result.folder / "README.md").read_text()
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    done = subprocess.run([sys.executable, "-c", code], cwd=result.folder, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    row = pd.DataFrame([ast.literal_eval(code.split("row = ", 1)[1].split("\n", 1)[0])])
    assert repr(model.pipeline.predict(row)[0]) in done.stdout


def test_mlflow_directory_or_a_clear_message(served, tmp_path):
    project, _ = served
    _, result = _bundle(project, "iris", tmp_path / "ml")
    try:
        import mlflow  # noqa: F401 -- present or not decides the branch
    except ImportError:
        assert "mlflow is not installed" in result.mlflow
    else:
        assert result.mlflow == "written"


def test_cli_bundle_refuses_a_full_folder(served, tmp_path):
    project, _ = served
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    done = subprocess.run([sys.executable, "-m", "designer.cli", "bundle", str(project),
                           "--model", "churn", "-o", str(tmp_path / "full")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "is not empty" in done.stderr
