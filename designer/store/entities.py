"""Plain frozen dataclasses the store hands to callers; ORM rows never leave the store."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["RUN_STATUSES", "NODE_RUN_STATUSES", "PipelineInfo", "NodeRunInfo", "RunInfo",
           "MetricsInfo"]

RUN_STATUSES = ("running", "succeeded", "failed", "cancelled", "interrupted")
# A node's final state in a run: designer.engine.events.NODE_STATES without the transient ones.
NODE_RUN_STATUSES = ("done", "cached", "failed", "skipped", "cancelled")


@dataclass(frozen=True)
class PipelineInfo:
    name: str
    document: dict            # the pipeline JSON (format mlwire.pipeline/1)
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class NodeRunInfo:
    node_id: str
    node_type: str
    status: str               # one of NODE_RUN_STATUSES
    seconds: float | None
    message: str = ""         # failure message for people, or why it was skipped
    details: str = ""         # the traceback
    log: str = ""             # what the node logged (bounded; the end is kept)
    outputs: dict = field(default_factory=dict)       # port -> summary ({"type", "rows", ...})
    fingerprints: dict = field(default_factory=dict)  # file path -> sha256 it read


@dataclass(frozen=True)
class RunInfo:
    id: str
    pipeline_name: str
    status: str               # one of RUN_STATUSES
    started_at: datetime
    finished_at: datetime | None
    seconds: float | None
    pipeline: dict            # the frozen snapshot that ran
    overrides: dict           # node id -> {param: value} given for this run
    params: dict              # node id -> effective parameters
    environment: dict         # python, platform, library versions
    error: str
    pid: int | None
    hostname: str | None
    # node id -> {metric name: value}; NaN where the metric was undefined.
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    # In the order they finished; None when not loaded (list() leaves them out, get() fills them).
    nodes: tuple[NodeRunInfo, ...] | None = None

    @property
    def finished(self) -> bool:
        return self.status != "running"

    def node(self, node_id: str) -> NodeRunInfo | None:
        return next((n for n in self.nodes or () if n.node_id == node_id), None)


@dataclass(frozen=True)
class MetricsInfo:
    """One evaluate node's full metrics: scalars plus curves and tables for the plots."""
    run_id: str
    node_id: str
    task: str
    values: dict[str, float]
    curves: Any
    tables: Any
    b: Any = None             # the second data set's metrics, when the node had one

    def to_json(self) -> dict:
        """The Metrics JSON shape the engine reports: {task, values, curves, tables, b}."""
        return {"task": self.task, "values": dict(self.values), "curves": self.curves,
                "tables": self.tables, "b": self.b}
