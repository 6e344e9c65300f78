"""MLWire's row and table operations: duplicates, Filter Rows, joins, adding rows and columns,
partitions and samples, group-by aggregates and SQL over tables. Shared by the nodes and, pasted
verbatim, by exported scripts (DuckDB is imported only by the SQL transformation).

These operations shape training data; none of them is part of a model's inference pipeline.
"""
import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, StratifiedKFold

from .ops import DataError, _names, _require_columns
from .ops_expr import ExpressionError, evaluate_expression

__all__ = [
    "remove_duplicate_rows", "filter_rows", "join_data", "add_rows", "add_columns",
    "partition_and_sample", "group_by_aggregate", "apply_sql_transformation", "FOLD",
    "AGGREGATES", "RIGHT_SUFFIX",
]

FOLD = "fold"          # column Partition and Sample adds in 'assign_to_folds' mode
RIGHT_SUFFIX = "_b"    # added to right-hand column names that the left table already has
AGGREGATES = ("count", "sum", "mean", "median", "min", "max", "std", "nunique", "first", "last")


def remove_duplicate_rows(df, columns=(), keep="first"):
    """Drop rows that repeat an earlier (keep='first') or later (keep='last') row on `columns`
    (empty: all columns)."""
    _require_columns(df, columns, "Remove Duplicate Rows", param="columns")
    return df.drop_duplicates(subset=list(columns) or None, keep=keep)


def filter_rows(df, expression):
    """The rows where `expression` (MLWire's safe filter language) is true."""
    try:
        mask = evaluate_expression(df, expression)
    except ExpressionError as exc:
        raise DataError(f"Filter Rows: {exc.message}", param="expression") from None
    return df[mask.to_numpy(dtype=bool)]


def _nullable_bools(df, columns):
    """Bool columns that gained missing values (unmatched join rows) as pandas' nullable
    'boolean' dtype, so that they stay booleans."""
    for column in columns:
        if df[column].dtype == object and df[column].dropna().map(type).isin([bool]).all():
            df[column] = df[column].astype("boolean")
    return df


def join_data(df, df_b, left_keys, right_keys, how="inner", keep_right_keys=True):
    """Join two tables on key columns (pandas.merge, `how` inner/left/right/outer).

    The result has the left columns, then the right ones; a right column whose name the left
    table has gets the suffix '_b'. Without keep_right_keys the right keys are dropped (and, for
    right and outer joins, fill the left keys where only the right table had the row).
    """
    _require_columns(df, left_keys, "Join Data (left table)", param="left_keys")
    _require_columns(df_b, right_keys, "Join Data (right table)", param="right_keys")
    if len(left_keys) != len(right_keys) or not left_keys:
        raise DataError(f"Join Data needs as many right keys as left keys; got "
                        f"{len(left_keys)} and {len(right_keys)}.",
                        "List the key columns of both tables in the same order.",
                        param="right_keys")
    renamed = {c: f"{c}{RIGHT_SUFFIX}" if c in set(df.columns) else c for c in df_b.columns}
    clash = set(renamed.values()) & set(df.columns)
    if clash:
        raise DataError(f"Join Data would create the column {sorted(clash)[0]!r} twice.",
                        "Rename it in one of the tables first (Edit Metadata).",
                        column=sorted(clash)[0])
    right = df_b.rename(columns=renamed)
    right_on = [renamed[k] for k in right_keys]
    try:
        out = pd.merge(df.reset_index(drop=True), right.reset_index(drop=True), how=how,
                       left_on=list(left_keys), right_on=right_on, sort=False)
    except (ValueError, TypeError) as exc:
        raise DataError(f"Join Data could not match the keys: {exc}",
                        "Key columns must hold the same kind of values on both sides; convert "
                        "them with Edit Metadata.", param="left_keys") from exc
    if not keep_right_keys:
        if how in ("right", "outer"):
            for left, r in zip(left_keys, right_on):
                out[left] = out[left].where(out[left].notna(), out[r])
        out = out.drop(columns=right_on)
    if how != "inner":
        out = _nullable_bools(out, out.columns)
    return out


def add_rows(df, df_b):
    """The rows of `df` then those of `df_b`; both must have the same column names (in any
    order). The result keeps `df`'s column order."""
    missing = [c for c in df.columns if c not in set(df_b.columns)]
    extra = [c for c in df_b.columns if c not in set(df.columns)]
    if missing or extra:
        raise DataError("Add Rows needs two tables with the same columns. "
                        + (f"The second table lacks {_names(missing)}. " if missing else "")
                        + (f"It has {_names(extra)} that the first lacks." if extra else ""),
                        "Select or rename columns so that both tables match.",
                        column=str((missing or extra)[0]))
    return pd.concat([df, df_b[list(df.columns)]], ignore_index=True)


