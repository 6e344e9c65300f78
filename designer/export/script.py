"""Pipeline -> standalone Python script that computes the same outputs with pandas and scikit-learn.

The script is: a header, the source of `nodes/ops.py` pasted verbatim (the same functions the
nodes run, so the numbers agree by construction), then the other kernels the pipeline's code
uses (nodes/kernels.py: ops_io, ops_table, ...; their `from .ops import` lines removed, since
those names are pasted above them), then one commented section per node in
data-flow order inside `run_pipeline()`, and a `main()` that prints each Evaluate Model node's
metrics and, with `--metrics-json PATH`, writes them as {evaluate node id: {metric: value}}.
Every user-given text (paths, column names, titles) is written with repr() or as a sanitised
comment, so no name can inject code.
"""
from __future__ import annotations

import ast
import builtins
import keyword
import os
import re
from pathlib import Path

from designer.engine.schemas import propagate_schemas
from designer.model import Pipeline
from designer.model.errors import PipelineError
from nodes.base import EmitContext, NodeError
from nodes.kernels import EXTRA, kernel_names, kernel_source, kernels_for, requirements
from nodes.params import Path as PathParam

__all__ = ["export_script", "ExportError"]

OPS_SOURCE = Path(__file__).resolve().parents[2] / "nodes" / "ops.py"
EVALUATE = "evaluate_model"
# Names the script defines besides ops' own: variables must never shadow them.
_SCRIPT_NAMES = {"argparse", "json", "sys", "Path", "SCRIPT_DIR", "run_pipeline", "main", "results"}


def _packages(modules: list[str]) -> list[str]:
    """pip names of the libraries the pasted kernels may import (drivers probed, not needed)."""
    names = {"imblearn": "imbalanced-learn", "sklearn": "scikit-learn", "psycopg2": None}
    return [names.get(m, m) for m in modules if names.get(m, m)]


class ExportError(PipelineError):
    """The pipeline cannot be exported as it stands; the message names the node and the fix."""


def comment(text: str, prefix: str = "# ") -> str:
    """`text` as comment lines: one per line of text, control characters escaped."""
    lines = text.splitlines() or [""]
    return "".join(prefix + "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in line)
                   + "\n" for line in lines)


def _ops_names(source: str) -> set[str]:
    """Top-level names the pasted ops source defines or imports (parsed, never imported)."""
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


class _Names:
    """Readable, unique variable names: '<node id>_<port>', never a Python or script name."""

    def __init__(self, reserved: set[str]):
        self.taken = set(reserved) | set(keyword.kwlist) | set(dir(builtins))

    def new(self, node_id: str, port: str) -> str:
        base = re.sub(r"\W", "_", f"{node_id}_{port}")
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}_{n}", n + 1
        self.taken.add(name)
        return name


def wrap_calls(code: str, width: int = 96) -> str:
    """Long `target = function(arguments)` lines split to one argument per line, for people."""
    out = []
    for statement in ast.parse(code).body:
        text = ast.get_source_segment(code, statement)
        call = statement.value if isinstance(statement, ast.Assign) else None
        if len(text) <= width or not isinstance(call, ast.Call) or "\n" in text:
            out.append(text)
            continue
        target = text[:call.col_offset - statement.col_offset].rstrip()
        parts = [ast.get_source_segment(code, a) for a in call.args]
        parts += [f"{k.arg}={ast.get_source_segment(code, k.value)}" for k in call.keywords]
        out.append(f"{target} {ast.get_source_segment(code, call.func)}(\n"
                   + "".join(f"    {part},\n" for part in parts) + ")")
    return "\n".join(out) + "\n"


def _problems(pipeline: Pipeline, schemas) -> list[str]:
    problems = []
    for node_id, info in schemas.items():
        who = pipeline.display_name(node_id)
        problems += [f"{who}: {e}" for e in info.param_errors]
        if info.infer_error is not None:
            problems.append(f"{who}: {info.infer_error}")
        for port in pipeline.node_type(node_id).inputs:
            if not port.optional and pipeline.edge_into(node_id, port.name) is None:
                problems.append(f"{who}: input '{port.name}' is not connected.")
    return problems


def _script_relative(params: dict, node_type, base_dir: Path, script_dir: Path) -> dict:
    """Path parameters rewritten relative to the script's folder (SCRIPT_DIR in the script)."""
    out = dict(params)
    for decl in node_type.params:
        value = out.get(decl.name)
        relocate = getattr(decl, "script_relative", None)
        if relocate is not None and isinstance(value, str):  # e.g. a sqlite:/// path in a URL
            out[decl.name] = relocate(value, base_dir, script_dir)
        elif isinstance(decl, PathParam) and isinstance(value, str):
            target = Path(value).expanduser()
            target = (target if target.is_absolute() else base_dir / target).resolve()
            try:
                out[decl.name] = Path(os.path.relpath(target, script_dir)).as_posix()
            except ValueError:  # another drive on Windows: keep it absolute
                out[decl.name] = str(target)
    return out


