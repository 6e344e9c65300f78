"""The `mlwire` command: run, validate, export and list nodes headless; open the designer."""
from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class UsageError(Exception):
    """Bad command-line input: exit 2 with the message."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mlwire", description="MLWire: a local, visual "
                                     "machine-learning pipeline designer.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of failures")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("open", help="open the designer")
    p.add_argument("project", nargs="?", help="a project (.mlw) or pipeline (.pipeline.json) file")

    p = sub.add_parser("run", help="run a pipeline headless")
    p.add_argument("target", help="a project file (.mlw) or a pipeline file (.pipeline.json)")
    p.add_argument("--project", help="project file to record the run in (default: beside the "
                                     "pipeline file, with the same name)")
    p.add_argument("--pipeline", help="which pipeline of the project to run")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="NODE.PARAM=VALUE",
                   help="override a node parameter for this run (repeatable)")
    p.add_argument("--no-cache", action="store_true", help="recompute every node")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    p = sub.add_parser("validate", help="check a pipeline without running it")
    p.add_argument("target")
    p.add_argument("--pipeline")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("export", help="write a standalone Python script")
    p.add_argument("target")
    p.add_argument("--pipeline")
    p.add_argument("-o", "--output", required=True, metavar="SCRIPT.py")

    p = sub.add_parser("nodes", help="list the node catalog")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true")
    group.add_argument("--markdown", action="store_true")

    p = sub.add_parser("trust", help="review and trust the script, database, URL and export "
                                     "nodes of a file that came from elsewhere")
    p.add_argument("file", help="a pipeline (.pipeline.json) or project (.mlw) file")
    p.add_argument("--yes", action="store_true", help="trust without asking (after showing)")

    from . import cli_tracking      # runs, show, compare, tag, clone, register, models, ...
    cli_tracking.add_parsers(sub)
    from . import cli_automl        # automl
    cli_automl.add_parser(sub)
    from . import cli_serving       # serve, predict, bundle
    cli_serving.add_parsers(sub)
    from . import cli_history       # history
    cli_history.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    import multiprocessing
    multiprocessing.freeze_support()
    parser = _parser()
    args = parser.parse_args(argv)
    command = args.command or "open"
    try:
        if command == "open":
            return _open(getattr(args, "project", None))
        from .cli_tracking import HANDLERS as tracking
        from .cli_serving import HANDLERS as serving
        from .cli_history import handle as history
        handler = {"run": _run, "validate": _validate, "export": _export, "nodes": _nodes,
                   "trust": _trust, **tracking, "automl": _automl,
                   "register-candidate": _register_candidate, **serving,
                   "history": history}[command]
        return handler(args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:         # `mlwire runs ... | head`: the reader stopped; not an error
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # every failure becomes a message; the traceback only with --debug
        return _report(exc, args.debug)


def _report(exc: Exception, debug: bool) -> int:
    from designer.model.errors import PipelineError
    from nodes.registry import UnknownNodeType
    known = (UsageError, PipelineError, UnknownNodeType) + _store_errors()
    if debug:
        traceback.print_exc()
    if isinstance(exc, known):
        print(f"mlwire: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"mlwire: internal error: {type(exc).__name__}: {exc}"
          + ("" if debug else " (run with --debug for the traceback)"), file=sys.stderr)
    return EXIT_FAILED


def _store_errors() -> tuple:
    try:
        from designer.store import ProjectError
        return (ProjectError,)
    except ImportError:
        return ()


# -- loading targets --------------------------------------------------------------------------
def _is_pipeline_file(path: Path) -> bool:
    return path.name.endswith(".json")


def _default_project_for(pipeline_file: Path) -> Path:
    name = pipeline_file.name
    stem = name[: -len(".pipeline.json")] if name.endswith(".pipeline.json") else pipeline_file.stem
    return pipeline_file.with_name(stem + ".mlw")


def _load_target(target: str, pipeline_name: str | None):
    """(pipeline, base_dir, project path or None) for a pipeline file or a project file."""
    from designer.model import load_pipeline, pipeline_from_json
    path = Path(target)
    if _is_pipeline_file(path):
        return load_pipeline(path), path.resolve().parent, None
    if not path.exists():
        raise UsageError(f"{path}: no such file. Give a pipeline file (.pipeline.json) or a "
                         "project file (.mlw).")
    from designer.store import Project
    with Project.open(path, create=False, read_only=True) as project:
        names = project.pipelines.names()
        if pipeline_name is None:
            if len(names) != 1:
                raise UsageError(f"{path} holds {len(names)} pipelines ({', '.join(names) or 'none'}); "
                                 "choose one with --pipeline NAME.")
            pipeline_name = names[0]
        if pipeline_name not in names:
            raise UsageError(f"{path} has no pipeline '{pipeline_name}'. "
                             f"Its pipelines: {', '.join(names) or 'none'}.")
        doc = project.pipelines.get(pipeline_name)
    return pipeline_from_json(doc, source=f"{path} (pipeline '{pipeline_name}')"), \
        path.resolve().parent, path


def parse_overrides(pipeline, sets: list[str]) -> dict[str, dict]:
    """`--set NODE.PARAM=VALUE` items, parsed by each parameter's own declaration."""
    overrides: dict[str, dict] = {}
    for item in sets:
        target, sep, text = item.partition("=")
        node_id, dot, param = target.rpartition(".")
        if not sep or not dot or not node_id or not param:
            raise UsageError(f"--set {item!r}: write it as NODE.PARAM=VALUE, e.g. split.fraction=0.8.")
        if node_id not in pipeline:
            raise UsageError(f"--set {item!r}: there is no node '{node_id}'. Nodes: "
                             f"{', '.join(n.id for n in pipeline.nodes)}.")
        node_type = pipeline.node_type(node_id)
        decl = node_type.param(param)
        if decl is None:
            raise UsageError(f"--set {item!r}: {pipeline.display_name(node_id)} has no parameter "
                             f"'{param}'. Its parameters: "
                             f"{', '.join(p.name for p in node_type.params) or 'none'}.")
        overrides.setdefault(node_id, {})[param] = decl.parse_text(text)
    return overrides


