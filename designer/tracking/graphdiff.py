"""The difference between two pipeline documents: nodes, their parameters, edges, parameters.

Layout (positions) is not a difference; comments are reported with the node's changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ParamChange", "NodeChange", "EdgeRef", "GraphDiff", "diff_pipelines", "diff_dicts"]

_MISSING = object()


@dataclass(frozen=True)
class ParamChange:
    node_id: str            # "" for a pipeline parameter or an environment entry
    name: str
    before: Any             # None when absent on that side
    after: Any

    def to_json(self) -> dict:
        return {"node": self.node_id, "name": self.name, "before": self.before,
                "after": self.after}


@dataclass(frozen=True)
class NodeChange:
    node_id: str
    type_before: str
    type_after: str
    params: tuple[ParamChange, ...]
    comment_before: str = ""
    comment_after: str = ""

    def to_json(self) -> dict:
        out: dict = {"node": self.node_id, "params": [p.to_json() for p in self.params]}
        if self.type_before != self.type_after:
            out["type"] = {"before": self.type_before, "after": self.type_after}
        if self.comment_before != self.comment_after:
            out["comment"] = {"before": self.comment_before, "after": self.comment_after}
        return out


@dataclass(frozen=True, order=True)
class EdgeRef:
    source: str
    source_port: str
    target: str
    target_port: str

    def __str__(self) -> str:
        return f"{self.source}.{self.source_port} -> {self.target}.{self.target_port}"


@dataclass(frozen=True)
class GraphDiff:
    nodes_added: tuple[tuple[str, str], ...]      # (node id, type)
    nodes_removed: tuple[tuple[str, str], ...]
    nodes_changed: tuple[NodeChange, ...]
    edges_added: tuple[EdgeRef, ...]
    edges_removed: tuple[EdgeRef, ...]
    parameters: tuple[ParamChange, ...]           # the pipeline's own parameters

    @property
    def empty(self) -> bool:
        return not (self.nodes_added or self.nodes_removed or self.nodes_changed
                    or self.edges_added or self.edges_removed or self.parameters)

    def to_json(self) -> dict:
        return {
            "nodes_added": [{"node": n, "type": t} for n, t in self.nodes_added],
            "nodes_removed": [{"node": n, "type": t} for n, t in self.nodes_removed],
            "nodes_changed": [c.to_json() for c in self.nodes_changed],
            "edges_added": [str(e) for e in self.edges_added],
            "edges_removed": [str(e) for e in self.edges_removed],
            "parameters": [p.to_json() for p in self.parameters],
        }


def diff_dicts(node_id: str, before: dict, after: dict) -> tuple[ParamChange, ...]:
    """Keys whose values differ (absent on one side counts), in first-seen order."""
    keys = list(dict.fromkeys([*before, *after]))
    return tuple(ParamChange(node_id, k, before.get(k), after.get(k)) for k in keys
                 if before.get(k, _MISSING) != after.get(k, _MISSING))


def _edges(doc: dict) -> set[EdgeRef]:
    return {EdgeRef(str(e.get("source")), str(e.get("source_port")), str(e.get("target")),
                    str(e.get("target_port"))) for e in doc.get("edges") or ()}


def diff_pipelines(a: dict, b: dict) -> GraphDiff:
    """What changed from pipeline document `a` to `b` (format mlwire.pipeline/1)."""
    nodes_a = {n.get("id"): n for n in a.get("nodes") or ()}
    nodes_b = {n.get("id"): n for n in b.get("nodes") or ()}
    added = tuple((i, nodes_b[i].get("type", "")) for i in nodes_b if i not in nodes_a)
    removed = tuple((i, nodes_a[i].get("type", "")) for i in nodes_a if i not in nodes_b)
    changed = []
    for node_id, before in nodes_a.items():
        after = nodes_b.get(node_id)
        if after is None:
            continue
        params = diff_dicts(node_id, before.get("params") or {}, after.get("params") or {})
        change = NodeChange(node_id, before.get("type", ""), after.get("type", ""), params,
                            before.get("comment") or "", after.get("comment") or "")
        if (params or change.type_before != change.type_after
                or change.comment_before != change.comment_after):
            changed.append(change)
    edges_a, edges_b = _edges(a), _edges(b)
    return GraphDiff(added, removed, tuple(changed), tuple(sorted(edges_b - edges_a)),
                     tuple(sorted(edges_a - edges_b)),
                     diff_dicts("", a.get("parameters") or {}, b.get("parameters") or {}))
