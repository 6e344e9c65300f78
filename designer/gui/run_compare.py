"""What differs between two recorded runs: parameters, metrics and the graph (no Qt; the Runs
tab's compare view shows it), from the two runs' snapshots and metrics."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RunDiff", "compare_runs", "varied_params", "flat_metrics", "KEY_METRICS"]

# The metrics the run history shows as columns, in this order, when a run has them.
KEY_METRICS = ("accuracy", "roc_auc", "f1", "r2", "rmse", "mae", "silhouette")


@dataclass
class RunDiff:
    params: list[tuple[str, Any, Any]] = field(default_factory=list)     # (node.param, a, b)
    metrics: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    nodes: list[tuple[str, str, str, str]] = field(default_factory=list)  # (node, change, a, b)

    @property
    def changed_nodes(self) -> list[str]:
        return [n for n, change, *_ in self.nodes if change != "unchanged"]


def flat_metrics(run) -> dict[str, float]:
    """node.metric -> value; just `metric` when the run has one evaluate node."""
    by_node = run.metrics or {}
    single = len(by_node) == 1
    return {(name if single else f"{node}.{name}"): value
            for node, values in by_node.items() for name, value in values.items()}


def _params(run) -> dict[str, Any]:
    out = {f"${k}": v for k, v in (run.pipeline.get("parameters") or {}).items()}
    for node in run.pipeline.get("nodes", []):
        effective = (run.params or {}).get(node["id"])
        values = effective if effective is not None else node.get("params", {})
        for name, value in values.items():
            out[f"{node['id']}.{name}"] = value
    return out


def varied_params(runs) -> list[str]:
    """The node.param keys whose value is not the same in every run (the columns worth showing)."""
    seen: dict[str, set] = {}
    all_params = [_params(r) for r in runs]
    keys = sorted({k for p in all_params for k in p})
    for key in keys:
        seen[key] = {repr(p.get(key, "—")) for p in all_params}
    return [k for k in keys if len(seen[k]) > 1]


def run_params(run) -> dict[str, Any]:
    return _params(run)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def _node_map(run) -> dict[str, dict]:
    return {n["id"]: n for n in run.pipeline.get("nodes", [])}


def _inputs(run, node_id: str) -> set[tuple]:
    return {(e["source"], e["source_port"], e["target_port"])
            for e in run.pipeline.get("edges", []) if e["target"] == node_id}


def _status(run, node_id: str) -> str:
    info = run.node(node_id) if run.nodes is not None else None
    return info.status if info is not None else "—"


def compare_runs(a, b) -> RunDiff:
    """A diff of two RunInfo (with their nodes loaded: `project.runs.get(id)`)."""
    diff = RunDiff()
    pa, pb = _params(a), _params(b)
    for key in sorted(set(pa) | set(pb)):
        va, vb = pa.get(key, "—"), pb.get(key, "—")
        if not _same(va, vb):
            diff.params.append((key, va, vb))
    ma, mb = flat_metrics(a), flat_metrics(b)
    for key in list(ma) + [k for k in mb if k not in ma]:
        diff.metrics.append((key, ma.get(key), mb.get(key)))
    na, nb = _node_map(a), _node_map(b)
    for node_id in list(na) + [n for n in nb if n not in na]:
        if node_id not in nb:
            change = "removed"
        elif node_id not in na:
            change = "added"
        elif na[node_id].get("type") != nb[node_id].get("type"):
            change = "type changed"
        elif any(k.startswith(node_id + ".") for k, *_ in diff.params):
            change = "parameters changed"
        elif _inputs(a, node_id) != _inputs(b, node_id):
            change = "rewired"
        else:
            change = "unchanged"
        diff.nodes.append((node_id, change, _status(a, node_id), _status(b, node_id)))
    return diff
