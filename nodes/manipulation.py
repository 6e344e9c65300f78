"""Data transformation nodes that shape rows and tables: Edit Metadata, Remove Duplicate Rows,
Filter Rows, Join Data, Add Rows, Add Columns, Apply Math Operation, Clip Values, Partition and
Sample, Group By / Aggregate, Apply SQL Transformation."""
from __future__ import annotations

from dataclasses import replace

from .base import CATEGORIES, NodeError, NodeType, Port
from .common import OPEN_TABLE, call, check_columns, pick_columns, reported
from .lineage import TABLE_IN, LineageTransform, any_list
from .ops_expr import ExpressionError, check_expression
from .params import AnyJson, Bool, Choice, Column, Columns, Float, Int, ParamError, String
from .schema import (BOOL, CATEGORY, DATETIME, NUMBER, ROLES, STRING, ColumnInfo, PortType,
                     TableSchema, assign_roles, rename_roles)
from .transform import rows_subset

__all__ = ["EditMetadata", "RemoveDuplicateRows", "FilterRows", "JoinData", "AddRows",
           "AddColumns", "ApplyMathOperation", "ClipValues", "PartitionAndSample",
           "GroupByAggregate", "ApplySqlTransformation", "NODE_TYPES"]

TRANSFORMATION = CATEGORIES[1]
TABLE_OUT = (Port("data", PortType.TABLE, "The resulting table."),)
TWO_TABLES = (Port("data", PortType.TABLE, "The first (left) table."),
              Port("data_b", PortType.TABLE, "The second (right) table."))
# Kept in step with ops_columns / ops_table (which the checker must not import).
COLUMN_TYPES = ("unchanged", "number", "integer", "string", "bool", "datetime", "category")
MATH_OPERATIONS = ("abs", "ceil", "floor", "round", "exp", "log", "log1p", "log10", "sqrt",
                   "square", "negate", "sign", "add", "subtract", "multiply", "divide", "power")
AGGREGATES = ("count", "sum", "mean", "median", "min", "max", "std", "nunique", "first", "last")
RIGHT_SUFFIX = "_b"
_KIND_OF_TYPE = {"number": NUMBER, "integer": NUMBER, "string": STRING, "bool": BOOL,
                 "datetime": DATETIME, "category": CATEGORY}


def _simple(table: TableSchema | None, fn):
    return None if table is None else fn(table)


# -- column transforms that join the lineage -------------------------------------------------

class EditMetadata(LineageTransform):
    type_id = "edit_metadata"
    title = "Edit Metadata"
    doc = ("Changes the type of the chosen columns (number, integer, string, bool, datetime, "
           "category), renames them (new_names, in the same order) and/or gives them a role: "
           "'label' (Train Model predicts it when its label_column is empty), 'ignore' (never "
           "a feature: ids, free text, leaky columns) or 'feature' (the default). Roles travel "
           "with the table through later nodes. It joins the table's lineage, so a model "
           "trained downstream applies the type changes and renames to raw rows too.")
    kernel, function = "ops_columns", "edit_metadata"
    params = (
        Columns("columns", [], "The columns to change."),
        Choice("type", "unchanged", "The new type of those columns.", options=COLUMN_TYPES),
        AnyJson("new_names", [], "New names for those columns, in the same order; empty: keep "
                                 "the names.", what="a list of texts",
                predicate=any_list(str)),
        Choice("role", "unchanged", "The role of those columns: label (what to predict), "
                                    "ignore (not a feature), feature, or unchanged.",
               options=("unchanged",) + ROLES),
    )

    def check_more(self, params):
        errors = []
        if not params["columns"]:
            errors.append(ParamError("columns", f"The 'columns' parameter of {self.title} must "
                                                "list at least one column."))
        if params["role"] == "label" and len(params["columns"]) > 1:
            errors.append(ParamError("role", f"Only one column can have the role 'label'; "
                                             f"{self.title} lists {len(params['columns'])}. "
                                             "List just the label column."))
        names = params["new_names"]
        if names and len(names) != len(params["columns"]):
            errors.append(ParamError("new_names", f"The 'new_names' parameter of {self.title} "
                                                  f"must give one name per column "
                                                  f"({len(params['columns'])}); got {len(names)}."))
        return errors

    def out_schema(self, table, params):
        check_columns(table, params["columns"], "columns", self.title)
        renames = dict(zip(params["columns"], params["new_names"])) if params["new_names"] else {}
        kind = _KIND_OF_TYPE.get(params["type"])
        out = []
        for c in table.columns:
            if c.name in params["columns"]:
                c = ColumnInfo(renames.get(c.name, c.name), kind or c.kind, c.has_missing)
            out.append(c)
        names = [c.name for c in out]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise NodeError(f"Renaming would give two columns the name {dup!r}.",
                            "Choose new names the table does not have.", param="new_names")
        return table.with_columns(out, roles=self.roles_after(table.roles, params))

    @staticmethod
    def roles_after(roles, params):
        """Roles follow renamed columns; then the chosen columns get the new role."""
        renames = dict(zip(params["columns"], params["new_names"])) if params["new_names"] else {}
        roles = rename_roles(roles, renames)
        if params["role"] == "unchanged":
            return roles
        return assign_roles(roles, [renames.get(c, c) for c in params["columns"]],
                            params["role"])

    def kernel_args(self, params) -> dict:
        # Roles are metadata of the table, not of the data: the fitted step (and the exported
        # script's call) do not see them.
        return {k: v for k, v in params.items() if k != "role"}

    def run(self, inputs, params, ctx):
        out = super().run(inputs, params, ctx)
        table = out["data"]
        table.roles = self.roles_after(inputs["data"].roles, params)
        return out