# -- commands ---------------------------------------------------------------------------------
def _print_findings(findings, stream=sys.stderr) -> None:
    for f in findings:
        print(f"{f.severity}: {f.message}", file=stream)


def _run(args) -> int:
    from designer.engine.pool import WorkerPool
    pool = WorkerPool()
    target = Path(args.target)
    guess = (Path(args.project) if args.project else _default_project_for(target)) \
        if _is_pipeline_file(target) else target
    if args.no_cache or not (guess.parent / (guess.name + "-cache")).is_dir():
        # Surely work to do: a worker imports pandas and scikit-learn while we load and check.
        pool.ensure_started(1)
    try:
        return _run_with_pool(args, pool)
    finally:
        pool.close()


def _run_with_pool(args, pool) -> int:
    from designer.engine import Engine, check, errors_of
    from .progress import ProgressPrinter

    pipeline, base_dir, project_path = _load_target(args.target, args.pipeline)
    overrides = parse_overrides(pipeline, args.sets)
    if project_path is None:
        project_path = Path(args.project) if args.project else _default_project_for(Path(args.target))
    overrides = _resolve_assets(pipeline, overrides, project_path)
    findings = check(pipeline, base_dir, overrides)
    if errors_of(findings):
        _print_findings(findings)
        print(f"mlwire: the pipeline has {len(errors_of(findings))} error(s); nothing was run.",
              file=sys.stderr)
        return EXIT_INVALID
    _print_findings(findings)
    engine = Engine(cache_dir=project_path.parent / (project_path.name + "-cache"), pool=pool)
    if not pool.workers and engine.will_compute(pipeline, base_dir, overrides=overrides,
                                                use_cache=not args.no_cache):
        # A worker imports pandas and scikit-learn while this process opens the project.
        engine.pool.ensure_started(1)
    from designer.store import Project, RunRecorder
    with Project.open(project_path, create=True) as project:
        project.pipelines.save(pipeline.name, pipeline.to_json())
        recorder = RunRecorder(project)
        printer = ProgressPrinter(pipeline, sys.stderr)

        def listener(event) -> None:
            recorder(event)
            printer(event)

        try:
            result = engine.run(pipeline, base_dir, overrides=overrides,
                                use_cache=not args.no_cache, listener=listener)
        finally:
            engine.close()
    if args.json:
        print(json.dumps(_result_json(result, project_path), indent=2))
    else:
        _print_summary(result, project_path)
    return EXIT_OK if result.status == "succeeded" else EXIT_FAILED


