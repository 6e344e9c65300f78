"""Data transformation nodes: select columns, the fitted column transforms, apply, split."""
from __future__ import annotations

from dataclasses import replace

from .base import CATEGORIES, NodeError, NodeType, Port
from .common import call, check_columns, pick_columns, reported
from .params import Choice, Column, Columns, Float, Int, ParamError, String, Union
from .schema import NUMBER, ColumnInfo, PortType, TableSchema, TransformSchema

__all__ = ["SelectColumns", "CleanMissingData", "NormalizeData", "EncodeCategorical",
           "ApplyTransformation", "SplitData", "NODE_TYPES", "apply_schema"]

TRANSFORMATION = CATEGORIES[1]
TABLE_IN = (Port("data", PortType.TABLE, "The table to work on."),)


def rows_subset(table: TableSchema) -> TableSchema:
    """A subset of the rows: a column known to have gaps may have none left."""
    return table.with_columns([replace(c, has_missing=None) if c.has_missing else c
                               for c in table.columns])


def apply_schema(table: TableSchema, columns: tuple[str, ...], method: str) -> TableSchema:
    """The schema of `table` after a transform `method` on `columns` (column order kept)."""
    chosen = set(columns)
    if method == "passthrough":
        return table
    if method == "remove_rows":
        table = rows_subset(table)
    if method in ("impute", "remove_rows"):
        out = [replace(c, has_missing=False) if c.name in chosen else c for c in table.columns]
        return table.with_columns(out)
    if method in ("scale", "ordinal"):
        out = [ColumnInfo(c.name, NUMBER, c.has_missing if method == "scale" else None)
               if c.name in chosen else c for c in table.columns]
        return table.with_columns(out)
    if method == "replace_columns":  # the chosen columns change (type, name, number, or go)
        out = [c for c in table.columns if c.name not in chosen]
        return table.with_columns(out, open=True)
    if method == "onehot":  # indicator columns are known only once the categories are seen
        out = [c for c in table.columns if c.name not in chosen]
        return table.with_columns(out, open=table.open or bool(chosen))
    return table.with_columns(table.columns, open=True)


class SelectColumns(NodeType):
    type_id = "select_columns"
    title = "Select Columns"
    category = TRANSFORMATION
    doc = "Keeps (include, in the order listed) or drops (exclude) the named columns."
    inputs = TABLE_IN
    outputs = (Port("data", PortType.TABLE, "The table with the chosen columns."),)
    params = (
        Columns("columns", [], "The columns to keep or drop."),
        Choice("mode", "include", "Keep the listed columns, or drop them.",
               options=("include", "exclude")),
    )

    def check_more(self, params):
        if params["mode"] == "include" and not params["columns"]:
            return [ParamError("columns", f"The 'columns' parameter of {self.title} must list "
                                          "at least one column to include.")]
        return []

    def infer(self, inputs, params, ctx):
        table = inputs.get("data")
        if table is None:
            return {"data": None}
        check_columns(table, params["columns"], "columns", self.title)
        if params["mode"] == "exclude":
            dropped = set(params["columns"])
            return {"data": table.with_columns([c for c in table.columns if c.name not in dropped])}
        known = [table.column(name) for name in params["columns"]]
        if any(c is None for c in known):  # a column of an open schema, not known yet
            return {"data": table.with_columns([c for c in known if c is not None], open=True)}
        return {"data": table.with_columns(known, open=False)}

    def run(self, inputs, params, ctx):
        from . import ops
        table = inputs["data"]
        with reported():
            df = ops.select_columns(table.df, params["columns"], params["mode"])
        return {"data": table.derive(df)}

    def emit(self, params, ctx):
        return call(ctx.out("data"), "select_columns", ctx.inp("data"),
                    columns=params["columns"], mode=params["mode"])


