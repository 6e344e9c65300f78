"""SQLAlchemy table models of the project file; the migrations create exactly this schema.

Constraint names come from one naming convention, so later batch migrations can address them.
Rows stay inside the store; callers get the dataclasses of entities.py. Tables of revision 0001:
pipelines and the run record; of 0002: run annotations (tags, notes), metric series, run inputs,
model artifacts, the model registry and data assets; of 0003: the pipelines' saved revisions
and each run's metrics as JSON text on its runs row.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (CheckConstraint, Float, ForeignKey, Index, Integer, LargeBinary,
                        MetaData, Text, UniqueConstraint, column)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .coltypes import JsonText, UtcDateTime
from .entities import NODE_RUN_STATUSES, RUN_STATUSES

__all__ = ["Base", "PipelineRow", "PipelineRevisionRow", "RunRow", "NodeRunRow", "MetricRow", "MetricArtifactRow",
           "RunTagRow", "RunNoteRow", "MetricStepRow", "RunInputRow", "ArtifactRow",
           "RunArtifactRow", "RegisteredModelRow", "ModelVersionRow", "ModelVersionTagRow",
           "ModelAliasRow", "DataAssetRow", "DataAssetVersionRow"]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {str: Text, int: Integer, float: Float, dict: JsonText,
                           datetime: UtcDateTime, Any: JsonText}


class PipelineRow(Base):
    __tablename__ = "pipelines"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    document: Mapped[dict]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PipelineRevisionRow(Base):
    """Every saved state of a pipeline, numbered per name; kept when the pipeline is deleted."""
    __tablename__ = "pipeline_revisions"
    __table_args__ = (UniqueConstraint("pipeline_name", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pipeline_name: Mapped[str]
    revision: Mapped[int]
    document: Mapped[dict]
    sha256: Mapped[str]                   # of the canonical JSON: an unchanged save adds nothing
    saved_at: Mapped[datetime]


class RunRow(Base):
    __tablename__ = "runs"
    __table_args__ = (
        CheckConstraint(column("status").in_(RUN_STATUSES), name="status"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)       # short uuid given by the engine
    pipeline_name: Mapped[str] = mapped_column(index=True)
    pipeline: Mapped[dict]                                   # the snapshot that ran
    overrides: Mapped[dict]
    params: Mapped[dict]
    status: Mapped[str]
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    seconds: Mapped[float | None]
    environment: Mapped[dict]
    error: Mapped[str] = mapped_column(server_default="")
    # Who runs it: a run left 'running' by a process that is gone becomes 'interrupted'.
    pid: Mapped[int | None]
    hostname: Mapped[str | None]
    # The run's metrics as the JSON text `mlwire runs --json` prints (revision 0003), rewritten
    # from the metric rows in the same transaction as they are (store/metrics_json.py).
    metrics_json: Mapped[str] = mapped_column(server_default="{}")

    nodes: Mapped[list[NodeRunRow]] = relationship(
        back_populates="run", order_by="NodeRunRow.seq", cascade="all, delete-orphan",
        passive_deletes=True)


class NodeRunRow(Base):
    __tablename__ = "node_runs"
    __table_args__ = (
        UniqueConstraint("run_id", "node_id"),
        CheckConstraint(column("status").in_(NODE_RUN_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    seq: Mapped[int]                                         # order the node finished in
    node_id: Mapped[str]
    node_type: Mapped[str]
    status: Mapped[str]
    seconds: Mapped[float | None]
    message: Mapped[str] = mapped_column(server_default="")
    details: Mapped[str] = mapped_column(server_default="")
    log: Mapped[str] = mapped_column(server_default="")
    outputs: Mapped[dict]
    fingerprints: Mapped[dict]

    run: Mapped[RunRow] = relationship(back_populates="nodes")


class MetricRow(Base):
    """One scalar per row, so listing and filtering runs by a metric is an indexed query."""
    __tablename__ = "metrics"
    __table_args__ = (
        UniqueConstraint("run_id", "node_id", "name"),
        Index(None, "name", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    node_id: Mapped[str]
    name: Mapped[str]
    value: Mapped[float | None]                              # NULL: undefined (NaN)


class MetricArtifactRow(Base):
    """The plots' data of one evaluate node: curves and tables (and those of its second set)."""
    __tablename__ = "metric_artifacts"
    __table_args__ = (UniqueConstraint("run_id", "node_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    node_id: Mapped[str]
    task: Mapped[str] = mapped_column(server_default="")
    curves: Mapped[Any]
    tables: Mapped[Any]
    b: Mapped[Any | None]


# -- revision 0002 --------------------------------------------------------------------------------
class RunTagRow(Base):
    """An editable tag of a run (the run record itself never changes once finished)."""
    __tablename__ = "run_tags"
    __table_args__ = (UniqueConstraint("run_id", "key"), Index(None, "key", "value"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    key: Mapped[str]
    value: Mapped[str]


class RunNoteRow(Base):
    """The editable notes of a run (markdown or plain text)."""
    __tablename__ = "run_notes"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"),
                                        primary_key=True)
    text: Mapped[str]
    updated_at: Mapped[datetime]


class MetricStepRow(Base):
    """A per-step series of a metric (e.g. a loss per iteration); `metrics` keeps the last value."""
    __tablename__ = "metric_steps"
    __table_args__ = (UniqueConstraint("run_id", "node_id", "name", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    node_id: Mapped[str]
    name: Mapped[str]
    step: Mapped[int]
    value: Mapped[float | None]


class RunInputRow(Base):
    """A file a run's node read, with its content fingerprint: "which runs used this data"."""
    __tablename__ = "run_inputs"
    __table_args__ = (UniqueConstraint("run_id", "node_id", "path"), Index(None, "sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    node_id: Mapped[str]
    path: Mapped[str]
    sha256: Mapped[str]


class ArtifactRow(Base):
    """A model file (skops bytes), content-addressed: one row per distinct sha256."""
    __tablename__ = "artifacts"

    sha256: Mapped[str] = mapped_column(primary_key=True)
    format: Mapped[str]                                      # "skops"
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class RunArtifactRow(Base):
    """Which artifact a run's node produced on which port (a cached rerun points at the same)."""
    __tablename__ = "run_artifacts"
    __table_args__ = (UniqueConstraint("run_id", "node_id", "port"), Index(None, "sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    node_id: Mapped[str]
    port: Mapped[str]
    sha256: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256"))


class RegisteredModelRow(Base):
    __tablename__ = "registered_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    description: Mapped[str] = mapped_column(server_default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ModelVersionRow(Base):
    """One registered version: immutable apart from its description (tags and aliases aside)."""
    __tablename__ = "model_versions"
    __table_args__ = (UniqueConstraint("model_id", "version"), Index(None, "run_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("registered_models.id", ondelete="CASCADE"))
    version: Mapped[int]
    # A run with registered versions cannot be deleted (no ON DELETE: the link must hold).
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"))
    node_id: Mapped[str]
    port: Mapped[str]
    sha256: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256"))
    pipeline_name: Mapped[str]
    task: Mapped[str]
    label: Mapped[str | None]
    signature: Mapped[Any]                                   # [[column, dtype], ...]
    features: Mapped[Any]
    classes: Mapped[Any | None]
    metrics: Mapped[dict]                                    # the run's metrics when registered
    environment: Mapped[dict]
    description: Mapped[str] = mapped_column(server_default="")
    created_at: Mapped[datetime]


class ModelVersionTagRow(Base):
    __tablename__ = "model_version_tags"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id", ondelete="CASCADE"))
    key: Mapped[str]
    value: Mapped[str]


class ModelAliasRow(Base):
    """A name (`champion`, ...) that points at one version of one model."""
    __tablename__ = "model_aliases"
    __table_args__ = (UniqueConstraint("model_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("registered_models.id", ondelete="CASCADE"))
    alias: Mapped[str]
    version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id", ondelete="CASCADE"))


class DataAssetRow(Base):
    __tablename__ = "data_assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    description: Mapped[str] = mapped_column(server_default="")
    created_at: Mapped[datetime]


class DataAssetVersionRow(Base):
    """One version of a data asset: where it is, its fingerprint and a schema snapshot."""
    __tablename__ = "data_asset_versions"
    __table_args__ = (UniqueConstraint("asset_id", "version"), Index(None, "sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("data_assets.id", ondelete="CASCADE"))
    version: Mapped[int]
    kind: Mapped[str]                                        # "file" (later "sql", "url")
    uri: Mapped[str]                                         # absolute path of the file
    sha256: Mapped[str]
    size: Mapped[int]
    rows: Mapped[int | None]
    columns: Mapped[int | None]
    schema: Mapped[Any]                                      # [[column, dtype], ...]
    created_at: Mapped[datetime]
