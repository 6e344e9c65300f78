"""`python -m bench serving [REQUESTS]`: the model server against the floor and MLflow, and batch.

Single-row requests, one keep-alive connection, a fixed number of requests (bounded load) on
127.0.0.1 only, against:
  - `mlwire serve` (ServerProcess; start-up timed from launch to first answer);
  - the floor: a minimal FastAPI app calling `pipeline.predict` on a DataFrame per request;
  - MLflow's `mlflow models serve --env-manager local` on the bundle's pyfunc model, when an
    MLflow environment exists at $MLFLOW_VENV (default /tmp/mlflow-venv). MLflow is never a
    dependency of MLWire: it lives in that environment only.
Then batch scoring of 200,000 rows of the churn example (`score_file`, CSV in and out).
"""
from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .timing import ROOT, machine, write_section

EXAMPLES = ROOT / "assets" / "examples"
BATCH_RUNS = 3      # batch figures are the median of this many runs
MLFLOW_VENV = Path(os.environ.get("MLFLOW_VENV", "/tmp/mlflow-venv"))

FLOOR_APP = '''
import sys
import pandas as pd
from fastapi import FastAPI, Request
from designer.artifacts import load_model
data = open(sys.argv[1], "rb").read()
pipeline = load_model(data, sys.argv[2]).pipeline
app = FastAPI()

@app.post("/predict")
async def predict(request: Request):
    body = await request.json()
    return {"predictions": pipeline.predict(pd.DataFrame(body["rows"])).tolist()}

if __name__ == "__main__":
    import uvicorn
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="warning")
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, path: str, timeout: float = 120.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"benchmark server on port {port} did not answer within {timeout:.0f} s")


def load(port: int, path: str, body: bytes, requests: int) -> dict:
    """Sequential single-row requests on one keep-alive connection: throughput and latency."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    # http.client writes the headers and the body in two sends: without TCP_NODELAY, Nagle's
    # algorithm holds the body until the server's delayed ACK (40 ms), as curl, urllib3 and wrk
    # never do. That would measure the client, not the server.
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    headers = {"Content-Type": "application/json"}
    for _ in range(min(50, requests)):      # warm-up
        conn.request("POST", path, body, headers)
        conn.getresponse().read()
    latencies = []
    started = time.perf_counter()
    for _ in range(requests):
        t = time.perf_counter()
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"benchmark request failed with {response.status}")
        latencies.append(time.perf_counter() - t)
    seconds = time.perf_counter() - started
    conn.close()
    latencies.sort()
    return {"rps": requests / seconds, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def _prepare(folder: Path) -> tuple[Path, dict]:
    shutil.copyfile(EXAMPLES / "churn.csv", folder / "churn.csv")
    shutil.copyfile(EXAMPLES / "churn.pipeline.json", folder / "churn.pipeline.json")
    done = subprocess.run([sys.executable, "-m", "designer.cli", "run", "churn.pipeline.json",
                           "--json"], cwd=folder, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    from designer.store import Project
    project = folder / "churn.mlw"
    with Project.open(project) as p:
        p.registry.register(json.loads(done.stdout)["run_id"], "train", "churn")
    import pandas as pd
    row = pd.read_csv(folder / "churn.csv").drop(columns="churned").iloc[0]
    return project, {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}


def _mlwire(project: Path, body: bytes, requests: int) -> dict:
    from designer.serving.process import ServerProcess
    started = time.perf_counter()
    with ServerProcess(project, "churn", port=0) as server:
        startup = time.perf_counter() - started
        result = load(server.port, "/predict", body, requests)
        result["fast_path"] = server.health().get("fast_path")
    return {**result, "startup": startup}


def _floor(folder: Path, project: Path, body: bytes, requests: int) -> dict:
    from designer.serving.source import resolve_model_file
    data, _, info = resolve_model_file(project, "churn")
    (folder / "model.skops").write_bytes(data)
    (folder / "floor.py").write_text(FLOOR_APP)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(folder / "floor.py"), str(folder / "model.skops"),
                             info.sha256, str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        _wait(port, "/openapi.json")
        startup = time.perf_counter() - started
        return {**load(port, "/predict", body, requests), "startup": startup}
    finally:
        proc.terminate()
        proc.wait(10)


def _mlflow(folder: Path, project: Path, row: dict, requests: int) -> dict | None:
    python = MLFLOW_VENV / "bin" / "python"
    if not python.exists():
        print(f"  MLflow: no environment at {MLFLOW_VENV}; skipped", file=sys.stderr)
        return None
    from designer.serving.bundle import MLFLOW_MODEL_PY, write_bundle
    from designer.serving.inference import input_schema
    from designer.serving.source import resolve_model_file
    data, model, info = resolve_model_file(project, "churn")
    bundle = folder / "bundle"
    write_bundle(data, model, info, input_schema(model, ref=info.ref, sha256=info.sha256),
                 bundle, onnx=False, mlflow=False)
    (bundle / "mlflow_model.py").write_text(MLFLOW_MODEL_PY)
    save = ("import mlflow.pyfunc, sys; mlflow.pyfunc.save_model(path=sys.argv[1] + '/mlflow', "
            "python_model=sys.argv[1] + '/mlflow_model.py', artifacts={'bundle': sys.argv[1]})")
    done = subprocess.run([str(python), "-c", save, str(bundle)], capture_output=True, text=True)
    if done.returncode:
        print(f"  MLflow: could not save the model: {done.stderr[-800:]}", file=sys.stderr)
        return None
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PATH"] = f"{MLFLOW_VENV / 'bin'}:{env.get('PATH', '')}"
    started = time.perf_counter()
    proc = subprocess.Popen([str(MLFLOW_VENV / "bin" / "mlflow"), "models", "serve", "-m",
                             str(bundle / "mlflow"), "--env-manager", "local", "-h", "127.0.0.1",
                             "-p", str(port), "-w", "1"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait(port, "/ping", timeout=180)
        startup = time.perf_counter() - started
        body = json.dumps({"dataframe_records": [row]}).encode()
        return {**load(port, "/invocations", body, requests), "startup": startup}
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(20)


def _batch(folder: Path, project: Path, rows: int = 200_000) -> dict:
    import pandas as pd

    from designer.serving.server import prepare
    from designer.serving.batch import score_file
    source = pd.read_csv(folder / "churn.csv").drop(columns="churned")
    big = pd.concat([source] * (rows // len(source) + 1), ignore_index=True).iloc[:rows]
    big.to_csv(folder / "big.csv", index=False)
    prepared = prepare(project, "churn")
    runs = [score_file(prepared.model.pipeline, prepared.schema, folder / "big.csv",
                       folder / "scored.csv") for _ in range(BATCH_RUNS)]
    result = sorted(runs, key=lambda r: r.seconds)[BATCH_RUNS // 2]      # the median run
    # the floor under batch scoring: the model's own predict on the same rows, both cores
    from threadpoolctl import threadpool_limits

    from designer.serving.validation import check_frame, predict_features, transform_frame
    from designer.serving.fastpath import scorer_for
    scorer = scorer_for(prepared.model.pipeline, prepared.schema)
    features = transform_frame(scorer, check_frame(big, prepared.schema)[0])
    times = []
    with threadpool_limits(2):
        for _ in range(BATCH_RUNS):
            started = time.perf_counter()
            predict_features(scorer, features, prepared.schema)
            times.append(time.perf_counter() - started)
    predict = statistics.median(times)
    return {"rows": result.rows, "seconds": result.seconds, "rps": result.rows_per_second,
            "predict": predict}


def run(requests: int = 2000) -> str:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="mlwire-bench-serving-") as tmp:
        folder = Path(tmp)
        project, row = _prepare(folder)
        body = json.dumps({"rows": [row]}).encode()
        print("  mlwire serve ...", file=sys.stderr, flush=True)
        results = {"mlwire serve": _mlwire(project, body, requests)}
        print("  floor (minimal FastAPI + DataFrame) ...", file=sys.stderr, flush=True)
        results["floor: FastAPI + pipeline.predict"] = _floor(folder, project, body, requests)
        print("  MLflow ...", file=sys.stderr, flush=True)
        mlflow = _mlflow(folder, project, row, requests)
        if mlflow is not None:
            results["MLflow models serve (local env)"] = mlflow
        print("  batch ...", file=sys.stderr, flush=True)
        batch = _batch(folder, project)
    lines = [
        "## Serving (`python -m bench serving`)",
        "",
        f"Churn example model (4 column steps + HistGradientBoosting), one row per request, "
        f"{requests} sequential requests on one keep-alive connection to 127.0.0.1; "
        f"{machine()}; load average at the start {load_before:.1f} (other work on the machine "
        "slows every server alike; compare the rows with each other).",
        "",
        "| server | requests/s | p50 ms | p99 ms | start-up s |",
        "|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
                     f"{r['startup']:.1f} |")
    mine = results["mlwire serve"]
    lines += ["", f"`mlwire serve` fast path: {mine.get('fast_path')}. The floor and MLflow call "
              "the model's own scikit-learn Pipeline per request: its column steps run "
              "scikit-learn's input checks column by column, which is what the fast path "
              "avoids. The client sets TCP_NODELAY, as curl and urllib3 do (Python's "
              "http.client alone waits 40 ms per request for a delayed ACK). Start-up is from "
              "launch to the first answer of a model registered just before: registration "
              "keeps its serving snapshot, so the server starts without importing "
              "scikit-learn."]
    if mlflow is not None:
        lines.append(f"Throughput against MLflow: {mine['rps'] / mlflow['rps']:.1f}x "
                     "(target: at least 4x).")
    lines += ["", f"Batch scoring (`mlwire predict`, CSV in and out, median of {BATCH_RUNS} "
              f"runs): {batch['rows']:,} rows in {batch['seconds']:.2f} s = "
              f"{batch['rps']:,.0f} rows/s (target 200,000); the model's own predict on the "
              f"same rows, both cores, takes {batch['predict']:.2f} s of that."]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    requests = int(argv[0]) if argv and argv[0].isdigit() else 2000
    text = run(requests)
    print(text)
    write_section("serving", text)
