"""Plain frozen dataclasses the store hands to callers; ORM rows never leave the store."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["RUN_STATUSES", "NODE_RUN_STATUSES", "PipelineInfo", "PipelineRevisionInfo", "NodeRunInfo", "RunInfo",
           "MetricsInfo", "RunSummary", "NewRun", "ArtifactInfo", "RegisteredModelInfo",
           "ModelVersionInfo", "DataAssetInfo", "DataAssetVersionInfo", "ResolvedAsset",
           "AssetUse", "LockHolder"]

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
class PipelineRevisionInfo:
    name: str
    revision: int             # 1 for the first save, then one more per save that changed it
    saved_at: datetime
    sha256: str               # of the document's canonical JSON
    nodes: int                # how many nodes that revision has


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
    tags: dict[str, str] = field(default_factory=dict)        # editable
    notes: str = ""                                            # editable
    # node id -> {file path: sha256} of every file the run read; filled by get().
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.status != "running"

    @property
    def seed(self) -> Any:
        """The pipeline parameter `seed` of the snapshot, if the pipeline has one."""
        return (self.pipeline.get("parameters") or {}).get("seed")

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


@dataclass(frozen=True)
class RunSummary:
    """One line of the run history: what listing, filtering and sorting show (no snapshot)."""
    id: str
    pipeline_name: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    seconds: float | None
    error: str
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        """Plain JSON values (NaN as null), built directly: listings hold thousands of these."""
        return {"id": self.id, "pipeline_name": self.pipeline_name, "status": self.status,
                "started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None,
                "seconds": self.seconds, "error": self.error,
                "metrics": {node: {k: (None if v != v else v) for k, v in values.items()}
                            for node, values in self.metrics.items()},
                "tags": dict(self.tags)}

    def metric(self, name: str) -> float | None:
        """`accuracy` (the first evaluate node that has it) or `evaluate.accuracy`."""
        node, _, metric = name.partition(".")
        if metric and node in self.metrics and metric in self.metrics[node]:
            return self.metrics[node][metric]
        for values in self.metrics.values():
            if name in values:
                return values[name]
        return None


@dataclass(frozen=True)
class NewRun:
    """A whole run given at once (imports, benchmarks, tests): `project.runs.log(NewRun(...))`."""
    id: str
    pipeline: dict
    params: dict = field(default_factory=dict)                 # node id -> {param: value}
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)  # node id -> {name: v}
    status: str = "succeeded"
    started_at: datetime | None = None                         # default: now
    seconds: float | None = None
    overrides: dict = field(default_factory=dict)
    environment: dict = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    error: str = ""
    # node id -> {metric name: [(step, value), ...]}
    series: dict[str, dict[str, list]] = field(default_factory=dict)
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)  # node id -> {path: sha256}


@dataclass(frozen=True)
class ArtifactInfo:
    """A model file kept in the project: where it came from; the bytes are loaded on demand."""
    sha256: str
    format: str
    size: int
    run_id: str | None = None
    node_id: str | None = None
    port: str | None = None


@dataclass(frozen=True)
class ModelVersionInfo:
    """One registered version: an inference pipeline with its signature, linked to its run."""
    model: str
    version: int
    run_id: str
    node_id: str
    port: str
    sha256: str
    pipeline_name: str
    task: str
    label: str | None
    signature: list                     # [[column, dtype], ...]: the raw input rows it takes
    features: list
    classes: list | None
    metrics: dict                       # the run's metrics when it was registered
    environment: dict                   # Python, platform and library versions of the run
    description: str
    created_at: datetime
    tags: dict[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    # Set by ModelRegistry.register only (not stored): when the inference pipeline cannot start
    # at the raw imported columns, where it starts instead and what input it expects.
    inference_note: str = ""

    @property
    def ref(self) -> str:
        return f"{self.model}:{self.version}"


@dataclass(frozen=True)
class RegisteredModelInfo:
    name: str
    description: str
    created_at: datetime
    updated_at: datetime
    latest_version: int | None
    versions: int
    aliases: dict[str, int] = field(default_factory=dict)      # alias -> version


@dataclass(frozen=True)
class DataAssetVersionInfo:
    asset: str
    version: int
    kind: str                           # "file"
    uri: str                            # the file's absolute path when registered
    sha256: str
    size: int
    rows: int | None
    columns: int | None
    schema: list                        # [[column, dtype], ...]
    created_at: datetime

    @property
    def ref(self) -> str:
        return f"{self.asset}:{self.version}"


@dataclass(frozen=True)
class DataAssetInfo:
    name: str
    description: str
    created_at: datetime
    latest: DataAssetVersionInfo | None
    versions: int


@dataclass(frozen=True)
class ResolvedAsset:
    """What an import node needs to read an asset: the path and the fingerprint to expect."""
    name: str
    version: int
    path: str
    sha256: str


@dataclass(frozen=True)
class AssetUse:
    """A run that read a version of a data asset (matched by content fingerprint)."""
    run_id: str
    pipeline_name: str
    status: str
    started_at: datetime
    node_id: str
    path: str
    asset_version: int | None        # None from runs_reading(sha256)


@dataclass(frozen=True)
class LockHolder:
    """Who holds a project for writing: shown to a second app instance."""
    pid: int
    host: str
    since: datetime
    program: str = ""

    def describe(self) -> str:
        where = f"process {self.pid} on {self.host}"
        what = f"{self.program} ({where})" if self.program else where
        return f"{what}, since {self.since.astimezone():%Y-%m-%d %H:%M:%S}"
