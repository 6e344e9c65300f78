"""Two runs side by side: parameter diff, metric deltas, graph diff, changed data, environment."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from designer.store import Project, RunInfo

from .graphdiff import GraphDiff, ParamChange, diff_dicts, diff_pipelines

__all__ = ["MetricDelta", "DataChange", "RunSide", "RunComparison", "compare_runs", "compare"]


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


@dataclass(frozen=True)
class MetricDelta:
    node_id: str
    name: str
    a: float | None         # None: absent or undefined (NaN)
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def changed(self) -> bool:
        return self.a != self.b

    def to_json(self) -> dict:
        return {"node": self.node_id, "name": self.name, "a": self.a, "b": self.b,
                "delta": self.delta}


@dataclass(frozen=True)
class DataChange:
    """A node whose input files (path -> sha256) differ between the runs."""
    node_id: str
    a: dict[str, str]
    b: dict[str, str]

    def to_json(self) -> dict:
        return {"node": self.node_id, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class RunSide:
    id: str
    pipeline_name: str
    status: str
    started_at: str
    seconds: float | None
    tags: dict

    @classmethod
    def of(cls, run: RunInfo) -> "RunSide":
        return cls(run.id, run.pipeline_name, run.status, run.started_at.isoformat(),
                   run.seconds, dict(run.tags))


@dataclass(frozen=True)
class RunComparison:
    a: RunSide
    b: RunSide
    params: tuple[ParamChange, ...]         # effective parameters of nodes both runs have
    metrics: tuple[MetricDelta, ...]        # every metric of either run
    graph: GraphDiff
    data: tuple[DataChange, ...]
    environment: tuple[ParamChange, ...]

    def to_json(self) -> dict:
        return {"a": self.a.__dict__, "b": self.b.__dict__,
                "params": [p.to_json() for p in self.params],
                "metrics": [m.to_json() for m in self.metrics],
                "graph": self.graph.to_json(), "data": [d.to_json() for d in self.data],
                "environment": [e.to_json() for e in self.environment]}


def _metric_deltas(a: RunInfo, b: RunInfo) -> tuple[MetricDelta, ...]:
    out = []
    for node_id in dict.fromkeys([*a.metrics, *b.metrics]):
        values_a, values_b = a.metrics.get(node_id, {}), b.metrics.get(node_id, {})
        for name in dict.fromkeys([*values_a, *values_b]):
            out.append(MetricDelta(node_id, name, _number(values_a.get(name)),
                                   _number(values_b.get(name))))
    return tuple(out)


def _data_changes(a: RunInfo, b: RunInfo) -> tuple[DataChange, ...]:
    files_a, files_b = a.inputs, b.inputs
    return tuple(DataChange(node_id, files_a.get(node_id, {}), files_b.get(node_id, {}))
                 for node_id in dict.fromkeys([*files_a, *files_b])
                 if files_a.get(node_id, {}) != files_b.get(node_id, {}))


def compare_runs(a: RunInfo, b: RunInfo) -> RunComparison:
    """Compare two runs read with project.runs.get() (with their nodes)."""
    params = tuple(change for node_id in a.params if node_id in b.params
                   for change in diff_dicts(node_id, a.params[node_id] or {},
                                            b.params[node_id] or {}))
    return RunComparison(RunSide.of(a), RunSide.of(b), params, _metric_deltas(a, b),
                         diff_pipelines(a.pipeline, b.pipeline), _data_changes(a, b),
                         diff_dicts("", a.environment or {}, b.environment or {}))


def compare(project: Project, run_a: str, run_b: str) -> RunComparison:
    """Compare runs by id (or unique id prefix)."""
    return compare_runs(project.runs.get(project.runs.resolve_id(run_a)),
                        project.runs.get(project.runs.resolve_id(run_b)))