def _resolve_assets(pipeline, overrides: dict, project_path: Path) -> dict:
    """Paths written `asset:NAME@latest` become the registered file (see docs/tracking.md)."""
    from designer.asset_refs import asset_refs, resolve_asset_overrides
    if not asset_refs(pipeline, overrides):
        return overrides
    if not project_path.exists():
        raise UsageError(f"The pipeline reads data assets, but the project {project_path} does "
                         "not exist yet. Register the data first: mlwire assets PROJECT add NAME FILE.")
    from designer.store import Project
    with Project.open(project_path, read_only=True) as project:
        return resolve_asset_overrides(pipeline, overrides, project.assets.resolve)


def _result_json(result, project_path: Path) -> dict:
    return {
        "run_id": result.run_id, "status": result.status, "project": str(project_path),
        "seconds": round(result.seconds, 3),
        "nodes": {n: {"status": s, "seconds": round(result.node_seconds.get(n, 0.0), 4),
                      **({"error": result.errors[n]} if n in result.errors else {})}
                  for n, s in result.node_states.items()},
        "metrics": result.flat_metrics(),
    }


def _print_summary(result, project_path: Path) -> None:
    print(f"Run {result.run_id} {result.status} in {result.seconds:.2f} s "
          f"(recorded in {project_path}).")
    for node_id, values in result.flat_metrics().items():
        shown = ", ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in values.items())
        print(f"  {node_id}: {shown}")
    for node_id, message in result.errors.items():
        print(f"  failed: {message}")


def _validate(args) -> int:
    from designer.engine import check, errors_of
    pipeline, base_dir, _ = _load_target(args.target, args.pipeline)
    findings = check(pipeline, base_dir)
    if args.json:
        print(json.dumps([f.__dict__ for f in findings], indent=2))
    elif findings:
        _print_findings(findings, sys.stdout)
    else:
        print(f"{pipeline.name}: no problems found ({len(pipeline.nodes)} nodes).")
    return EXIT_INVALID if errors_of(findings) else EXIT_OK


def _export(args) -> int:
    from designer.export import export_script
    pipeline, base_dir, _ = _load_target(args.target, args.pipeline)
    out = Path(args.output)
    if not out.parent.is_dir():
        raise UsageError(f"-o {out}: the folder {out.parent} does not exist. Create it first, "
                         "or write the script somewhere else.")
    source = export_script(pipeline, base_dir, out)
    out.write_text(source, encoding="utf-8")
    print(f"Wrote {out} ({len(source.splitlines())} lines). Run it with: python {out}")
    return EXIT_OK


def _nodes(args) -> int:
    from .catalog import catalog_json, catalog_markdown, catalog_text
    from nodes.registry import registry
    if args.json:
        print(json.dumps(catalog_json(registry), indent=2))
    elif args.markdown:
        print(catalog_markdown(registry))
    else:
        print(catalog_text(registry))
    for problem in registry.problems:
        print(problem, file=sys.stderr)
    return EXIT_OK


def _automl(args) -> int:
    from .cli_automl import run_automl_command
    return run_automl_command(args)


def _register_candidate(args) -> int:
    from .cli_automl import register_candidate_command
    return register_candidate_command(args)


def _trust(args) -> int:
    from designer.trust import trust_file
    return trust_file(args.file, yes=args.yes)


def _open(project: str | None) -> int:
    from designer.gui.app import main as gui_main
    return gui_main(project)


if __name__ == "__main__":
    sys.exit(main())
