"""SQLAlchemy table models of the project file; the migrations create exactly this schema.

Constraint names come from one naming convention, so later batch migrations can address them.
Rows stay inside the store; callers get the dataclasses of entities.py.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (CheckConstraint, Float, ForeignKey, Index, Integer, MetaData, Text,
                        UniqueConstraint, column)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .coltypes import JsonText, UtcDateTime
from .entities import NODE_RUN_STATUSES, RUN_STATUSES

__all__ = ["Base", "PipelineRow", "RunRow", "NodeRunRow", "MetricRow", "MetricArtifactRow"]

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