class ApplyMathOperation(LineageTransform):
    type_id = "apply_math_operation"
    title = "Apply Math Operation"
    doc = ("Applies a math function to numeric columns (empty: all numeric): abs, ceil, floor, "
           "round (operand = decimals), exp, log, log1p, log10, sqrt, square, negate, sign, or "
           "add / subtract / multiply / divide / power by the operand. In place, or appended as "
           "'<operation>_<column>'. Invalid results (log of a negative) are missing values. "
           "Joins the table's lineage.")
    kernel, function = "ops_columns", "apply_math_operation"
    params = (
        Columns("columns", [], "The numeric columns; empty: all numeric columns."),
        Choice("operation", "abs", "The operation.", options=MATH_OPERATIONS),
        Float("operand", 1.0, "The second operand of add, subtract, multiply, divide, power; "
                              "the decimals of round."),
        Choice("output_mode", "inplace", "Replace the columns, or append new ones.",
               options=("inplace", "append")),
    )

    def out_schema(self, table, params):
        check_columns(table, params["columns"], "columns", self.title)
        chosen = pick_columns(table, params["columns"], [], numeric=True)
        _require_numeric(table, chosen, self.title)
        if params["output_mode"] == "append":
            added = [ColumnInfo(f"{params['operation']}_{c}", NUMBER, None) for c in chosen]
            return table.with_columns(list(table.columns) + added)
        return table.with_columns([ColumnInfo(c.name, NUMBER, None) if c.name in chosen else c
                                   for c in table.columns])

    def input_columns(self, table, params):
        return tuple(pick_columns(table, params["columns"], [], numeric=True))


def _require_numeric(table: TableSchema, columns, title: str) -> None:
    for name in columns:
        info = table.column(name)
        if info is not None and not info.is_numeric:
            raise NodeError(f"{title} works on numbers, but column {name!r} holds text.",
                            "Leave it out, or convert it with Edit Metadata.", param="columns",
                            column=name)


