"""The base of nodes whose work is a row-wise transform that joins the table's lineage, so that a
model trained downstream (and Score Model, and the registered inference pipeline) applies it to
raw rows. Light on purpose: stdlib only at import time."""
from __future__ import annotations

import importlib
from dataclasses import replace

from .base import CATEGORIES, NodeType, Port
from .common import call, reported
from .schema import PortType, TableSchema, TransformSchema

__all__ = ["LineageTransform", "TABLE_IN", "any_list"]

TABLE_IN = (Port("data", PortType.TABLE, "The table to work on."),)


def any_list(kind, *, empty: bool = True):
    """A predicate for AnyJson: a list of values of `kind` (optionally non-empty)."""
    def accepts(value) -> bool:
        return isinstance(value, list) and (empty or bool(value)) and all(
            isinstance(v, kind) and not isinstance(v, bool) for v in value)
    return accepts


class LineageTransform(NodeType):
    """Outputs the transformed table (its lineage gains this node) and the transform itself.

    Subclasses name the kernel function, `(df, **params) -> (df, step)`, and describe the output
    columns in `out_schema`; set `fits_transform` when the step learns from the rows."""

    category = CATEGORIES[1]
    inputs = TABLE_IN
    outputs = (
        Port("data", PortType.TABLE, "The transformed table."),
        Port("transform", PortType.TRANSFORM, "The transform, to apply to other tables."),
    )
    kernel = ""     # module under nodes/, e.g. "ops_columns"
    function = ""   # its function

    def out_schema(self, table: TableSchema, params) -> TableSchema:
        raise NotImplementedError

    def input_columns(self, table: TableSchema, params) -> tuple[str, ...]:
        return tuple(params.get("columns") or ())

    def infer(self, inputs, params, ctx):
        table = inputs.get("data")
        if table is None:
            return {"data": None, "transform": TransformSchema(ctx.node_id, (), "replace_columns")}
        out = self.out_schema(table, params)
        columns = self.input_columns(table, params)
        return {"data": replace(out, lineage=table.lineage + (ctx.node_id,)),
                "transform": TransformSchema(ctx.node_id, columns, "replace_columns")}

    def kernel_args(self, params) -> dict:
        return dict(params)

    def run(self, inputs, params, ctx):
        from .values import LineageStep, Transform
        table = inputs["data"]
        fn = getattr(importlib.import_module(f"nodes.{self.kernel}"), self.function)
        with reported():
            df, fitted = fn(table.df, **self.kernel_args(params))[:2]
        step = LineageStep(ctx.node_id, getattr(ctx, "title", "") or self.title, fitted,
                           tuple((str(c), str(t)) for c, t in table.df.dtypes.items()))
        return {"data": table.derive(df, add=step), "transform": Transform(step)}

    def emit(self, params, ctx):
        return call(f"{ctx.out('data')}, {ctx.out('transform')}", self.function,
                    ctx.inp("data"), **self.kernel_args(params))
