"""`mlwire bundle`: a folder that serves one model version without MLWire installed.

    DIR/model.skops        the model file, byte for byte as registered (its sha256 in model.json)
    DIR/model.json         model reference, sha256, input schema, policies, environment
    DIR/serve.py           the scoring app's entry point (FastAPI + uvicorn), no MLWire import
    DIR/scoring/           app.py, validation.py, fastpath.py, fast_trees.py: copied from
                           designer/serving
    DIR/nodes/ops.py       MLWire's column step code, copied as `mlwire export` pastes it, so
                           that the model's `nodes.ops.ColumnStep` steps load
    DIR/requirements.txt   the versions this MLWire runs with, pinned
    DIR/Dockerfile, DIR/README.md (curl examples)
    DIR/model.onnx         when the pipeline converts (onnx_export.py; its inputs under `onnx` in
                           model.json and in the README), else why not in the README
    DIR/mlflow/            an MLflow pyfunc model directory, when mlflow is installed
"""
from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from designer.artifacts import TRUSTED_TYPES

from .app import example_row

__all__ = ["write_bundle", "BundleResult", "BundleError", "REQUIREMENTS"]

HERE = Path(__file__).resolve().parent
OPS_SOURCE = HERE.parents[1] / "nodes" / "ops.py"
COPIED = ("app.py", "validation.py", "fastpath.py", "fast_trees.py")
REQUIREMENTS = ("fastapi", "starlette", "pydantic", "uvicorn", "h11", "anyio", "pandas",
                "numpy", "scikit-learn", "scipy", "joblib", "threadpoolctl", "skops")


class BundleError(Exception):
    """The bundle cannot be written (folder not empty, not writable)."""


@dataclass
class BundleResult:
    folder: Path
    files: list[str]
    onnx: str                       # "written" or why not
    mlflow: str                     # "written" or why not
    notes: list[str] = field(default_factory=list)


SERVE_PY = '''#!/usr/bin/env python3
"""Scoring app for model {ref}, bundled by MLWire. Runs without MLWire.

    pip install -r requirements.txt
    python serve.py                      # http://127.0.0.1:8000  (--port N, --host H)

Any --host other than a loopback address needs a token (--token or MLWIRE_SERVE_TOKEN);
callers then send 'Authorization: Bearer <token>'. See README.md.
"""
import argparse
import hashlib
import ipaddress
import json
import os
import socket
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))       # this folder's nodes/ and scoring/ packages

# Types the model file may hold beyond skops' defaults (reviewed in MLWire's designer/artifacts.py).
TRUSTED_TYPES = {trusted}


def load_model():
    """(pipeline, schema): model.skops checked against its sha256, loaded with trusted types only."""
    meta = json.loads((HERE / "model.json").read_text(encoding="utf-8"))
    data = (HERE / "model.skops").read_bytes()
    if hashlib.sha256(data).hexdigest() != meta["sha256"]:
        sys.exit("model.skops does not match the sha256 in model.json: it was changed or "
                 "damaged, so it is not loaded.")
    import skops.io as sio
    untrusted = [t for t in sio.get_untrusted_types(data=data) if t not in TRUSTED_TYPES]
    if untrusted:
        sys.exit("model.skops holds types nobody reviewed, so it is not loaded: "
                 + ", ".join(untrusted))
    content = sio.loads(data, trusted=TRUSTED_TYPES)
    return content["pipeline"], meta["schema"]


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--token", default=os.environ.get("MLWIRE_SERVE_TOKEN") or None)
    parser.add_argument("--max-body", type=int, default=10 * 1024 * 1024)
    args = parser.parse_args(argv)
    if not is_loopback(args.host) and not args.token:
        sys.exit(f"Serving on {{args.host}} needs a token: --token TOKEN or MLWIRE_SERVE_TOKEN.")
    import uvicorn
    from threadpoolctl import threadpool_limits

    from scoring.app import LOOPBACK_HOSTS, create_app
    pipeline, schema = load_model()
    hosts = LOOPBACK_HOSTS if is_loopback(args.host) else None
    app = create_app(pipeline, schema, token=args.token, allowed_hosts=hosts,
                     max_body=args.max_body)
    if not is_loopback(args.host):
        print(f"WARNING: listening on {{args.host}}, reachable from other machines; requests "
              "need the token.", file=sys.stderr, flush=True)
    family = socket.AF_INET6 if ":" in args.host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host.strip("[]"), args.port))
    sock.listen(2048)
    host = f"[{{args.host.strip('[]')}}]" if family == socket.AF_INET6 else args.host
    url = f"http://{{host}}:{{sock.getsockname()[1]}}"
    threadpool_limits(1)

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets)
            if not self.should_exit:
                print(json.dumps({{"url": url, "model": schema.get("model"), "pid": os.getpid()}}),
                      flush=True)

    config = uvicorn.Config(app, lifespan="off", access_log=False, log_level="warning",
                            server_header=False, date_header=False)
    Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
'''

