"""Tracking benchmark: logging runs against MLflow's SQLite store, listing 10,000 runs from the
CLI, storing a model with its environment record. `python -m bench tracking`."""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from .timing import MLWIRE, ROOT, interleaved, machine, median, timed, write_section

SCRIPTS = Path(__file__).with_name("tracking_scripts")
MLFLOW_PYTHON = Path(os.environ.get("MLFLOW_VENV", "/tmp/mlflow-venv")) / "bin" / "python"
EXAMPLES = ROOT / "assets" / "examples"
RUNS, LISTED = 200, 10_000


def _json_of(cmd: list[str], cwd: Path) -> tuple[float, dict]:
    """(whole-process seconds, the JSON the script printed on its last line)."""
    import time
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{done.stderr[-3000:]}")
    return seconds, json.loads(done.stdout.strip().splitlines()[-1])


def _mlflow_version() -> str | None:
    if not MLFLOW_PYTHON.exists():
        return None
    done = subprocess.run([str(MLFLOW_PYTHON), "-c", "import mlflow; print(mlflow.__version__)"],
                          capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def _logging(folder: Path, repeats: int, mlflow: str | None) -> dict:
    results: dict[str, list] = {"mlwire": []}
    variants = {"mlwire": lambda i: _json_of([sys.executable, str(SCRIPTS / "log_mlwire.py"),
                                              f"log{i}.mlw", str(RUNS)], folder)}
    if mlflow:
        results["mlflow"] = []
        variants["mlflow"] = lambda i: _json_of([str(MLFLOW_PYTHON), str(SCRIPTS / "log_mlflow.py"),
                                                 f"mlflow{i}.db", str(RUNS)], folder)
    for i in range(repeats):                    # A B A B ...
        for name, run in variants.items():
            results[name].append(run(i))
            print(f"  log {name} #{i + 1}: {results[name][-1][1]['seconds']:.2f} s",
                  file=sys.stderr, flush=True)
    return results


def _cpu_timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child: user + system). CPU time barely moves when other
    work shares the machine, so it shows the listing's own cost where wall time cannot."""
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(cmd, cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _make_big_project(path: Path) -> None:
    from designer.store import NewRun, Project
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    runs = (NewRun(f"run{i:05d}", {"name": rng.choice(["churn", "iris"]), "nodes": []},
                   params={"train": {"label_column": rng.choice(["species", "churned"])},
                           "model": {f"param_{k}": rng.random() for k in range(8)}},
                   metrics={"evaluate": {f"metric_{k}": rng.random() for k in range(18)}
                            | {"accuracy": rng.random(), "f1": rng.random()}},
                   status="failed" if i % 13 == 0 else "succeeded",
                   started_at=start + timedelta(seconds=i), seconds=rng.random() * 10,
                   tags={"stage": "prod"} if i % 50 == 0 else {})
            for i in range(LISTED))
    with Project.open(path, create=True) as project:
        project.runs.log_many(runs)


def _listing(folder: Path, repeats: int) -> dict[str, list[float]]:
    _make_big_project(folder / "big.mlw")
    query = 'metrics.accuracy > 0.9 and params.train.label_column = "species"'
    cpu: dict[str, list[float]] = {"start": [], "list": [], "filter": []}

    def both(name: str, cmd: list[str]) -> float:
        wall, seconds = _cpu_timed(cmd, folder)
        cpu[name].append(seconds)
        return wall
    walls = interleaved({
        "start": lambda: both("start", [sys.executable, "-c", "import designer.cli, "
                                        "designer.store, designer.tracking, designer.cli_tracking"]),
        "list": lambda: both("list", [*MLWIRE, "runs", "big.mlw", "--json"]),
        "filter": lambda: both("filter", [*MLWIRE, "runs", "big.mlw", "--filter", query,
                                          "--sort=-metrics.f1", "--limit", "20"]),
    }, repeats)
    return {**walls, **{f"{k}_cpu": v for k, v in cpu.items()}}


def _models(folder: Path, repeats: int, mlflow: str | None) -> dict:
    for name in ("churn.csv", "churn.pipeline.json"):
        shutil.copy(EXAMPLES / name, folder / name)
    out = {"mlwire": _json_of([sys.executable, str(SCRIPTS / "store_model_mlwire.py"),
                               str(folder), str(repeats)], folder)[1]}
    if mlflow:
        out["mlflow"] = _json_of([str(MLFLOW_PYTHON), str(SCRIPTS / "store_model_mlflow.py"),
                                  "churn.csv", "models.db", str(min(repeats, 3))], folder)[1]
    return out


def run(repeats: int = 5) -> str:
    mlflow = _mlflow_version()
    with tempfile.TemporaryDirectory(prefix="mlwire-bench-tracking-") as tmp:
        folder = Path(tmp)
        print(f"logging {RUNS} runs (mlflow: {mlflow or 'not installed'})", file=sys.stderr)
        logged = _logging(folder, max(3, repeats // 2 + 1), mlflow)
        print(f"listing {LISTED} runs from the CLI", file=sys.stderr)
        listed = _listing(folder, repeats)
        print("storing a model", file=sys.stderr)
        models = _models(folder, repeats, mlflow)
    return _report(logged, listed, models, mlflow, repeats)


def _report(logged: dict, listed: dict, models: dict, mlflow: str | None, repeats: int) -> str:
    def loop(name: str) -> float:
        return median([r[1]["seconds"] for r in logged[name]])

    def whole(name: str) -> float:
        return median([r[0] for r in logged[name]])

    ours = loop("mlwire")
    rows = [f"| MLWire `project.runs.log` | {RUNS / ours:,.0f} runs/s ({ours:.2f} s) | "
            f"{whole('mlwire'):.2f} s | " + (f"{loop('mlflow') / ours:.0f}x MLflow; target >= 20x: "
                                             f"{'met' if loop('mlflow') / ours >= 20 else '**not met**'}"
                                             if mlflow else "MLflow not installed") + " |"]
    if mlflow:
        theirs = loop("mlflow")
        rows.append(f"| MLflow {mlflow} `MlflowClient` (create_run + log_batch + set_terminated), "
                    f"SQLite | {RUNS / theirs:,.0f} runs/s ({theirs:.2f} s) | "
                    f"{whole('mlflow'):.2f} s | baseline |")
    start, lst, flt = (median(listed[k]) for k in ("start", "list", "filter"))
    cstart, clst, cflt = (median(listed[f"{k}_cpu"]) for k in ("start", "list", "filter"))

    def verdict(seconds: float, target: float = 0.5) -> str:
        return "met" if seconds < target else "**not met**"

    m = models["mlwire"]
    model_rows = [f"| MLWire: record the run with its model file and environment (one commit) | "
                  f"{m['store'] * 1000:.0f} ms | target < 200 ms: {verdict(m['store'], 0.2)} |",
                  f"| MLWire: register it (model checked through the skops gate, signature, "
                  f"environment copied) | {m['register'] * 1000:.0f} ms | |"]
    if "mlflow" in models:
        model_rows.append(f"| MLflow {mlflow} `mlflow.sklearn.log_model` (comparable Pipeline, "
                          f"with input example) | {models['mlflow']['log_model'] * 1000:.0f} ms | "
                          "baseline |")
    return f"""
## Tracking ({date.today().isoformat()}, Python {machine()}; medians, A/B interleaved)

**Logging {RUNS} runs** of 10 parameters and 20 metrics, one durable transaction per run
(SQLite WAL, `synchronous=FULL`); the loop timed inside the process, whole process beside it.

| store | logging rate (loop) | whole process | ratio |
|---|---|---|---|
{chr(10).join(rows)}

**Listing {LISTED:,} runs from the CLI** (each with 10 parameters and 20 metrics), whole process;
"process start" is Python importing the modules the command uses. Wall time, and the CPU time
(user + system) of the process, which other work on a shared machine barely moves.

| command | median wall | beyond process start | median CPU | CPU beyond start | target |
|---|---|---|---|---|---|
| process start (`python -c "import designer.cli, designer.store, designer.tracking, ..."`) | {start:.2f} s | | {cstart:.2f} s | | |
| `mlwire runs big.mlw --json` (all {LISTED:,} runs, with metrics and tags) | {lst:.2f} s | {lst - start:.2f} s | {clst:.2f} s | {clst - cstart:.2f} s | < 0.5 s: {verdict(lst - start)} (wall), {verdict(clst - cstart)} (CPU) |
| `mlwire runs big.mlw --filter '<metric and param>' --sort=-metrics.f1 --limit 20` | {flt:.2f} s | {flt - start:.2f} s | {cflt:.2f} s | {cflt - cstart:.2f} s | < 0.5 s: {verdict(flt - start)} (wall), {verdict(cflt - cstart)} (CPU) |

**Storing a trained model** (the churn example's boosted trees, {m['bytes']:,} bytes of skops),
timed inside the process (median of {repeats}); the environment is captured once per process.

| step | median | |
|---|---|---|
{chr(10).join(model_rows)}

Raw: logging (whole s, loop s) {json.dumps({k: [[round(a, 2), round(b['seconds'], 2)] for a, b in v] for k, v in logged.items()})};
listing (s; `_cpu` = CPU seconds) {json.dumps({k: [round(x, 2) for x in v] for k, v in listed.items()})}.
"""


def main(argv: list[str]) -> None:
    repeats = int(argv[0]) if argv else 5
    write_section("tracking", run(repeats))
    print("Wrote docs/benchmarks.md", file=sys.stderr)