class _FittedTransform(NodeType):
    """A transform fitted on its input: outputs the transformed table and the fitted transform."""

    category = TRANSFORMATION
    inputs = TABLE_IN
    outputs = (
        Port("data", PortType.TABLE, "The transformed table."),
        Port("transform", PortType.TRANSFORM, "The fitted transform, to apply to other tables."),
    )
    fits_transform = True
    function = ""  # the ops function doing the work: (df, **params) -> (df, fitted step)

    def method(self, params) -> str:
        raise NotImplementedError

    def chosen_columns(self, table: TableSchema, params) -> list[str]:
        raise NotImplementedError

    def infer(self, inputs, params, ctx):
        table = inputs.get("data")
        if table is None:
            return {"data": None,
                    "transform": TransformSchema(ctx.node_id, (), self.method(params))}
        for name in ("columns", "exclude_columns"):
            if name in params:
                check_columns(table, params[name], name, self.title)
        columns = tuple(self.chosen_columns(table, params))
        out = apply_schema(table, columns, self.method(params))
        return {"data": replace(out, lineage=table.lineage + (ctx.node_id,)),
                "transform": TransformSchema(ctx.node_id, columns, self.method(params))}

    def run(self, inputs, params, ctx):
        from . import ops
        from .values import LineageStep, Transform
        table = inputs["data"]
        with reported():
            df, fitted = getattr(ops, self.function)(table.df, **params)
        step = LineageStep(ctx.node_id, getattr(ctx, "title", "") or self.title, fitted,
                           tuple((str(c), str(t)) for c, t in table.df.dtypes.items()))
        return {"data": table.derive(df, add=step), "transform": Transform(step)}

    def emit(self, params, ctx):
        target = f"{ctx.out('data')}, {ctx.out('transform')}"
        return call(target, self.function, ctx.inp("data"), **params)


def _require_numeric(table: TableSchema, columns, title: str, why: str) -> None:
    for name in columns:
        info = table.column(name)
        if info is not None and not info.is_numeric:
            raise NodeError(f"{title} {why}, but column {name!r} holds text.",
                            "Encode it first, or leave it out.", param="columns", column=name)


class CleanMissingData(_FittedTransform):
    type_id = "clean_missing_data"
    title = "Clean Missing Data"
    doc = ("Fills missing values with scikit-learn's SimpleImputer fitted on the input (mean, "
           "median, most_frequent, or constant = fill_value; with no fill_value, 0 for numbers "
           "and 'missing_value' for text), or removes the rows with a missing value "
           "(remove_rows). Empty 'columns' means every column that has missing values. A column "
           "with no value at all is filled with 0 (or fill_value). With remove_rows the "
           "'transform' output passes rows through unchanged: rows cannot be removed at "
           "prediction time.")
    function = "clean_missing_data"
    params = (
        Columns("columns", [], "The columns to clean; empty: every column with missing values."),
        Choice("strategy", "mean", "How to replace a missing value.",
               options=("mean", "median", "most_frequent", "constant", "remove_rows")),
        Union("fill_value", None, "The value used by strategy 'constant'.", nullable=True,
              alternatives=(Float("number"), String("text"))),
    )

    def check_more(self, params):
        if params["fill_value"] is not None and params["strategy"] != "constant":
            return [ParamError("fill_value", f"The 'fill_value' parameter of {self.title} is "
                                             "used only with strategy 'constant'. Set strategy "
                                             "to 'constant' or fill_value to null.")]
        return []

    def method(self, params):
        return "remove_rows" if params["strategy"] == "remove_rows" else "impute"

    def chosen_columns(self, table, params):
        if params["columns"]:
            columns = list(params["columns"])
        else:  # before running, only columns known to have gaps (or not known not to)
            columns = [c.name for c in table.columns if c.has_missing is not False]
        if params["strategy"] in ("mean", "median"):
            known = columns if params["columns"] else \
                [c.name for c in table.columns if c.has_missing]
            _require_numeric(table, known, self.title, f"with strategy '{params['strategy']}' "
                                                        "needs numeric columns")
        return columns


class NormalizeData(_FittedTransform):
    type_id = "normalize_data"
    title = "Normalize Data"
    doc = ("Scales numeric columns with StandardScaler (zscore), MinMaxScaler (minmax) or "
           "RobustScaler (robust), fitted on the input. Empty 'columns' means all numeric "
           "columns, minus exclude_columns (exclude a regression label you want unscaled).")
    function = "normalize_data"
    params = (
        Columns("columns", [], "The columns to scale; empty: all numeric columns."),
        Columns("exclude_columns", [], "Columns to leave as they are."),
        Choice("method", "zscore", "The scaler.", options=("zscore", "minmax", "robust")),
    )

    def method(self, params):
        return "scale"

    def chosen_columns(self, table, params):
        columns = pick_columns(table, params["columns"], params["exclude_columns"], numeric=True)
        _require_numeric(table, columns, self.title, "scales numbers")
        return columns