DOCKERFILE = '''FROM python:{py}-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
EXPOSE 8000
# Outside the container's own loopback the app needs a token:
#   docker run -p 127.0.0.1:8000:8000 -e MLWIRE_SERVE_TOKEN=... IMAGE
CMD ["python", "serve.py", "--host", "0.0.0.0", "--port", "8000"]
'''

MLFLOW_MODEL_PY = '''"""MLflow pyfunc wrapper (models-from-code) for the bundled skops model; no MLWire import."""
import sys
from pathlib import Path

import mlflow
import pandas as pd


class MLWireModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        bundle = Path(context.artifacts["bundle"])
        sys.path.insert(0, str(bundle))
        import serve
        self.pipeline, self.schema = serve.load_model()

    def predict(self, context, model_input, params=None):
        from scoring.validation import check_frame
        X, _ = check_frame(pd.DataFrame(model_input), self.schema)
        return self.pipeline.predict(X)


mlflow.models.set_model(MLWireModel())
'''


def _kernels() -> list[str]:
    """The kernel modules besides ops.py that hold fitted steps (nodes/kernels.py), if any."""
    try:
        from nodes.kernels import EXTRA
    except ImportError:
        return []
    return [k for k in EXTRA if OPS_SOURCE.with_name(f"{k}.py").is_file()]


def _trusted() -> tuple[str, ...]:
    """The types the model gate trusts: designer/artifacts.py's list plus the kernels' steps."""
    try:
        from nodes.kernels import STEP_TYPES
    except ImportError:
        STEP_TYPES = ()
    return tuple(TRUSTED_TYPES) + tuple(t for t in STEP_TYPES if t not in TRUSTED_TYPES)


def _pinned() -> list[str]:
    lines = []
    for name in REQUIREMENTS:
        try:
            lines.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            lines.append(name)
    return lines


def _readme(info, schema, onnx: str, mlflow: str) -> str:
    row = json.dumps({"rows": [example_row(schema)]}, ensure_ascii=False)
    columns = "\n".join(f"| `{c['name']}` | {c['kind']} ({c['dtype']}) | "
                        f"{'yes' if c.get('nullable') else 'no'} | "
                        f"{', '.join(map(str, c['categories'])) if c.get('categories') else ''} |"
                        for c in schema["columns"])
    classes = f"\nClasses: {', '.join(map(str, schema['classes']))}.\n" \
        if schema.get("classes") else ""
    return f"""# Model {info.ref}

Bundled by MLWire from registered model **{info.name}**, version {info.version}
({schema['task']}{', label ' + repr(schema['label']) if schema.get('label') else ''}).
Model file: `model.skops`, sha256 `{info.sha256}`. It runs without MLWire.
{classes}
## Run it

```sh
python -m venv .venv && .venv/bin/pip install -r requirements.txt
.venv/bin/python serve.py                 # http://127.0.0.1:8000, docs at /docs
```

Or with Docker (the container listens on all its addresses, so it needs a token):

```sh
docker build -t {info.name.lower().replace(' ', '-')}-{info.version} .
docker run -p 127.0.0.1:8000:8000 -e MLWIRE_SERVE_TOKEN=change-me {info.name.lower().replace(' ', '-')}-{info.version}
```

## Call it

```sh
curl -s http://127.0.0.1:8000/predict -H 'Content-Type: application/json' \\
  -d '{row}'
curl -s http://127.0.0.1:8000/schema
curl -s http://127.0.0.1:8000/health
# with a token:
curl -s http://127.0.0.1:8000/predict -H 'Content-Type: application/json' \\
  -H "Authorization: Bearer $MLWIRE_SERVE_TOKEN" -d '{row}'
```

The answer is `{{"predictions": [...]}}`, plus `"probabilities": [{{class: p}}]` for classifiers.
Bad rows get a 4xx whose `error` names the `rule` and the `column`.

## Input columns

| column | type | null allowed | known categories |
|---|---|---|---|
{columns}

Unknown categories: `{schema['policies']['unknown_categories']}`; extra columns:
`{schema['policies']['extra_columns']}` (see MLWire's docs/serving.md).

## ONNX

{onnx}

## MLflow

{mlflow}
"""


