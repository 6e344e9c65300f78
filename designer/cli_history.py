"""`mlwire history`: the saved revisions of a project's pipelines, and any one of them as a file."""
from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["add_parser", "handle"]

EXIT_OK = 0


def add_parser(sub) -> None:
    p = sub.add_parser("history", help="a pipeline's saved revisions; write one to a file")
    p.add_argument("project", help="the project file (.mlw)")
    p.add_argument("pipeline", nargs="?", help="the pipeline's name (default: every pipeline)")
    p.add_argument("--revision", type=int, metavar="N",
                   help="print revision N of the pipeline (with -o: write it to a file)")
    p.add_argument("-o", "--output", help="with --revision: the .pipeline.json file to write")
    p.add_argument("--json", action="store_true", help="the revisions as JSON")


def handle(args) -> int:
    from .cli import UsageError
    from .cli_tracking import _open, _print_json
    if (args.revision is not None or args.output) and not args.pipeline:
        raise UsageError("Name the pipeline whose revision you want: "
                         "`mlwire history PROJECT PIPELINE --revision N`.")
    if args.output and args.revision is None:
        raise UsageError("-o needs --revision N: which revision to write.")
    with _open(args.project) as project:
        if args.revision is not None:
            doc = project.pipelines.revision(args.pipeline, args.revision)
            return _write(doc, args)
        names = [args.pipeline] if args.pipeline else project.pipelines.names()
        history = {name: project.pipelines.revisions(name) for name in names}
    if args.json:
        _print_json(history)
        return EXIT_OK
    if not history:
        print("No pipelines are saved in this project yet.")
    for name, revisions in history.items():
        print(f"{name}: {len(revisions)} revision(s)")
        for r in revisions:
            when = r.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            print(f"  {r.revision:>4}  {when}  {r.nodes} node(s)  {r.sha256[:12]}")
    return EXIT_OK


def _write(doc: dict, args) -> int:
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    if not args.output:
        print(text)
        return EXIT_OK
    from .cli import UsageError
    target = Path(args.output)
    if not target.parent.is_dir():
        raise UsageError(f"Cannot write '{target}': the folder '{target.parent}' does not exist.")
    target.write_text(text + "\n", encoding="utf-8")
    print(f"Wrote revision {args.revision} of '{args.pipeline}' to {target}.", file=sys.stderr)
    return EXIT_OK