def add_columns(df, df_b):
    """The columns of `df` then those of `df_b`, row by row; both must have as many rows. A
    column name the first table has gets the suffix '_b'."""
    if len(df) != len(df_b):
        raise DataError(f"Add Columns needs two tables with as many rows; they have {len(df)} "
                        f"and {len(df_b)}.", "Use Join Data to match rows by a key instead.")
    renamed = {c: f"{c}{RIGHT_SUFFIX}" if c in set(df.columns) else c for c in df_b.columns}
    clash = set(renamed.values()) & set(df.columns)
    if clash:
        raise DataError(f"Add Columns would create the column {sorted(clash)[0]!r} twice.",
                        "Rename it in one of the tables first.", column=sorted(clash)[0])
    right = df_b.rename(columns=renamed).reset_index(drop=True)
    return pd.concat([df.reset_index(drop=True), right], axis=1)


def partition_and_sample(df, mode="sample", fraction=0.1, replace=False, folds=5, seed=0,
                         stratify_column=None):
    """mode 'sample': a random `fraction` of the rows (DataFrame.sample; stratified: the same
    fraction of each class). mode 'assign_to_folds': every row, plus a 'fold' column numbering
    `folds` (Stratified)KFold(shuffle=True, random_state=seed) test folds 0..folds-1."""
    if stratify_column is not None:
        _require_columns(df, [stratify_column], "Partition and Sample", param="stratify_column")
    if mode == "sample":
        if stratify_column is None:
            return df.sample(frac=fraction, replace=replace, random_state=seed)
        parts = [group.sample(frac=fraction, replace=replace, random_state=seed)
                 for _, group in df.groupby(stratify_column, sort=True, dropna=False)]
        return pd.concat(parts).sort_index() if parts else df.iloc[:0]
    if len(df) < folds:
        raise DataError(f"Cannot make {folds} folds from {len(df)} rows.",
                        "Use fewer folds.", param="folds")
    if stratify_column is None:
        splitter, target = KFold(folds, shuffle=True, random_state=seed), None
    else:
        splitter, target = StratifiedKFold(folds, shuffle=True, random_state=seed), \
            df[stratify_column].astype(str)
    assigned = np.zeros(len(df), dtype=np.int64)
    try:
        for number, (_, test) in enumerate(splitter.split(np.zeros(len(df)), target)):
            assigned[test] = number
    except ValueError as exc:
        raise DataError(f"Cannot assign {len(df)} rows to {folds} folds: {exc}",
                        "Use fewer folds or no stratify_column.", param="folds") from exc
    out = df.copy()
    out[FOLD] = assigned
    return out


def group_by_aggregate(df, group_columns, columns=(), functions=("mean",)):
    """One row per combination of `group_columns` values (missing values form a group too),
    with `<column>_<function>` for each column (empty: every other numeric column) and
    function (count, sum, mean, median, min, max, std, nunique, first, last)."""
    _require_columns(df, group_columns, "Group By / Aggregate", param="group_columns")
    _require_columns(df, columns, "Group By / Aggregate", param="columns")
    group_columns = list(group_columns)
    columns = list(columns) or [c for c in df.columns if c not in set(group_columns)
                                and pd.api.types.is_numeric_dtype(df[c])]
    numeric_only = {"sum", "mean", "median", "std"}
    for column in columns:
        if set(functions) & numeric_only and not pd.api.types.is_numeric_dtype(df[column]):
            raise DataError(f"Column {column!r} holds text; "
                            f"{_names(sorted(set(functions) & numeric_only))} need numbers.",
                            "Use count, nunique, min, max, first or last for text columns.",
                            column=column, param="columns")
    grouped = df.groupby(group_columns, sort=True, dropna=False) if group_columns else None
    parts = {}
    for column in columns:
        for function in functions:
            source = grouped[column] if grouped is not None else df[column]
            value = getattr(source, function)()
            parts[f"{column}_{function}"] = value
    if grouped is None:
        return pd.DataFrame({name: [value] for name, value in parts.items()})
    keys = grouped.size().reset_index()[group_columns]
    out = keys.copy()
    for name, series in parts.items():
        out[name] = series.to_numpy()
    return out


def apply_sql_transformation(query, t1, t2=None, t3=None):
    """Run a SQL query with DuckDB over the input tables, named t1, t2 and t3. DuckDB runs in
    memory with external access off: the query sees only these tables, never files or network."""
    try:
        import duckdb
    except ImportError:
        raise DataError("Apply SQL Transformation needs the Python package 'duckdb'.",
                        "Install it with: pip install duckdb") from None
    connection = duckdb.connect(":memory:")
    try:
        for name, table in (("t1", t1), ("t2", t2), ("t3", t3)):
            if table is not None:
                connection.register(name, table)
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
        try:
            out = connection.execute(query).df()
        except duckdb.Error as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DataError(f"The SQL query failed: {detail}",
                            "Fix the 'query' parameter; the inputs are the tables t1, t2 and t3.",
                            param="query") from None
    finally:
        connection.close()
    out.columns = [str(c) for c in out.columns]
    duplicated = out.columns[out.columns.duplicated()].unique().tolist()
    if duplicated:
        raise DataError(f"The query's result has the column name(s) {_names(duplicated)} more "
                        "than once.", "Give each result column its own name with AS.",
                        param="query")
    return out
