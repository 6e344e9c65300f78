"""Run events: what the engine reports, through hooks, to the CLI, the GUI and the store."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = [
    "RunEvent", "RunStarted", "NodeQueued", "NodeStarted", "NodeProgress", "NodeLog",
    "NodeFinished", "NodeCached", "NodeFailed", "NodeSkipped", "NodeCancelled", "RunFinished",
    "Listener", "NODE_STATES",
]

# States a node shows during and after a run.
NODE_STATES = ("idle", "queued", "running", "done", "cached", "failed", "skipped", "cancelled")


@dataclass(frozen=True)
class RunEvent:
    pass


@dataclass(frozen=True)
class RunStarted(RunEvent):
    run_id: str
    pipeline: dict                  # the frozen snapshot, as pipeline JSON
    overrides: dict[str, dict]      # node id -> {param: value} given for this run
    params: dict[str, dict]         # node id -> effective (checked) parameters
    environment: dict[str, str]
    nodes: list[str]                # node ids this run will visit, in order


@dataclass(frozen=True)
class NodeQueued(RunEvent):
    node_id: str


@dataclass(frozen=True)
class NodeStarted(RunEvent):
    node_id: str


@dataclass(frozen=True)
class NodeProgress(RunEvent):
    node_id: str
    fraction: float
    message: str = ""


@dataclass(frozen=True)
class NodeLog(RunEvent):
    node_id: str
    text: str


@dataclass(frozen=True)
class NodeFinished(RunEvent):
    node_id: str
    seconds: float
    # Per output port: {"type": "Table", "rows": n, "columns": n} or, for Metrics, "metrics": {...}
    outputs: dict[str, dict] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)  # file path -> sha256 it read
    # Model ports -> the model as skops bytes (designer/artifacts.py); its sha256 is in outputs.
    artifacts: dict[str, bytes] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class NodeCached(NodeFinished):
    """Outputs came from the cache; `seconds` is the time the original computation took."""


@dataclass(frozen=True)
class NodeFailed(RunEvent):
    node_id: str
    message: str        # for people: names the node, the parameter or column, and what to do
    details: str = ""   # the traceback
    seconds: float = 0.0


@dataclass(frozen=True)
class NodeSkipped(RunEvent):
    """Not run because an upstream node failed or was cancelled."""
    node_id: str
    reason: str


@dataclass(frozen=True)
class NodeCancelled(RunEvent):
    node_id: str


@dataclass(frozen=True)
class RunFinished(RunEvent):
    run_id: str
    status: str                     # succeeded | failed | cancelled
    seconds: float
    metrics: dict[str, dict] = field(default_factory=dict)  # evaluate node id -> Metrics JSON
    error: str = ""


Listener = Callable[[RunEvent], Any]