def write_bundle(data: bytes, model, info, schema: dict, folder, *, onnx: bool = True,
                 mlflow: bool = True, overwrite: bool = False) -> BundleResult:
    """Write the bundle for one model version (see the module doc)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not overwrite:
        raise BundleError(f"'{folder}' is not empty; choose a new folder (or pass --force to "
                          "overwrite it).")
    if not folder.parent.is_dir():
        raise BundleError(f"Cannot create '{folder}': the folder '{folder.parent}' does not exist.")
    folder.mkdir(exist_ok=True)
    (folder / "model.skops").write_bytes(data)
    onnx_note, onnx_contract = _write_onnx(model, folder, schema) if onnx else \
        ("Not exported (--no-onnx).", None)
    meta = {"format": "mlwire.bundle/1", "model": info.ref, "name": info.name,
            "version": info.version, "sha256": info.sha256, "task": info.task,
            "features": [str(f) for f in model.features], "schema": schema,
            "environment": info.environment, "python": sys.version.split()[0]}
    if onnx_contract:
        meta["onnx"] = onnx_contract
    (folder / "model.json").write_text(json.dumps(meta, indent=2, default=str) + "\n")
    (folder / "scoring").mkdir(exist_ok=True)
    (folder / "scoring" / "__init__.py").write_text(
        '"""The scoring app, copied from MLWire (designer/serving)."""\n')
    for name in COPIED:
        shutil.copyfile(HERE / name, folder / "scoring" / name)
    (folder / "nodes").mkdir(exist_ok=True)
    (folder / "nodes" / "__init__.py").write_text(
        '"""MLWire\'s data operations (nodes/ops.py), copied so the model\'s column steps load."""\n')
    shutil.copyfile(OPS_SOURCE, folder / "nodes" / "ops.py")
    for kernel in _kernels():                   # steps of other kernels (PCA, math, ...)
        shutil.copyfile(OPS_SOURCE.with_name(f"{kernel}.py"), folder / "nodes" / f"{kernel}.py")
    (folder / "serve.py").write_text(SERVE_PY.format(ref=info.ref,
                                                     trusted=repr(list(_trusted()))))
    (folder / "requirements.txt").write_text("\n".join(_pinned()) + "\n")
    py = ".".join(sys.version.split()[0].split(".")[:2])
    (folder / "Dockerfile").write_text(DOCKERFILE.format(py=py))
    if mlflow:
        mlflow_note = _write_mlflow(folder)
    else:
        mlflow_note = "Not exported (--no-mlflow)."
    (folder / "README.md").write_text(_readme(info, schema, onnx_note, mlflow_note))
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    return BundleResult(folder, files, "written" if (folder / "model.onnx").exists()
                        else onnx_note, "written" if (folder / "mlflow").exists()
                        else mlflow_note)


def _write_onnx(model, folder: Path, schema: dict) -> tuple[str, dict | None]:
    """(README text, model.json's "onnx" entry or None): model.onnx when the pipeline converts,
    else why not."""
    from .onnx_export import OnnxUnsupported, export_onnx, onnx_contract
    try:
        export_onnx(model, folder / "model.onnx")
    except OnnxUnsupported as exc:
        return f"No ONNX file: {exc}", None
    contract = onnx_contract(model)
    inputs = "\n".join(f"| `{i['name']}` | `{i['type']}` |" for i in contract["inputs"])
    outputs = ("`label` [rows] and `probabilities` [rows, classes], one column per class in "
               "the order of the classes above" if model.task == "classification" else
               "`variable` [rows, 1], the predicted value")
    row = example_row(schema)
    return ONNX_README.format(inputs=inputs, outputs=outputs, row=repr(row)), contract


ONNX_README = """`model.onnx` computes the same predictions as `model.skops` (cleaning, scaling and
encoding included) with ONNX Runtime alone (`pip install onnxruntime`). It takes one input per
column, named as the column, shaped [rows, 1] (listed under `onnx` in model.json):

| input | type |
|---|---|
{inputs}

Numbers are doubles, a missing number is NaN; a missing text value is the empty string `""`
(so an empty string counts as missing). Outputs: {outputs}.

```python
import numpy as np, onnxruntime as ort
session = ort.InferenceSession("model.onnx")
row = {row}
feed = {{i.name: np.array([[("" if row[i.name] is None else str(row[i.name]))
                            if i.type == "tensor(string)" else
                            (np.nan if row[i.name] is None else float(row[i.name]))]],
                          dtype=object if i.type == "tensor(string)" else np.float64)
        for i in session.get_inputs()}}
print(session.run(None, feed))
```"""


def _write_mlflow(folder: Path) -> str:
    try:
        import mlflow  # noqa: F401 -- optional: never a dependency of MLWire
    except ImportError:
        return ("No MLflow model directory: mlflow is not installed. Install it (`pip install "
                "'mlwire[mlflow]'`, or mlflow in any environment) and run `mlwire bundle` again.")
    import mlflow.pyfunc
    code = folder / "mlflow_model.py"
    code.write_text(MLFLOW_MODEL_PY)
    try:
        mlflow.pyfunc.save_model(path=str(folder / "mlflow"), python_model=str(code),
                                 artifacts={"bundle": str(folder)},
                                 pip_requirements=_pinned() + [f"mlflow=={mlflow.__version__}"])
    except Exception as exc:
        return f"No MLflow model directory: mlflow could not write it ({exc})."
    return "`mlflow/` is an MLflow pyfunc model: `mlflow models serve -m mlflow --env-manager local`."