class ClipValues(LineageTransform):
    type_id = "clip_values"
    title = "Clip Values"
    doc = ("Clips numeric columns (empty: all numeric) to a lower and/or upper bound: constants, "
           "or percentiles (0-100) of the input rows, learned when fitted and reused on other "
           "rows. Joins the table's lineage.")
    kernel, function = "ops_columns", "clip_values"
    fits_transform = True
    params = (
        Columns("columns", [], "The numeric columns; empty: all numeric columns."),
        Choice("mode", "constant", "Bounds as constants, or as percentiles of the input.",
               options=("constant", "percentile")),
        Float("lower", None, "The lower bound (a percentile in percentile mode); null: none.",
              nullable=True),
        Float("upper", None, "The upper bound (a percentile in percentile mode); null: none.",
              nullable=True),
    )

    def check_more(self, params):
        lower, upper = params["lower"], params["upper"]
        if lower is None and upper is None:
            return [ParamError("lower", f"{self.title} needs a 'lower' or an 'upper' bound.")]
        if params["mode"] == "percentile":
            for name, value in (("lower", lower), ("upper", upper)):
                if value is not None and not 0 <= value <= 100:
                    return [ParamError(name, f"The '{name}' parameter of {self.title} must be "
                                             f"a percentile in [0, 100]. Got {value!r}.")]
        if lower is not None and upper is not None and lower > upper:
            return [ParamError("upper", f"The 'upper' parameter of {self.title} must not be "
                                        "below 'lower'.")]
        return []

    def out_schema(self, table, params):
        check_columns(table, params["columns"], "columns", self.title)
        chosen = pick_columns(table, params["columns"], [], numeric=True)
        _require_numeric(table, chosen, self.title)
        return table.with_columns([ColumnInfo(c.name, NUMBER, c.has_missing)
                                   if c.name in chosen else c for c in table.columns])

    def input_columns(self, table, params):
        return tuple(pick_columns(table, params["columns"], [], numeric=True))


# -- row operations --------------------------------------------------------------------------

class RemoveDuplicateRows(NodeType):
    type_id = "remove_duplicate_rows"
    title = "Remove Duplicate Rows"
    category = TRANSFORMATION
    doc = ("Removes rows that repeat another row on the chosen columns (empty: all columns), "
           "keeping the first or the last of each set.")
    inputs, outputs = TABLE_IN, TABLE_OUT
    params = (
        Columns("columns", [], "The columns that define a duplicate; empty: all columns."),
        Choice("keep", "first", "Which row of a set of duplicates to keep.",
               options=("first", "last")),
    )

    def infer(self, inputs, params, ctx):
        table = inputs.get("data")
        check_columns(table, params["columns"], "columns", self.title)
        return {"data": _simple(table, rows_subset)}

    def run(self, inputs, params, ctx):
        from . import ops_table
        table = inputs["data"]
        with reported():
            df = ops_table.remove_duplicate_rows(table.df, params["columns"], params["keep"])
        return {"data": table.derive(df)}

    def emit(self, params, ctx):
        return call(ctx.out("data"), "remove_duplicate_rows", ctx.inp("data"), **params)


class FilterRows(NodeType):
    type_id = "filter_rows"
    title = "Filter Rows"
    category = TRANSFORMATION
    doc = ("Keeps the rows where a condition is true, e.g. `age >= 18 and country in ['FR', "
           "'DE'] and income is not None`. The condition language is safe: column names (in "
           "backticks when they have spaces: `petal width (cm)` > 1), numbers, 'texts', True, "
           "False, None, comparisons, in [...], is None, and/or/not and arithmetic; no function "
           "calls, attributes or subscripts. Missing values never satisfy a comparison.")
    inputs, outputs = TABLE_IN, TABLE_OUT
    params = (String("expression", doc="The condition a row must meet to be kept.",
                     allow_empty=False),)

    def infer(self, inputs, params, ctx):
        try:
            used = check_expression(params["expression"])
        except ExpressionError as exc:
            raise NodeError(exc.message, param="expression") from None
        table = inputs.get("data")
        if table is not None and not table.open:
            for name in used:
                if not table.has(name):
                    raise NodeError(f"The expression names column {name!r}, which the input "
                                    "table does not have.", "Available columns: "
                                    + (", ".join(repr(c) for c in table.names) or "none")
                                    + ". Write names with spaces in backticks: `my column`.",
                                    param="expression", column=name)
        return {"data": _simple(table, rows_subset)}

    def run(self, inputs, params, ctx):
        from . import ops_table
        table = inputs["data"]
        with reported():
            df = ops_table.filter_rows(table.df, params["expression"])
        ctx.log(f"{len(df)} of {len(table.df)} row(s) kept\n")
        return {"data": table.derive(df)}

    def emit(self, params, ctx):
        return call(ctx.out("data"), "filter_rows", ctx.inp("data"), **params)


