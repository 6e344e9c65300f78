"""`mlwire automl DATA.csv --label COLUMN`: AutoML without drawing a pipeline.

It writes a pipeline file (Import CSV -> Split Data -> AutoML -> Score Model -> Evaluate Model),
runs it through the engine exactly as `mlwire run` does (so the run, its logs, the leaderboard
and the model are recorded in the project), prints the leaderboard and the held-out metrics,
and pins the winner in the pipeline file: running or exporting that file then refits just the
winner. Ctrl+C (or a crash) keeps the best candidate so far: the search logs each new best as
it is found, and this command pins the last one it saw.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["add_parser", "run_automl_command", "register_candidate_command"]


def _usage(message: str) -> Exception:
    """Reported by designer/cli.py as a message with exit 2. (Its UsageError is another class
    when the CLI runs as `python -m designer.cli`, i.e. as __main__; PipelineError is not.)"""
    from designer.model.errors import PipelineError
    return PipelineError(message)

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
NODE = "automl"


def add_parser(sub) -> None:
    p = sub.add_parser("automl", help="search models for a CSV file and record the best")
    p.add_argument("data", help="a CSV file with a header row")
    p.add_argument("--label", required=True, help="the column to predict")
    p.add_argument("--task", default="auto", choices=("auto", "classification", "regression"))
    p.add_argument("--budget", type=float, default=60.0, metavar="SECONDS",
                   help="time budget of the search, refit included (default 60)")
    p.add_argument("--metric", default="auto", help="primary metric (default: roc_auc for two "
                   "classes, accuracy for more, r2 for regression)")
    p.add_argument("--max-trials", type=int, default=None, help="stop after this many trials")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--test-fraction", type=float, default=0.2,
                   help="rows held out to report the winner's score (0: none)")
    p.add_argument("--no-ensemble", action="store_true", help="never pick a voting ensemble")
    p.add_argument("--project", help="project file to record the run in (default: beside the "
                   "CSV, named after it)")
    p.add_argument("-o", "--output", metavar="PIPELINE.json", help="pipeline file to write "
                   "(default: beside the CSV, <name>.automl.pipeline.json)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    p = sub.add_parser("register-candidate", help="refit any leaderboard candidate of an AutoML "
                       "or tuning node in a run, and register it")
    p.add_argument("project")
    p.add_argument("--run", required=True, help="the run (id or unique prefix)")
    p.add_argument("--node", default=NODE, help=f"the AutoML or tuning node (default {NODE})")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--candidate", type=int, metavar="RANK", help="its leaderboard rank "
                       "(1 = the winner)")
    which.add_argument("--trial", type=int, help="its trial number")
    p.add_argument("--name", required=True, help="model name (a new version if it exists)")
    p.add_argument("--base-dir", help="folder the run's relative paths resolve against "
                   "(default: the project's folder)")
    p.add_argument("--description", default="")
    p.add_argument("--json", action="store_true")


def register_candidate_command(args) -> int:
    """`mlwire register-candidate`: refit the candidate as a recorded run, then register it."""
    from designer.automl.candidates import CandidateError, register_candidate
    from designer.store import Project
    from .progress import ProgressPrinter
    path = Path(args.project)
    if not path.is_file():
        raise _usage(f"{path}: no such project file.")
    with Project.open(path) as project:
        run_id = project.runs.resolve_id(args.run)
        try:
            done = register_candidate(
                project, run_id, args.node, args.name, rank=args.candidate, trial=args.trial,
                base_dir=args.base_dir, description=args.description,
                listener=_stderr_progress(ProgressPrinter, project, run_id))
        except CandidateError as exc:
            print(f"mlwire: {exc}", file=sys.stderr)
            return EXIT_FAILED
    v = done.version
    if args.json:
        print(json.dumps({"model": v.model, "version": v.version, "refit_run": done.refit_run,
                          "source_run": done.source_run, "node": done.node_id,
                          "trial": done.trial, "candidate": done.candidate,
                          "warnings": done.warnings}, indent=2))
    else:
        print(f"Registered {v.model}:{v.version}: {done.candidate}\n  refitted in run "
              f"{done.refit_run} from trial {done.trial} of '{done.node_id}' in run "
              f"{done.source_run}.")
        for warning in done.warnings:
            print(f"  warning: {warning}")
    return EXIT_OK


def _stderr_progress(printer_class, project, run_id):
    from designer.model import pipeline_from_json
    try:
        return printer_class(pipeline_from_json(project.runs.get(run_id).pipeline), sys.stderr)
    except Exception:   # progress is a courtesy; the command works without it
        return None


def _pipeline_doc(csv: Path, out: Path, args, stratify: str | None) -> dict:
    import os
    path = Path(os.path.relpath(csv.resolve(), out.resolve().parent)).as_posix()
    automl = {"label_column": args.label, "task": args.task, "metric": args.metric,
              "time_budget": args.budget, "max_trials": args.max_trials, "seed": args.seed,
              "ensembling": not args.no_ensemble}
    nodes = [{"id": "data", "type": "import_csv", "params": {"path": path}}]
    edges = []
    if args.test_fraction > 0:
        nodes += [{"id": "split", "type": "split_data",
                   "params": {"fraction": round(1 - args.test_fraction, 6), "seed": args.seed,
                              "stratify_column": stratify}},
                  {"id": NODE, "type": "automl", "params": automl},
                  {"id": "score", "type": "score_model", "params": {}},
                  {"id": "evaluate", "type": "evaluate_model", "params": {}}]
        edges += [_edge("data", "data", "split", "data"), _edge("split", "train", NODE, "data"),
                  _edge(NODE, "model", "score", "model"), _edge("split", "test", "score", "data"),
                  _edge("score", "data", "evaluate", "data")]
    else:
        nodes.append({"id": NODE, "type": "automl", "params": automl})
        edges.append(_edge("data", "data", NODE, "data"))
    return {"format": "mlwire.pipeline/1", "name": f"automl-{csv.stem}", "nodes": nodes,
            "edges": edges}


def _edge(source, source_port, target, target_port) -> dict:
    return {"source": source, "source_port": source_port, "target": target,
            "target_port": target_port}


def _stratify(csv: Path, label: str, task: str) -> str | None:
    """The label, when the task is (or looks like) classification, so the split keeps class
    shares; a usage error (exit 2) when the file or the column is not there."""
    from nodes import ops
    try:
        df = ops.read_csv(csv)
    except ops.DataError as exc:
        raise _usage(str(exc)) from None
    if label not in df.columns:
        raise _usage(f"--label {label!r}: {csv} has no such column. Its columns: "
                         + ", ".join(map(str, df.columns)) + ".")
    y = df[label].dropna()
    if task == "regression":
        return None
    import pandas as pd
    numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    classes = y.nunique()
    if task == "auto" and numeric and classes > 20:
        return None
    return label if classes >= 2 and y.value_counts().min() >= 2 else None


def run_automl_command(args) -> int:
    from designer.automl import BEST_MARK, format_leaderboard
    from designer.engine import Engine, check, errors_of
    from designer.engine.events import NodeLog
    from designer.model import pipeline_from_json
    from designer.store import Project, RunRecorder
    from .cli import _print_findings
    from .progress import ProgressPrinter

    csv = Path(args.data)
    if not csv.is_file():
        raise _usage(f"{csv}: no such file. Give a CSV file with a header row.")
    if not 0 <= args.test_fraction < 0.9:
        raise _usage("--test-fraction must be at least 0 and below 0.9.")
    stem = csv.name[:-4] if csv.name.lower().endswith(".csv") else csv.stem
    out = Path(args.output) if args.output else csv.with_name(f"{stem}.automl.pipeline.json")
    project_path = Path(args.project) if args.project else csv.with_name(f"{stem}.mlw")
    doc = _pipeline_doc(csv, out, args, _stratify(csv, args.label, args.task))
    pipeline = pipeline_from_json(doc, source=str(out))
    base_dir = out.resolve().parent
    findings = check(pipeline, base_dir)
    if errors_of(findings):
        _print_findings(findings)
        return EXIT_INVALID
    out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    best_so_far: list[dict] = []

    def watch(event) -> None:
        if isinstance(event, NodeLog) and event.node_id == NODE:
            for line in event.text.splitlines():
                if line.startswith(BEST_MARK):
                    best_so_far.append(json.loads(line[len(BEST_MARK):]))

    engine = Engine(cache_dir=project_path.parent / (project_path.name + "-cache"))
    engine.pool.ensure_started(1)
    board, details = None, {}
    with Project.open(project_path, create=True) as project:
        project.pipelines.save(pipeline.name, pipeline.to_json())
        recorder = RunRecorder(project)
        printer = ProgressPrinter(pipeline, sys.stderr)

        def listener(event) -> None:
            recorder(event)
            printer(event)
            watch(event)

        try:
            result = engine.run(pipeline, base_dir, use_cache=False, listener=listener)
            if result.node_states.get(NODE) == "done":
                board = engine.output(NODE, "leaderboard")
                details = board.details
        finally:
            engine.close()
    pin = details.get("best") or (best_so_far[-1] if best_so_far else None)
    if pin is not None:
        for node in doc["nodes"]:
            if node["id"] == NODE:
                node["params"]["candidate"] = pin
        out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    metrics = result.flat_metrics().get("evaluate", {})
    if args.json:
        print(json.dumps({"run_id": result.run_id, "status": result.status,
                          "project": str(project_path), "pipeline": str(out),
                          "metric": details.get("metric"), "best": pin,
                          "held_out": metrics, "guardrails": details.get("guardrails", []),
                          "leaderboard": [] if board is None else
                          json.loads(board.df.to_json(orient="records"))}, indent=2))
    else:
        _print_report(result, board, details, metrics, pin, out, project_path,
                      format_leaderboard)
    return EXIT_OK if result.status == "succeeded" else EXIT_FAILED


def _print_report(result, board, details, metrics, pin, out, project_path, fmt) -> None:
    for g in details.get("guardrails", []):
        print(f"guardrail: {g['message']}")
    if board is not None:
        print(f"\nLeaderboard ({details['metric']}, {details['validation']}, "
              f"{len(details['trials'])} trials in {details['elapsed_seconds']:.1f} s, "
              f"stopped: {details['stopped']}):")
        print(fmt(board.df, details["metric"]))
    if metrics:
        shown = ", ".join(f"{k}={v:.4f}" for k, v in metrics.items() if isinstance(v, float))
        print(f"\nHeld-out rows: {shown}")
    print(f"\nRun {result.run_id} {result.status}, recorded in {project_path}.")
    for message in result.errors.values():
        print(f"  failed: {message}")
    if pin is not None:
        kept = "the best so far" if result.status != "succeeded" else "the winner"
        print(f"Pinned {kept} ({pin['candidate']}) in {out}: `mlwire run {out}` refits it, "
              f"`mlwire export {out} -o model.py` writes it as a script.")
