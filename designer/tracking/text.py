"""Plain-text and JSON renderings of runs, comparisons, models and assets for the command line."""
from __future__ import annotations

import dataclasses
import math
from collections import Counter
from datetime import datetime
from typing import Any, Iterable

from designer.store import RunInfo, RunSummary

from .compare import RunComparison

__all__ = ["jsonable", "runs_table", "run_details", "comparison_text", "table", "when",
           "metric_columns", "number"]


def jsonable(value: Any) -> Any:
    """Dataclasses, datetimes, tuples and NaN as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "to_json"):
            return jsonable(value.to_json())
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def when(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment.astimezone():%Y-%m-%d %H:%M:%S}"


def number(value: Any, digits: int = 4) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.{digits}f}"
    return str(value)


def table(headers: list[str], rows: Iterable[list[str]]) -> str:
    rows = [list(map(str, r)) for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def metric_columns(runs: list[RunSummary], first: Iterable[str] = (), most: int = 4) -> list[str]:
    """The metrics worth a column: those named in the filter or sort, then the most common."""
    counts: Counter = Counter()
    nodes_of: dict[str, set] = {}
    for run in runs:
        for node_id, values in run.metrics.items():
            for name in values:
                counts[name] += 1
                nodes_of.setdefault(name, set()).add(node_id)
    names = [n for n in first if n] + [n for n, _ in counts.most_common()]
    out: list[str] = []
    for name in names:
        if name in out:
            continue
        if len(nodes_of.get(name, ())) > 1:       # the same name on several evaluate nodes
            out += [f"{node}.{name}" for node in sorted(nodes_of[name])
                    if f"{node}.{name}" not in out]
        else:
            out.append(name)
    return out[:most]


def runs_table(runs: list[RunSummary], columns: list[str]) -> str:
    headers = ["RUN", "PIPELINE", "STATUS", "STARTED", "SECONDS", *columns, "TAGS"]
    rows = [[r.id, r.pipeline_name, r.status, when(r.started_at), number(r.seconds, 2),
             *(number(r.metric(c)) for c in columns),
             ", ".join(f"{k}={v}" for k, v in r.tags.items())] for r in runs]
    return table(headers, rows)


def run_details(run: RunInfo, models: list, artifacts: list) -> str:
    lines = [f"Run {run.id}  {run.status}  pipeline '{run.pipeline_name}'",
             f"  started {when(run.started_at)}, finished {when(run.finished_at) or '-'}, "
             f"{number(run.seconds, 2)} s" + (f", seed {run.seed}" if run.seed is not None else ""),
             f"  by process {run.pid} on {run.hostname}"]
    if run.error:
        lines.append(f"  error: {run.error}")
    if run.overrides:
        lines.append("  overrides: " + ", ".join(f"{n}.{k}={v!r}" for n, values in
                                                 run.overrides.items() for k, v in values.items()))
    if run.tags:
        lines.append("  tags: " + ", ".join(f"{k}={v}" for k, v in run.tags.items()))
    if run.notes:
        lines.append("  notes: " + run.notes.replace("\n", "\n         "))
    env = run.environment or {}
    lines.append("  environment: " + ", ".join(f"{k} {v}" for k, v in env.items()
                                               if k not in ("platform", "implementation")))
    lines += ["", "Nodes:"]
    lines.append(_indent(table(["NODE", "TYPE", "STATUS", "SECONDS", "MESSAGE"],
                               [[n.node_id, n.node_type, n.status, number(n.seconds, 3),
                                 n.message.splitlines()[0] if n.message else ""]
                                for n in run.nodes or ()])))
    if run.metrics:
        lines += ["", "Metrics:"]
        for node_id, values in run.metrics.items():
            lines.append(f"  {node_id}: " + ", ".join(f"{k}={number(v)}" for k, v in values.items()))
    inputs = [(node, p, sha) for node, files in run.inputs.items() for p, sha in files.items()]
    if inputs:
        lines += ["", "Data read:"] + [f"  {n}: {p} (sha256 {sha[:12]})" for n, p, sha in inputs]
    if artifacts:
        lines += ["", "Models:"] + [f"  {a.node_id}.{a.port}: {a.size:,} bytes (sha256 "
                                    f"{a.sha256[:12]})" for a in artifacts]
    if models:
        lines += ["", "Registered as: " + ", ".join(v.ref for v in models)]
    return "\n".join(lines)


def _indent(text: str, by: str = "  ") -> str:
    return "\n".join(by + line for line in text.splitlines())


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:37] + "..."


def comparison_text(c: RunComparison) -> str:
    lines = [f"Run A {c.a.id} ({c.a.status}, pipeline '{c.a.pipeline_name}', {when_iso(c.a.started_at)})",
             f"Run B {c.b.id} ({c.b.status}, pipeline '{c.b.pipeline_name}', {when_iso(c.b.started_at)})",
             "", "Metrics (B - A):"]
    rows = [[f"{m.node_id}.{m.name}", number(m.a), number(m.b),
             ("+" if (m.delta or 0) > 0 else "") + number(m.delta) if m.delta is not None else "-"]
            for m in c.metrics]
    lines.append(_indent(table(["METRIC", "A", "B", "DELTA"], rows)) if rows else "  (none)")
    lines += ["", "Parameters:"]
    lines += [f"  {p.node_id}.{p.name}: {_short(p.before)} -> {_short(p.after)}"
              for p in c.params] or ["  (same)"]
    g = c.graph
    lines += ["", "Graph:"]
    graph = ([f"  + node {n} ({t})" for n, t in g.nodes_added]
             + [f"  - node {n} ({t})" for n, t in g.nodes_removed]
             + [f"  ~ node {ch.node_id}" + (f" type {ch.type_before} -> {ch.type_after}"
                                            if ch.type_before != ch.type_after else "")
                + "".join(f"\n      {p.name}: {_short(p.before)} -> {_short(p.after)}"
                          for p in ch.params)
                + (f"\n      comment changed" if ch.comment_before != ch.comment_after else "")
                for ch in g.nodes_changed]
             + [f"  + edge {e}" for e in g.edges_added]
             + [f"  - edge {e}" for e in g.edges_removed]
             + [f"  ~ pipeline parameter {p.name}: {_short(p.before)} -> {_short(p.after)}"
                for p in g.parameters])
    lines += graph or ["  (same)"]
    lines += ["", "Data:"]
    for d in c.data:
        before = ", ".join(f"{p} {s[:12]}" for p, s in d.a.items()) or "(none)"
        after = ", ".join(f"{p} {s[:12]}" for p, s in d.b.items()) or "(none)"
        lines.append(f"  {d.node_id}: {before} -> {after}")
    if not c.data:
        lines.append("  (same files, same content)")
    if c.environment:
        lines += ["", "Environment:"] + [f"  {e.name}: {e.before} -> {e.after}"
                                         for e in c.environment]
    return "\n".join(lines)


def when_iso(text: str) -> str:
    return when(datetime.fromisoformat(text))