def _renamed_right(left: TableSchema, right: TableSchema) -> list[ColumnInfo]:
    taken = set(left.names)
    return [replace(c, name=f"{c.name}{RIGHT_SUFFIX}") if c.name in taken else c
            for c in right.columns]


def _clash(names: list[str], title: str) -> None:
    seen = set()
    for name in names:
        if name in seen:
            raise NodeError(f"{title} would create the column {name!r} twice.",
                            "Rename it in one of the tables first (Edit Metadata).", column=name)
        seen.add(name)


class JoinData(NodeType):
    type_id = "join_data"
    title = "Join Data"
    category = TRANSFORMATION
    doc = ("Joins two tables on key columns (pandas.merge): inner, left, right or full outer. "
           "The left columns come first, then the right ones; a right column whose name the "
           "left table has gets the suffix '_b'. Without keep_right_keys the right key columns "
           "are dropped.")
    inputs, outputs = TWO_TABLES, TABLE_OUT
    params = (
        Columns("left_keys", [], "The key columns of the left table ('data')."),
        Columns("right_keys", [], "The key columns of the right table ('data_b'), in the same "
                                  "order.", port="data_b"),
        Choice("how", "inner", "Which rows to keep: matches only (inner), every left row "
                               "(left), every right row (right), or all (outer).",
               options=("inner", "left", "right", "outer")),
        Bool("keep_right_keys", True, "Keep the right table's key columns too."),
    )

    def check_more(self, params):
        if not params["left_keys"] or len(params["left_keys"]) != len(params["right_keys"]):
            return [ParamError("right_keys", f"{self.title} needs one or more key columns, as "
                                             "many on the right as on the left. Got "
                                             f"{len(params['left_keys'])} and "
                                             f"{len(params['right_keys'])}.")]
        return []

    def infer(self, inputs, params, ctx):
        left, right = inputs.get("data"), inputs.get("data_b")
        check_columns(left, params["left_keys"], "left_keys", self.title)
        check_columns(right, params["right_keys"], "right_keys", self.title)
        if left is None or right is None:
            return {"data": None}
        right_cols = _renamed_right(left, right)
        if not params["keep_right_keys"]:
            keys = {f"{k}{RIGHT_SUFFIX}" if k in set(left.names) else k
                    for k in params["right_keys"]}
            right_cols = [c for c in right_cols if c.name not in keys]
        columns = [replace(c, has_missing=None) for c in list(left.columns) + right_cols]
        _clash([c.name for c in columns], self.title)
        return {"data": left.with_columns(columns, open=left.open or right.open)}

    def run(self, inputs, params, ctx):
        from . import ops_table
        left, right = inputs["data"], inputs["data_b"]
        with reported():
            df = ops_table.join_data(left.df, right.df, **params)
        return {"data": left.derive(df)}

    def emit(self, params, ctx):
        return call(ctx.out("data"), "join_data", ctx.inp("data"), ctx.inp("data_b"), **params)


class AddRows(NodeType):
    type_id = "add_rows"
    title = "Add Rows"
    category = TRANSFORMATION
    doc = ("Appends the rows of the second table to the first. Both must have the same column "
           "names (in any order); the result keeps the first table's column order.")
    inputs, outputs = TWO_TABLES, TABLE_OUT

    def infer(self, inputs, params, ctx):
        first, second = inputs.get("data"), inputs.get("data_b")
        if first is None or second is None:
            return {"data": None}
        if first.open or second.open:
            return {"data": first.with_columns(first.columns, open=True)}
        if set(first.names) != set(second.names):
            missing = [n for n in first.names if not second.has(n)]
            extra = [n for n in second.names if not first.has(n)]
            raise NodeError("Add Rows needs two tables with the same columns. "
                            + (f"The second lacks {', '.join(map(repr, missing))}. "
                               if missing else "")
                            + (f"It has {', '.join(map(repr, extra))} that the first lacks."
                               if extra else ""),
                            "Select or rename columns so that both tables match.", port="data_b")
        columns = []
        for a in first.columns:
            b = second.column(a.name)
            kind = a.kind if a.kind == b.kind else (
                NUMBER if a.kind == b.kind == NUMBER else STRING)
            missing = None if None in (a.has_missing, b.has_missing) \
                else a.has_missing or b.has_missing
            columns.append(ColumnInfo(a.name, kind, missing))
        return {"data": first.with_columns(columns)}

    def run(self, inputs, params, ctx):
        from . import ops_table
        with reported():
            df = ops_table.add_rows(inputs["data"].df, inputs["data_b"].df)
        return {"data": inputs["data"].derive(df)}

    def emit(self, params, ctx):
        return call(ctx.out("data"), "add_rows", ctx.inp("data"), ctx.inp("data_b"))