class EncodeCategorical(_FittedTransform):
    type_id = "encode_categorical"
    title = "Encode Categorical"
    doc = ("Encodes categorical columns with OneHotEncoder(handle_unknown='ignore') (onehot: "
           "each column is replaced, at its position, by indicator columns <column>_<category>) "
           "or OrdinalEncoder (ordinal: unknown categories become -1). Empty 'columns' means all "
           "non-numeric columns, minus exclude_columns.")
    function = "encode_categorical"
    params = (
        Columns("columns", [], "The columns to encode; empty: all non-numeric columns."),
        Columns("exclude_columns", [], "Columns to leave as they are (e.g. a text label)."),
        Choice("method", "onehot", "One indicator column per category, or one integer code.",
               options=("onehot", "ordinal")),
    )

    def method(self, params):
        return params["method"]

    def chosen_columns(self, table, params):
        return pick_columns(table, params["columns"], params["exclude_columns"], numeric=False)


class ApplyTransformation(NodeType):
    type_id = "apply_transformation"
    title = "Apply Transformation"
    category = TRANSFORMATION
    doc = ("Applies a fitted transform (e.g. from Clean Missing Data fitted on training rows) "
           "to another table, such as the test rows. Columns the table lacks (typically the "
           "label) are left out.")
    inputs = (Port("transform", PortType.TRANSFORM, "A fitted transform."),
              Port("data", PortType.TABLE, "The table to transform."))
    outputs = (Port("data", PortType.TABLE, "The transformed table."),)

    def infer(self, inputs, params, ctx):
        transform, table = inputs.get("transform"), inputs.get("data")
        if table is None or transform is None:
            return {"data": None}
        if transform.node in table.lineage:
            raise NodeError("This table has already been through that transform.",
                            "Connect the table from before the transform.", port="data")
        # Rows cannot be removed at prediction time: a fitted remove_rows passes rows through.
        method = "passthrough" if transform.method == "remove_rows" else transform.method
        out = apply_schema(table, transform.input_columns, method)
        return {"data": replace(out, lineage=table.lineage + (transform.node,))}

    def run(self, inputs, params, ctx):
        from . import ops
        table, step = inputs["data"], inputs["transform"].step
        if step.step_id in table.lineage_ids:
            raise NodeError("This table has already been through that transform.",
                            "Connect the table from before the transform.", port="data")
        with reported():
            df = ops.apply_transformation(step.estimator, table.df)
        return {"data": table.derive(df, add=step)}

    def emit(self, params, ctx):
        return call(ctx.out("data"), "apply_transformation", ctx.inp("transform"), ctx.inp("data"))


class SplitData(NodeType):
    type_id = "split_data"
    title = "Split Data"
    category = TRANSFORMATION
    doc = ("Splits rows into train and test exactly as train_test_split(df, "
           "train_size=fraction, random_state=seed, shuffle=True, stratify=df[stratify_column] "
           "or None).")
    inputs = TABLE_IN
    outputs = (Port("train", PortType.TABLE, "A 'fraction' of the rows."),
               Port("test", PortType.TABLE, "The other rows."))
    params = (
        Float("fraction", 0.7, "The share of rows that go to 'train'.", low=0.0, high=1.0,
              closed="neither"),
        Int("seed", 0, "The random seed of the shuffle.", low=0, high=2**32 - 1),
        Column("stratify_column", None, "Keep this column's class shares equal in both parts.",
               nullable=True),
    )
    splits_rows = True

    def infer(self, inputs, params, ctx):
        table = inputs.get("data")
        if table is not None and params["stratify_column"]:
            check_columns(table, [params["stratify_column"]], "stratify_column", self.title)
        part = rows_subset(table) if table is not None else None
        return {"train": part, "test": part}

    def run(self, inputs, params, ctx):
        from . import ops
        table = inputs["data"]
        with reported():
            train, test = ops.split_data(table.df, **params)
        return {"train": table.derive(train), "test": table.derive(test)}

    def emit(self, params, ctx):
        return call(f"{ctx.out('train')}, {ctx.out('test')}", "split_data", ctx.inp("data"),
                    **params)


NODE_TYPES = [SelectColumns, CleanMissingData, NormalizeData, EncodeCategorical,
              ApplyTransformation, SplitData]
