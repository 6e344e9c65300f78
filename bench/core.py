"""Core engine benchmark: `mlwire run` against the exported script, reruns, parallel branches."""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

from .timing import MLWIRE, ROOT, interleaved, machine, median, timed, write_section

EXAMPLES = ROOT / "assets" / "examples"


def _prepare(folder: Path, rows: int) -> None:
    sys.path.insert(0, str(EXAMPLES))
    from make_data import churn
    churn(rows).to_csv(folder / "churn.csv", index=False)
    shutil.copy(EXAMPLES / "churn.pipeline.json", folder / "churn.pipeline.json")
    doc = json.loads((EXAMPLES / "churn.pipeline.json").read_text())
    # Two independent training branches on the same prepared table.
    doc["name"] = "two-branches"
    doc["nodes"] += [
        {"id": "forest", "type": "random_forest_classifier",
         "params": {"n_estimators": 40, "max_depth": 12}},
        {"id": "train_forest", "type": "train_model", "params": {"label_column": "churned"}},
    ]
    doc["edges"] += [
        {"source": "forest", "source_port": "learner", "target": "train_forest",
         "target_port": "learner"},
        {"source": "scale", "source_port": "data", "target": "train_forest", "target_port": "data"},
    ]
    (folder / "branches.pipeline.json").write_text(json.dumps(doc, indent=1))


def run(rows: int = 200_000, repeats: int = 5) -> str:
    with tempfile.TemporaryDirectory(prefix="mlwire-bench-") as tmp:
        folder = Path(tmp)
        _prepare(folder, rows)
        timed([*MLWIRE, "export", "churn.pipeline.json", "-o", "churn_script.py"], folder)
        project = ["--project", "bench.mlw"]
        print(f"mlwire run vs exported script, {rows} rows", file=sys.stderr)
        first = interleaved({
            "mlwire run": lambda: timed([*MLWIRE, "run", "churn.pipeline.json", *project,
                                         "--no-cache"], folder),
            "exported script": lambda: timed([sys.executable, "churn_script.py"], folder),
        }, repeats)
        print("unchanged rerun", file=sys.stderr)
        rerun = interleaved({"rerun": lambda: timed([*MLWIRE, "run", "churn.pipeline.json",
                                                     *project], folder)}, repeats)["rerun"]
        print("two training branches: parallel vs one after the other", file=sys.stderr)
        branches = interleaved({
            "parallel": lambda: timed([*MLWIRE, "run", "branches.pipeline.json", "--project",
                                       "b.mlw", "--no-cache"], folder),
            "sequential": lambda: timed([*MLWIRE, "run", "branches.pipeline.json", "--project",
                                         "b.mlw", "--no-cache"], folder,
                                        env={"MLWIRE_WORKERS": "1"}),
        }, repeats)
    run_s, script_s = median(first["mlwire run"]), median(first["exported script"])
    rerun_s = median(rerun)
    par_s, seq_s = median(branches["parallel"]), median(branches["sequential"])
    rows_fmt = f"{rows:,}"

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    return f"""
## Core engine ({date.today().isoformat()}, Python {machine()}; median of {repeats}, A/B interleaved)

Classification example (`assets/examples/churn.pipeline.json`) on {rows_fmt} generated rows,
whole process from start to exit.

| measurement | median | ratio | target |
|---|---|---|---|
| `mlwire run --no-cache` (first run) | {run_s:.2f} s | {run_s / script_s:.2f}x the script | <= 1.15x: {verdict(run_s / script_s <= 1.15)} |
| exported script (`mlwire export`) | {script_s:.2f} s | 1.00x | baseline |
| unchanged rerun (everything cached) | {rerun_s:.2f} s | {rerun_s / run_s:.1%} of the first run | < 10%: {verdict(rerun_s / run_s < 0.10)} |
| two training branches, parallel (2 workers) | {par_s:.2f} s | {par_s / seq_s:.2f}x sequential | <= 0.65x: {verdict(par_s / seq_s <= 0.65)} |
| the same, one after the other (`MLWIRE_WORKERS=1`) | {seq_s:.2f} s | 1.00x | baseline |

Raw times (s): run {[round(t, 2) for t in first['mlwire run']]}, script
{[round(t, 2) for t in first['exported script']]}, rerun {[round(t, 2) for t in rerun]},
parallel {[round(t, 2) for t in branches['parallel']]}, sequential
{[round(t, 2) for t in branches['sequential']]}.
"""


def main(argv: list[str]) -> None:
    rows = int(argv[0]) if argv else 200_000
    repeats = int(argv[1]) if len(argv) > 1 else 5
    write_section("core", run(rows, repeats))
    print("Wrote docs/benchmarks.md", file=sys.stderr)
