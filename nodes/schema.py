"""What flows on a port before anything runs: table columns, learner task, model and metrics facts.

Pure Python (no pandas), so the checker and the GUI can propagate schemas on every edit.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

__all__ = [
    "PortType", "ColumnInfo", "TableSchema", "LearnerSchema", "ModelSchema", "TransformSchema",
    "MetricsSchema", "ScoreInfo", "Schema", "kind_of_dtype", "ROLES", "Roles", "assign_roles",
    "rename_roles", "label_of", "ignored_of",
]


class PortType(str, Enum):
    TABLE = "Table"
    LEARNER = "Learner"
    MODEL = "Model"
    TRANSFORM = "Transform"
    METRICS = "Metrics"


# Column kinds the checker reasons about; they are coarser than pandas dtypes on purpose.
NUMBER, STRING, BOOL, DATETIME, CATEGORY = "number", "string", "bool", "datetime", "category"


def kind_of_dtype(dtype: object) -> str:
    """Map a pandas/numpy dtype (or its name) to a column kind."""
    name = str(dtype).lower()
    if name.startswith("bool"):
        return BOOL
    if name.startswith(("int", "uint", "float", "complex")):
        return NUMBER
    if name.startswith("datetime"):
        return DATETIME
    if name == "category":
        return CATEGORY
    return STRING


# Column roles (set by Edit Metadata, carried by tables and schemas like lineage): 'label' is
# what Train Model predicts when its label_column is empty; 'ignore' columns are never features;
# 'feature' (the default) is not stored.
ROLES = ("feature", "label", "ignore")
Roles = tuple[tuple[str, str], ...]   # (column, role) pairs, sorted by column name


def assign_roles(roles: Roles, columns, role: str) -> Roles:
    """`roles` with `columns` given `role`; a new label takes the role from any other column."""
    chosen = set(columns)
    kept = {c: r for c, r in roles if c not in chosen and not (role == "label" and r == "label")}
    if role != "feature":
        kept.update({c: role for c in chosen})
    return tuple(sorted(kept.items()))


def rename_roles(roles: Roles, renames: dict[str, str]) -> Roles:
    return tuple(sorted((renames.get(c, c), r) for c, r in roles))


def label_of(roles: Roles, names) -> str | None:
    """The column with role 'label' among `names` (a role on a column that is gone is moot)."""
    present = set(names)
    return next((c for c, r in roles if r == "label" and c in present), None)


def ignored_of(roles: Roles, names) -> list[str]:
    """The columns with role 'ignore', in the order of `names`."""
    ignored = {c for c, r in roles if r == "ignore"}
    return [n for n in names if n in ignored]


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    kind: str = NUMBER
    has_missing: bool | None = None  # None: not known before running

    @property
    def is_numeric(self) -> bool:
        return self.kind in (NUMBER, BOOL)


@dataclass(frozen=True)
class ScoreInfo:
    """Set on a scored table: which model scored it and where its answers are."""

    model_node: str
    task: str
    label: str | None
    prediction: str = "scored_label"
    features: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSchema:
    columns: tuple[ColumnInfo, ...] = ()
    # True when more (or other) columns may appear at run time, e.g. one-hot indicators.
    open: bool = False
    # Node ids of the fitted transforms this table has been through since its source.
    lineage: tuple[str, ...] = ()
    scored: ScoreInfo | None = None
    roles: Roles = ()

    port_type = PortType.TABLE

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnInfo | None:
        return next((c for c in self.columns if c.name == name), None)

    def has(self, name: str) -> bool:
        return self.column(name) is not None

    def numeric(self) -> list[str]:
        return [c.name for c in self.columns if c.is_numeric]

    def non_numeric(self) -> list[str]:
        return [c.name for c in self.columns if not c.is_numeric]

    def with_columns(self, columns, **changes) -> "TableSchema":
        return replace(self, columns=tuple(columns), **changes)


@dataclass(frozen=True)
class LearnerSchema:
    task: str  # classification | regression | clustering
    estimator: str = ""
    port_type = PortType.LEARNER


@dataclass(frozen=True)
class ModelSchema:
    task: str
    node: str
    label: str | None = None
    features: tuple[str, ...] = ()
    lineage: tuple[str, ...] = ()
    port_type = PortType.MODEL


@dataclass(frozen=True)
class TransformSchema:
    node: str
    input_columns: tuple[str, ...] = ()
    # What applying it does to those columns ('impute', 'remove_rows', 'scale', 'ordinal',
    # 'onehot'), so that Apply Transformation can infer its output; '' when not known.
    method: str = ""
    port_type = PortType.TRANSFORM


@dataclass(frozen=True)
class MetricsSchema:
    task: str
    names: tuple[str, ...] = field(default=())
    port_type = PortType.METRICS


Schema = TableSchema | LearnerSchema | ModelSchema | TransformSchema | MetricsSchema
