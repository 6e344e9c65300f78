"""The tracking commands of `mlwire`: runs, show, compare, tag, clone, register, models, alias,
assets and lock. designer/cli.py registers them (add_parsers) and dispatches (HANDLERS)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["add_parsers", "HANDLERS"]

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def add_parsers(sub) -> None:
    p = sub.add_parser("runs", help="list, filter and sort the run history")
    p.add_argument("project")
    p.add_argument("--filter", "-f", metavar="EXPR",
                   help='e.g. \'metrics.accuracy > 0.9 and tags.stage = "prod"\'')
    p.add_argument("--sort", "-s", metavar="KEY", help="e.g. --sort=-metrics.accuracy or "
                   "'metrics.evaluate.rmse asc, started_at desc' (default: newest first)")
    p.add_argument("--limit", "-n", type=int, metavar="N")
    p.add_argument("--offset", type=int, default=0, metavar="N")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("show", help="one run: nodes, metrics, data, models")
    p.add_argument("project")
    p.add_argument("run", help="a run id (or the start of one)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("compare", help="two runs side by side (parameters, metrics, graph, data)")
    p.add_argument("project")
    p.add_argument("run_a")
    p.add_argument("run_b")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("tag", help="set or remove a run's tags, or set its notes")
    p.add_argument("project")
    p.add_argument("run")
    p.add_argument("tags", nargs="*", metavar="KEY=VALUE")
    p.add_argument("--remove", action="append", default=[], metavar="KEY")
    p.add_argument("--notes", metavar="TEXT")

    p = sub.add_parser("clone", help="a past run's pipeline, as an editable pipeline")
    p.add_argument("project")
    p.add_argument("run")
    p.add_argument("--name", help='default: "<pipeline> (from run <id>)"')
    p.add_argument("-o", "--output", metavar="FILE.pipeline.json",
                   help="write it to a file (default: print it)")
    p.add_argument("--save", action="store_true", help="save it into the project's pipelines")

    p = sub.add_parser("register", help="register a run's model as a new model version")
    p.add_argument("project")
    p.add_argument("--run", required=True)
    p.add_argument("--node", required=True, help="the train node whose Model output to register")
    p.add_argument("--name", required=True)
    p.add_argument("--port", help="the Model output port (when the node has several)")
    p.add_argument("--description", default="")
    p.add_argument("--tag", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("models", help="the model registry: models, versions, edits, download")
    p.add_argument("project")
    p.add_argument("model", nargs="?", metavar="NAME[:VERSION|@ALIAS]",
                   help="a model (its versions) or one version (to show or edit)")
    p.add_argument("--description", metavar="TEXT", help="set the description (of the version "
                   "given as NAME:VERSION, or of the model given as NAME)")
    p.add_argument("--tag", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--remove-tag", action="append", default=[], metavar="KEY")
    p.add_argument("--download", metavar="NAME:VERSION",
                   help="write the version's inference pipeline as a .joblib file (-o)")
    p.add_argument("-o", "--output", metavar="FILE.joblib")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("alias", help="point an alias (champion, ...) at a model version")
    p.add_argument("project")
    p.add_argument("model")
    p.add_argument("alias")
    p.add_argument("version", nargs="?", type=int)
    p.add_argument("--remove", action="store_true")

    p = sub.add_parser("assets", help="data assets: add, list, show versions, runs that used one")
    p.add_argument("project")
    p.add_argument("action", nargs="?", default="list",
                   choices=["list", "add", "show", "runs", "resolve"])
    p.add_argument("name", nargs="?", metavar="NAME[:VERSION]")
    p.add_argument("file", nargs="?")
    p.add_argument("--description")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("lock", help="who has the project open for editing")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")


# -- helpers ----------------------------------------------------------------------------------
def _usage(message: str) -> Exception:
    # A ProjectError, which designer/cli.py reports as a message with exit 2 (its own UsageError
    # is a different class when the CLI runs as `python -m designer.cli`, i.e. as __main__).
    from designer.store import ProjectError
    return ProjectError(message)


def _open(path: str, write: bool = False):
    """Read commands open read-only (nothing in the file changes) unless it needs an upgrade."""
    from designer.store import SCHEMA_VERSION, Project
    from designer.store.header import read_header
    target = Path(path)
    if not target.exists():
        raise _usage(f"{path}: no such project file. `mlwire run PIPELINE.json` creates one "
                     "beside the pipeline file.")
    read_only = not write and read_header(target).user_version >= SCHEMA_VERSION
    project = Project.open(target, read_only=read_only)
    for notice in project.notices:
        print(notice, file=sys.stderr)
    return project


def _pairs(items: list[str], option: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise _usage(f"{option} {item!r}: write it as KEY=VALUE, e.g. stage=prod.")
        out[key.strip()] = value
    return out


def _print_json(value) -> None:
    from designer.tracking.text import jsonable
    print(json.dumps(jsonable(value), indent=2, ensure_ascii=False))


def _metric_hints(filter_text: str | None, sort_text: str | None) -> list[str]:
    from designer.tracking.filterlang import And, Compare, Not, Or, parse_filter, parse_sort
    hints: list[str] = [".".join(k.field.parts[1:]) for k in parse_sort(sort_text or "")
                        if k.field.parts[0] == "metrics"]
    stack = [parse_filter(filter_text or "")]
    while stack:
        node = stack.pop()
        if isinstance(node, (And, Or)):
            stack.extend(reversed(node.items))
        elif isinstance(node, Not):
            stack.append(node.item)
        elif isinstance(node, Compare) and node.field.parts[0] == "metrics":
            hints.append(".".join(node.field.parts[1:]))
    return hints


def _refused(exc: Exception, what: str) -> int:
    print(f"mlwire: {what} was refused: {exc} Nothing was loaded or written.", file=sys.stderr)
    return EXIT_FAILED


# -- commands ---------------------------------------------------------------------------------
def _runs(args) -> int:
    from designer.tracking import FilterError, count_runs, search_runs, search_runs_json
    from designer.tracking.text import metric_columns, runs_table
    with _open(args.project) as project:
        try:
            if args.json:   # one run per line, each made by SQLite: 10,000 runs print quickly
                lines = search_runs_json(project, args.filter, args.sort, args.limit, args.offset)
                sys.stdout.write("[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n")
                return EXIT_OK
            runs = search_runs(project, args.filter, args.sort, args.limit, args.offset)
            total = count_runs(project, args.filter)
            hints = _metric_hints(args.filter, args.sort)
        except FilterError as exc:
            raise _usage(str(exc)) from exc
    if not runs:
        print("No runs match." if args.filter else f"No runs yet in {args.project}.")
        return EXIT_OK
    print(runs_table(runs, metric_columns(runs, hints)))
    print(f"\n{len(runs)} of {total} run(s)" + (" matching the filter" if args.filter else "")
          + ".", file=sys.stderr)
    return EXIT_OK


def _show(args) -> int:
    from designer.tracking.text import run_details
    with _open(args.project) as project:
        run = project.runs.get(project.runs.resolve_id(args.run))
        models = project.registry.of_run(run.id)
        artifacts = project.artifacts.of_run(run.id)
        details = project.runs.metric_details(run.id) if args.json else {}
    if args.json:
        _print_json({"run": run, "metric_details": {k: v.to_json() for k, v in details.items()},
                     "models": artifacts, "registered": models})
    else:
        print(run_details(run, models, artifacts))
    return EXIT_OK


def _compare(args) -> int:
    from designer.tracking import compare
    from designer.tracking.text import comparison_text
    with _open(args.project) as project:
        result = compare(project, args.run_a, args.run_b)
    if args.json:
        _print_json(result.to_json())
    else:
        print(comparison_text(result))
    return EXIT_OK


def _tag(args) -> int:
    tags = _pairs(args.tags, "tag")
    if not tags and not args.remove and args.notes is None:
        raise _usage("Give tags as KEY=VALUE, --remove KEY or --notes TEXT.")
    with _open(args.project, write=True) as project:
        run_id = project.runs.resolve_id(args.run)
        for key, value in tags.items():
            project.runs.set_tag(run_id, key, value)
        for key in args.remove:
            project.runs.remove_tag(run_id, key)
        if args.notes is not None:
            project.runs.set_notes(run_id, args.notes)
        run = project.runs.get(run_id)
    print(f"Run {run_id}: tags " + (", ".join(f"{k}={v}" for k, v in run.tags.items()) or "none")
          + ("; notes set" if args.notes is not None else "") + ".")
    return EXIT_OK


def _clone(args) -> int:
    with _open(args.project, write=args.save) as project:
        run_id = project.runs.resolve_id(args.run)
        doc = project.runs.clone_pipeline(run_id, args.name)
        if args.save:
            project.pipelines.save(doc["name"], doc)
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(f"Wrote '{doc['name']}' to {args.output}. Relative file paths in it are read from "
              "that file's folder.", file=sys.stderr)
    elif not args.save:
        print(text)
    if args.save:
        print(f"Saved pipeline '{doc['name']}' in {args.project}.", file=sys.stderr)
    return EXIT_OK


def _register(args) -> int:
    from designer.artifacts import UnsafeModelError
    with _open(args.project, write=True) as project:
        run_id = project.runs.resolve_id(args.run)
        try:
            version = project.registry.register(run_id, args.node, args.name, port=args.port,
                                                description=args.description,
                                                tags=_pairs(args.tag, "--tag"))
        except UnsafeModelError as exc:
            return _refused(exc, f"The model of node '{args.node}' in run '{run_id}'")
    if args.json:
        _print_json(version)
    else:
        inputs = ", ".join(f"{c} ({t})" for c, t in version.signature)
        print(f"Registered {version.ref} from run {run_id}, node '{args.node}' "
              f"({version.task}{', label ' + version.label if version.label else ''}).")
        if version.inference_note:     # registered all the same; --json carries it too
            print(f"  imported columns: {inputs}\n  warning: {version.inference_note}")
        else:
            print(f"  takes raw rows with: {inputs}")
    return EXIT_OK


def _models(args) -> int:
    from designer.tracking.text import table, when
    if args.download:
        return _download(args)
    if args.output:
        raise _usage("-o goes with --download NAME:VERSION.")
    edits = args.description is not None or args.tag or args.remove_tag
    with _open(args.project, write=bool(edits)) as project:
        registry = project.registry
        if edits:
            if not args.model:
                raise _usage("Name the model or version to edit, e.g. `mlwire models P churn:2 "
                             "--tag stage=prod`.")
            _edit_model(registry, args)
        if not args.model:
            models = registry.models()
            if args.json:
                _print_json(models)
            elif not models:
                print("No registered models yet. Register one with `mlwire register PROJECT "
                      "--run RUN --node NODE --name NAME`.")
            else:
                print(table(["MODEL", "LATEST", "VERSIONS", "ALIASES", "UPDATED", "DESCRIPTION"],
                            [[m.name, m.latest_version, m.versions,
                              ", ".join(f"{a}->{v}" for a, v in m.aliases.items()),
                              when(m.updated_at), m.description] for m in models]))
            return EXIT_OK
        if any(c in args.model for c in ":@"):
            version = registry.get(args.model)
            _print_json(version) if args.json else print(_version_text(version))
            return EXIT_OK
        versions = registry.versions(args.model)
    if args.json:
        _print_json(versions)
    else:
        print(table(["VERSION", "ALIASES", "RUN", "NODE", "TASK", "CREATED", "TAGS",
                     "DESCRIPTION"],
                    [[v.version, ", ".join(v.aliases), v.run_id, v.node_id, v.task,
                      when(v.created_at), ", ".join(f"{k}={x}" for k, x in v.tags.items()),
                      v.description] for v in versions]))
    return EXIT_OK


def _edit_model(registry, args) -> None:
    is_version = any(c in args.model for c in ":@")
    if args.description is not None:
        if is_version:
            registry.set_description(args.model, args.description)
        else:
            registry.set_model_description(args.model, args.description)
    if (args.tag or args.remove_tag) and not is_version:
        raise _usage(f"Tags belong to a version: write {args.model}:VERSION or "
                     f"{args.model}@ALIAS.")
    for key, value in _pairs(args.tag, "--tag").items():
        registry.set_tag(args.model, key, value)
    for key in args.remove_tag:
        registry.remove_tag(args.model, key)


def _version_text(v) -> str:
    from designer.tracking.text import number, when
    metrics = "; ".join(f"{n}: " + ", ".join(f"{k}={number(x)}" for k, x in values.items())
                        for n, values in v.metrics.items())
    return "\n".join([
        f"Model {v.ref}" + (f" ({', '.join(v.aliases)})" if v.aliases else ""),
        f"  from run {v.run_id}, node '{v.node_id}' (port '{v.port}'), pipeline "
        f"'{v.pipeline_name}', registered {when(v.created_at)}",
        f"  task {v.task}" + (f", label '{v.label}'" if v.label else "")
        + (f", classes {v.classes}" if v.classes else ""),
        "  input: " + ", ".join(f"{c} ({t})" for c, t in v.signature),
        f"  metrics: {metrics or '-'}",
        "  tags: " + (", ".join(f"{k}={x}" for k, x in v.tags.items()) or "-"),
        f"  description: {v.description or '-'}",
        f"  model file: sha256 {v.sha256}",
    ])


def _download(args) -> int:
    from designer.artifacts import UnsafeModelError
    from designer.store import PICKLE_WARNING
    if not args.output:
        raise _usage("--download needs -o FILE.joblib (where to write it).")
    with _open(args.project) as project:
        try:
            version = project.registry.get(args.download)
            target = project.registry.download_joblib(version.ref, args.output)
        except UnsafeModelError as exc:
            return _refused(exc, f"Model {args.download}")
    print(f"Wrote {version.ref} (its inference pipeline, a scikit-learn Pipeline) to {target}.")
    print(PICKLE_WARNING, file=sys.stderr)
    return EXIT_OK


def _alias(args) -> int:
    with _open(args.project, write=True) as project:
        if args.remove:
            project.registry.remove_alias(args.model, args.alias)
            print(f"Removed alias '{args.alias}' of model '{args.model}'.")
            return EXIT_OK
        if args.version is None:
            raise _usage(f"Which version should '{args.alias}' point at? e.g. `mlwire alias "
                         f"PROJECT {args.model} {args.alias} 3` (or --remove).")
        version = project.registry.set_alias(args.model, args.alias, args.version)
    print(f"{args.model}@{args.alias} -> version {version.version} (run {version.run_id}).")
    return EXIT_OK


def _assets(args) -> int:
    from designer.tracking.text import table, when
    if args.action != "list" and not args.name:
        raise _usage(f"`mlwire assets PROJECT {args.action}` needs a data asset NAME.")
    if args.action == "add" and not args.file:
        raise _usage("`mlwire assets PROJECT add NAME FILE`: which file?")
    with _open(args.project, write=args.action == "add") as project:
        assets = project.assets
        if args.action == "add":
            version, new = assets.add(args.name, args.file, args.description)
            result = version
            text = (f"Registered {args.file} as data asset {version.ref} ({version.rows} rows, "
                    f"{version.columns} columns, sha256 {version.sha256[:12]})." if new else
                    f"{args.file} is unchanged since {version.ref}; no new version.")
        elif args.action == "show":
            result = assets.versions(args.name)
            text = table(["VERSION", "ROWS", "COLUMNS", "SHA256", "ADDED", "FILE"],
                         [[v.version, v.rows, v.columns, v.sha256[:12], when(v.created_at),
                           v.uri] for v in result])
        elif args.action == "runs":
            result = assets.runs_using(args.name)
            text = table(["RUN", "PIPELINE", "STATUS", "STARTED", "NODE", "VERSION", "PATH"],
                         [[u.run_id, u.pipeline_name, u.status, when(u.started_at), u.node_id,
                           u.asset_version, u.path] for u in result]) if result else \
                f"No recorded run read data asset '{args.name}'."
        elif args.action == "resolve":
            result = assets.resolve(args.name)
            text = f"{result.name}:{result.version} {result.path} sha256 {result.sha256}"
        else:
            result = assets.list()
            text = table(["ASSET", "LATEST", "VERSIONS", "ROWS", "COLUMNS", "FILE"],
                         [[a.name, a.latest.version if a.latest else "-", a.versions,
                           a.latest.rows if a.latest else "-",
                           a.latest.columns if a.latest else "-",
                           a.latest.uri if a.latest else ""] for a in result]) if result else \
                "No data assets yet. Add one with `mlwire assets PROJECT add NAME FILE`."
    _print_json(result) if args.json else print(text)
    return EXIT_OK


def _lock(args) -> int:
    from designer.store import Project
    holder = Project.lock_holder(args.project)
    if args.json:
        _print_json({"holder": holder})
    elif holder is None:
        print(f"{args.project} is not open for editing anywhere.")
    else:
        print(f"{args.project} is open for editing in {holder.describe()}.")
    return EXIT_OK


HANDLERS = {"runs": _runs, "show": _show, "compare": _compare, "tag": _tag, "clone": _clone,
            "register": _register, "models": _models, "alias": _alias, "assets": _assets,
            "lock": _lock}