def _header(pipeline: Pipeline, extra_libraries: list[str] = ()) -> str:
    needs = "It needs only pandas, numpy and scikit-learn."
    if extra_libraries:
        needs = ("It needs pandas, numpy and scikit-learn, and for some of its nodes: "
                 + ", ".join(extra_libraries) + ".\n")
    return (
        "#!/usr/bin/env python3\n"
        '"""A machine-learning pipeline exported from MLWire as a standalone script.\n\n'
        "Run it from anywhere:  python this_script.py [--metrics-json METRICS.json]\n"
        + needs + (" " if not extra_libraries else "")
        + "Data files are found relative to this\n"
        "script's folder. It prints the metrics of every Evaluate Model node.\n"
        '"""\n'
        + comment(f"Pipeline: {pipeline.name}")
        + "import argparse\nimport json\nimport sys\nfrom pathlib import Path\n\n"
        "# " + "=" * 94 + "\n"
        "# MLWire's operations (nodes/ops.py, verbatim): the functions the app itself runs.\n"
        "# " + "=" * 94 + "\n"
    )


_MAIN = '''

def main(argv=None):
    parser = argparse.ArgumentParser(description="Run the exported MLWire pipeline.")
    parser.add_argument("--metrics-json", metavar="PATH",
                        help="also write the metrics as JSON: {evaluate node id: {metric: value}}")
    args = parser.parse_args(argv)
    try:
        results = {node_id: flat_metrics(metrics) for node_id, metrics in run_pipeline().items()}
    except DataError as exc:  # a problem with the data: say what and how to fix it, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for node_id, values in results.items():
        print(f"Metrics of {node_id}:")
        for name, value in values.items():
            print(f"  {name}: {value}")
    if args.metrics_json:
        Path(args.metrics_json).write_text(json.dumps(results, indent=2) + "\\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''


def export_script(pipeline: Pipeline, base_dir: Path, script_path: Path,
                  overrides: dict[str, dict] | None = None) -> str:
    """The source of a standalone script reproducing `pipeline`; the caller writes it to
    `script_path` (used to make data paths relative to the script's folder)."""
    if pipeline.find_cycle():
        raise ExportError(f"Pipeline '{pipeline.name}' has a cycle and cannot be exported.")
    base_dir = Path(base_dir).resolve()
    script_dir = Path(script_path).resolve().parent
    schemas = propagate_schemas(pipeline, base_dir, overrides)
    problems = _problems(pipeline, schemas)
    if problems:
        raise ExportError(f"Pipeline '{pipeline.name}' cannot be exported until these are "
                          "fixed:\n  " + "\n  ".join(problems))
    ops_source = OPS_SOURCE.read_text(encoding="utf-8")
    kernel_defined = set().union(*(kernel_names(k) for k in EXTRA))
    names = _Names(_ops_names(ops_source) | kernel_defined | _SCRIPT_NAMES)
    variables: dict[tuple[str, str], str] = {}
    sections, evaluations = [], []
    for node_id in pipeline.topological_order():
        node, node_type, info = (pipeline.node(node_id), pipeline.node_type(node_id),
                                 schemas[node_id])
        outputs = {p.name: names.new(node_id, p.name) for p in node_type.outputs}
        inputs = {e.target_port: variables[(e.source, e.source_port)]
                  for e in pipeline.in_edges(node_id)}
        ctx = EmitContext(node_id, inputs, outputs, info.inputs, dict(variables))
        params = _script_relative(info.params, node_type, base_dir, script_dir)
        try:
            code = node_type.emit(params, ctx)
        except NotImplementedError:
            raise ExportError(f"{pipeline.display_name(node_id)}: {node_type.title} nodes cannot "
                              "be exported to a script yet.") from None
        except NodeError as exc:  # e.g. an AutoML node with no pinned candidate
            raise ExportError(f"{pipeline.display_name(node_id)}: {exc}") from exc
        title = node.title or node_type.title
        head = comment(f"{title} ({node_id}) [{node_type.type_id}]", "# -- ")
        if node.comment:
            head += comment(node.comment, "#    ")
        sections.append(head + wrap_calls(code))
        variables.update({(node_id, port): var for port, var in outputs.items()})
        if node_type.type_id == EVALUATE:
            evaluations.append((node_id, outputs["metrics"]))
    kernels = kernels_for("\n".join(sections))
    pasted = "".join("\n\n# " + "=" * 94 + f"\n# MLWire's {k} (nodes/{k}.py, verbatim but for its "
                     "imports of the kernels above).\n# " + "=" * 94 + "\n"
                     + kernel_source(k).rstrip() + "\n" for k in kernels)
    results = ", ".join(f"{node_id!r}: {var}" for node_id, var in evaluations)
    body = "\n".join(sections) + f"\nreturn {{{results}}}\n"
    indented = "".join(f"    {line}" if line.strip() else line
                       for line in body.splitlines(keepends=True))
    return (_header(pipeline, _packages(requirements(kernels, "\n".join(sections)))) + ops_source.rstrip() + "\n"
            + pasted + "\n\n"
            "# " + "=" * 94 + "\n# The pipeline, one section per node in data-flow order.\n"
            "# " + "=" * 94 + "\n\n"
            "SCRIPT_DIR = Path(__file__).resolve().parent\n\n\n"
            "def run_pipeline():\n"
            '    """Run every node in data-flow order; returns {evaluate node id: metrics}."""\n'
            + indented + _MAIN)