class AddColumns(NodeType):
    type_id = "add_columns"
    title = "Add Columns"
    category = TRANSFORMATION
    doc = ("Puts the columns of the second table beside those of the first, row by row (both "
           "must have as many rows); a name the first table has gets the suffix '_b'.")
    inputs, outputs = TWO_TABLES, TABLE_OUT

    def infer(self, inputs, params, ctx):
        first, second = inputs.get("data"), inputs.get("data_b")
        if first is None or second is None:
            return {"data": None}
        columns = list(first.columns) + _renamed_right(first, second)
        _clash([c.name for c in columns], self.title)
        return {"data": first.with_columns(columns, open=first.open or second.open)}

    def run(self, inputs, params, ctx):
        from . import ops_table
        with reported():
            df = ops_table.add_columns(inputs["data"].df, inputs["data_b"].df)
        return {"data": inputs["data"].derive(df)}

    def emit(self, params, ctx):
        return call(ctx.out("data"), "add_columns", ctx.inp("data"), ctx.inp("data_b"))


class PartitionAndSample(NodeType):
    type_id = "partition_and_sample"
    title = "Partition and Sample"
    category = TRANSFORMATION
    doc = ("mode 'sample': a random fraction of the rows (with or without replacement; "
           "stratified: that fraction of each class). mode 'assign_to_folds': every row plus a "
           "'fold' column numbering k cross-validation folds ((Stratified)KFold with "
           "shuffle=True, random_state=seed).")
    inputs, outputs = TABLE_IN, TABLE_OUT
    params = (
        Choice("mode", "sample", "Take a sample, or assign every row to a fold.",
               options=("sample", "assign_to_folds")),
        Float("fraction", 0.5, "The share of rows to sample.", low=0.0, high=1.0,
              closed="right"),
        Bool("replace", False, "Sample with replacement."),
        Int("folds", 5, "The number of folds.", low=2, high=1000),
        Int("seed", 0, "The random seed.", low=0, high=2**32 - 1),
        Column("stratify_column", None, "Keep this column's class shares in the sample or in "
                                        "each fold.", nullable=True),
    )
    splits_rows = True  # folds divide rows into train and test

    def divides_rows(self, params):
        # A sample is one subset, not a train/test division: a transform fitted upstream leaks
        # nothing through it. Unknown mode (invalid parameters): assume folds, to warn.
        return params.get("mode") != "sample"

    def infer(self, inputs, params, ctx):
        table = inputs.get("data")
        if table is None:
            return {"data": None}
        if params["stratify_column"]:
            check_columns(table, [params["stratify_column"]], "stratify_column", self.title)
        if params["mode"] == "sample":
            return {"data": rows_subset(table)}
        columns = [c for c in table.columns if c.name != "fold"] + [ColumnInfo("fold", NUMBER,
                                                                               False)]
        return {"data": table.with_columns(columns)}

    def run(self, inputs, params, ctx):
        from . import ops_table
        table = inputs["data"]
        with reported():
            df = ops_table.partition_and_sample(table.df, **params)
        return {"data": table.derive(df)}

    def emit(self, params, ctx):
        return call(ctx.out("data"), "partition_and_sample", ctx.inp("data"), **params)


