"""What flows on a port at run time: Table, Learner, Model, Transform and Metrics values."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .schema import Roles, ScoreInfo

if TYPE_CHECKING:  # pandas and scikit-learn are imported only where data is handled
    import pandas as pd
    from sklearn.pipeline import Pipeline

__all__ = ["LineageStep", "Table", "Learner", "Transform", "Model", "Metrics"]


@dataclass(frozen=True)
class LineageStep:
    """A fitted, table-in/table-out transform and the node that fitted it (its step name)."""

    step_id: str
    title: str
    estimator: Any  # a fitted scikit-learn transformer with pandas output
    input_columns: tuple[tuple[str, str], ...] = ()  # (name, dtype) of the table it was fitted on


@dataclass
class Table:
    df: "pd.DataFrame"
    lineage: tuple[LineageStep, ...] = ()
    scored: ScoreInfo | None = None
    # Column roles (schema.ROLES) set by Edit Metadata; a class-level default, so tables pickled
    # in caches written before roles existed read back with none.
    roles: Roles = ()

    @property
    def lineage_ids(self) -> tuple[str, ...]:
        return tuple(step.step_id for step in self.lineage)

    def derive(self, df: "pd.DataFrame", *, add: LineageStep | None = None, scored=None,
               roles: Roles | None = None) -> "Table":
        """A new table with this one's lineage (plus `add`) and roles (or `roles`), e.g. after a
        row or column operation."""
        lineage = self.lineage + ((add,) if add else ())
        return Table(df, lineage, scored if scored is not None else self.scored,
                     self.roles if roles is None else roles)


@dataclass
class Learner:
    estimator: Any  # an unfitted scikit-learn estimator
    task: str


@dataclass
class Transform:
    step: LineageStep


@dataclass
class Model:
    """A trained model: its inference pipeline from raw input columns to prediction."""

    pipeline: "Pipeline"  # steps named by the node ids of the transforms, then "features", "estimator"
    task: str
    label: str | None
    features: list[str]
    classes: list | None = None
    signature: list[tuple[str, str]] = field(default_factory=list)  # raw input (name, dtype)
    node: str = ""

    @property
    def transform_ids(self) -> list[str]:
        return [name for name, _ in self.pipeline.steps[:-2]]


@dataclass
class Metrics:
    """Plain-Python results of Evaluate Model; JSON-serialisable, never needs pandas to read."""

    task: str
    values: dict[str, float]
    curves: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    b: "Metrics | None" = None

    def to_json(self) -> dict:
        out = {"task": self.task, "values": self.values, "curves": self.curves, "tables": self.tables}
        if self.b is not None:
            out["b"] = self.b.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Metrics":
        b = cls.from_json(data["b"]) if data.get("b") else None
        return cls(data["task"], data["values"], data.get("curves", {}), data.get("tables", {}), b)

    def flat(self) -> dict[str, float]:
        """Scalar metrics as one dict; the second data set's under 'b.<name>'."""
        out = dict(self.values)
        if self.b is not None:
            out.update({f"b.{k}": v for k, v in self.b.values.items()})
        return out