class GroupByAggregate(NodeType):
    type_id = "group_by_aggregate"
    title = "Group By / Aggregate"
    category = TRANSFORMATION
    doc = ("One row per combination of the group columns' values (missing values form a group "
           "too), with '<column>_<function>' for each aggregated column (empty: every other "
           "numeric column) and function: count, sum, mean, median, min, max, std, nunique, "
           "first, last. With no group columns, one row for the whole table.")
    inputs, outputs = TABLE_IN, TABLE_OUT
    params = (
        Columns("group_columns", [], "The columns to group by."),
        Columns("columns", [], "The columns to aggregate; empty: every other numeric column."),
        AnyJson("functions", ["mean"], "The aggregate functions: " + ", ".join(AGGREGATES) + ".",
                what="a non-empty list of " + ", ".join(AGGREGATES),
                predicate=lambda v: isinstance(v, list) and bool(v)
                and all(f in AGGREGATES for f in v) and len(set(v)) == len(v)),
    )

    def infer(self, inputs, params, ctx):
        table = inputs.get("data")
        if table is None:
            return {"data": None}
        check_columns(table, params["group_columns"], "group_columns", self.title)
        check_columns(table, params["columns"], "columns", self.title)
        if table.open:
            return {"data": TableSchema((), open=True, lineage=table.lineage,
                                        roles=table.roles)}
        groups = [replace(table.column(g), has_missing=None) for g in params["group_columns"]]
        columns = params["columns"] or [c for c in table.numeric()
                                        if c not in params["group_columns"]]
        out = list(groups)
        for name in columns:
            info = table.column(name)
            if set(params["functions"]) & {"sum", "mean", "median", "std"} and not info.is_numeric:
                raise NodeError(f"Column {name!r} holds text; sum, mean, median and std need "
                                "numbers.", "Use count, nunique, min, max, first or last.",
                                param="columns", column=name)
            for fn in params["functions"]:
                if fn in ("count", "nunique"):
                    out.append(ColumnInfo(f"{name}_{fn}", NUMBER, False))
                elif fn in ("sum", "mean", "median", "std"):
                    out.append(ColumnInfo(f"{name}_{fn}", NUMBER, None))
                else:
                    out.append(ColumnInfo(f"{name}_{fn}", info.kind, None))
        _clash([c.name for c in out], self.title)
        return {"data": table.with_columns(out)}

    def run(self, inputs, params, ctx):
        from . import ops_table
        table = inputs["data"]
        with reported():
            df = ops_table.group_by_aggregate(table.df, **params)
        return {"data": table.derive(df)}

    def emit(self, params, ctx):
        return call(ctx.out("data"), "group_by_aggregate", ctx.inp("data"), **params)


class ApplySqlTransformation(NodeType):
    type_id = "apply_sql_transformation"
    title = "Apply SQL Transformation"
    category = TRANSFORMATION
    doc = ("Runs a SQL query (DuckDB's dialect) over one to three input tables, named t1, t2 "
           "and t3, e.g. SELECT t1.*, t2.price FROM t1 JOIN t2 USING (id). DuckDB runs in "
           "memory with external access off: a query sees only its input tables.")
    inputs = (Port("data", PortType.TABLE, "Table t1."),
              Port("data_b", PortType.TABLE, "Table t2.", optional=True),
              Port("data_c", PortType.TABLE, "Table t3.", optional=True))
    outputs = TABLE_OUT
    params = (String("query", "SELECT * FROM t1", "The SQL query; the inputs are t1, t2, t3.",
                     allow_empty=False, code="sql"),)

    def infer(self, inputs, params, ctx):
        table = inputs.get("data")
        if table is None:
            return {"data": None}
        return {"data": replace(OPEN_TABLE, lineage=table.lineage, roles=table.roles)}

    def run(self, inputs, params, ctx):
        from . import ops_table
        tables = [inputs.get(p).df if inputs.get(p) is not None else None
                  for p in ("data", "data_b", "data_c")]
        with reported():
            df = ops_table.apply_sql_transformation(params["query"], *tables)
        return {"data": inputs["data"].derive(df)}

    def summary(self, params):
        query = " ".join(str(params.get("query", "")).split())    # one line on the card
        return query if len(query) <= 60 else query[:57] + "…"

    def emit(self, params, ctx):
        args = [ctx.inputs.get(p, "None") for p in ("data", "data_b", "data_c")]
        return call(ctx.out("data"), "apply_sql_transformation", repr(params["query"]), *args)


NODE_TYPES = [EditMetadata, RemoveDuplicateRows, FilterRows, JoinData, AddRows, AddColumns,
              ApplyMathOperation, ClipValues, PartitionAndSample, GroupByAggregate,
              ApplySqlTransformation]
