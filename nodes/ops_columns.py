"""MLWire's row-wise column transforms: Edit Metadata, Apply Math Operation, Clip Values, Group
Data into Bins and Feature Hashing. Each is a scikit-learn transformer (DataFrame in, DataFrame
out) that a model's inference pipeline applies to raw rows; a column the table lacks (typically
the label, when new rows are scored) is skipped. Shared by the nodes and, pasted verbatim, by
exported scripts.
"""
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from .ops import DataError, _names, _require_columns, check_numeric, numeric_columns

__all__ = [
    "MetadataStep", "MathStep", "ClipStep", "BinStep", "HashingStep", "edit_metadata",
    "apply_math_operation", "clip_values", "group_data_into_bins", "feature_hashing",
    "COLUMN_TYPES", "MATH_OPERATIONS", "BINNED_SUFFIX",
]

COLUMN_TYPES = ("unchanged", "number", "integer", "string", "bool", "datetime", "category")
MATH_OPERATIONS = ("abs", "ceil", "floor", "round", "exp", "log", "log1p", "log10", "sqrt",
                   "square", "negate", "sign", "add", "subtract", "multiply", "divide", "power")
BINNED_SUFFIX = "_bin"


class _RowStep(TransformerMixin, BaseEstimator):
    """Base of the row-wise steps: fit learns what it needs, transform works on a copy."""

    def fit(self, X, y=None):
        self.fitted_ = True
        return self

    def get_feature_names_out(self, input_features=None):
        return np.asarray(input_features if input_features is not None else [], dtype=object)


def _convert(series, kind, column):
    try:
        if kind == "number":
            return pd.to_numeric(series).astype("float64")
        if kind == "integer":
            values = pd.to_numeric(series)
            return values.astype("int64") if not values.isna().any() else values.astype("Int64")
        if kind == "string":
            return series.astype(object).where(series.isna(), series.astype(str))
        if kind == "bool":
            text = series.astype(str).str.strip().str.lower()
            mapping = {"true": True, "1": True, "yes": True, "1.0": True,
                       "false": False, "0": False, "no": False, "0.0": False}
            unknown = sorted(set(text[series.notna()]) - set(mapping))
            if unknown:
                raise ValueError(f"{unknown[0]!r} is not a boolean")
            return text.map(mapping).astype("boolean") if series.isna().any() \
                else text.map(mapping).astype(bool)
        if kind == "datetime":
            return pd.to_datetime(series)
        if kind == "category":
            return series.astype("category")
    except (ValueError, TypeError) as exc:
        raise DataError(f"Column {column!r} cannot be converted to {kind}: {exc}.",
                        "Clean or filter the values first, or choose another type.",
                        column=column, param="type") from None
    return series


class MetadataStep(_RowStep):
    """Convert `columns` to `type`, then rename them to `new_names` (when given)."""

    def __init__(self, columns=(), type="unchanged", new_names=()):
        self.columns = columns
        self.type = type
        self.new_names = new_names

    def transform(self, X):
        out = X.copy()
        if self.type != "unchanged":
            for column in self.columns:
                if column in out.columns:
                    out[column] = _convert(out[column], self.type, column)
        if self.new_names:
            out = out.rename(columns={old: new for old, new in zip(self.columns, self.new_names)
                                      if old in out.columns})
        duplicated = out.columns[out.columns.duplicated()].unique().tolist()
        if duplicated:
            raise DataError(f"Renaming would give two columns the name {duplicated[0]!r}.",
                            "Choose new names the table does not have.", param="new_names")
        return out


def edit_metadata(df, columns, type="unchanged", new_names=()):
    """Change the type of `columns` and/or rename them. Returns (table, step)."""
    _require_columns(df, columns, "Edit Metadata", param="columns")
    step = MetadataStep(list(columns), type, list(new_names)).fit(df)
    return step.transform(df), step


def _math(values, operation, operand):
    with np.errstate(all="ignore"):
        unary = {"abs": np.abs, "ceil": np.ceil, "floor": np.floor, "exp": np.exp,
                 "log": np.log, "log1p": np.log1p, "log10": np.log10, "sqrt": np.sqrt,
                 "square": np.square, "negate": np.negative, "sign": np.sign}
        if operation in unary:
            return unary[operation](values)
        if operation == "round":
            return np.round(values, int(operand))
        binary = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply,
                  "divide": np.divide, "power": np.power}
        return binary[operation](values, operand)


class MathStep(_RowStep):
    """Apply `operation` (with `operand` for the binary ones and round's decimals) to numeric
    `columns`, in place or as new columns '<operation>_<column>'."""

    def __init__(self, columns=(), operation="abs", operand=1.0, output_mode="inplace"):
        self.columns = columns
        self.operation = operation
        self.operand = operand
        self.output_mode = output_mode

    def transform(self, X):
        out = X.copy()
        for column in self.columns:
            if column not in out.columns:
                continue
            values = _math(out[column].astype("float64"), self.operation, self.operand)
            if self.output_mode == "append":
                out[f"{self.operation}_{column}"] = values
            else:
                out[column] = values
        return out


def apply_math_operation(df, columns=(), operation="abs", operand=1.0, output_mode="inplace"):
    """A math operation on numeric columns (empty: all numeric). Returns (table, step)."""
    _require_columns(df, columns, "Apply Math Operation", param="columns")
    columns = list(columns) or numeric_columns(df)
    check_numeric(df, columns, "Apply Math Operation", "Leave text columns out.")
    if output_mode == "append":
        clash = [f"{operation}_{c}" for c in columns if f"{operation}_{c}" in df.columns]
        if clash:
            raise DataError(f"The table already has the column {clash[0]!r}.",
                            "Use output_mode 'inplace' or rename that column.", column=clash[0])
    step = MathStep(columns, operation, operand, output_mode).fit(df)
    return step.transform(df), step


class ClipStep(_RowStep):
    """Clip numeric `columns` to [lower, upper]: constants, or percentiles of the fitted rows."""

    def __init__(self, columns=(), mode="constant", lower=None, upper=None):
        self.columns = columns
        self.mode = mode
        self.lower = lower
        self.upper = upper

    def fit(self, X, y=None):
        self.bounds_ = {}
        for column in self.columns:
            values = X[column].astype("float64")
            if self.mode == "percentile":
                low = None if self.lower is None else float(np.nanpercentile(values, self.lower))
                high = None if self.upper is None else float(np.nanpercentile(values, self.upper))
            else:
                low, high = self.lower, self.upper
            self.bounds_[column] = (low, high)
        return self

    def transform(self, X):
        out = X.copy()
        for column, (low, high) in self.bounds_.items():
            if column in out.columns:
                out[column] = out[column].astype("float64").clip(lower=low, upper=high)
        return out


def clip_values(df, columns=(), mode="constant", lower=None, upper=None):
    """Clip numeric columns (empty: all numeric) to bounds. Returns (table, fitted step)."""
    _require_columns(df, columns, "Clip Values", param="columns")
    columns = list(columns) or numeric_columns(df)
    check_numeric(df, columns, "Clip Values", "Leave text columns out.")
    step = ClipStep(columns, mode, lower, upper).fit(df)
    return step.transform(df), step


class BinStep(_RowStep):
    """Replace each numeric column (or add '<column>_bin') by its bin number 0..n-1, with edges
    from quantiles or equal widths of the fitted rows, or given edges. Values beyond the outer
    edges fall into the first or last bin; missing values stay missing."""

    def __init__(self, columns=(), method="quantile", bins=4, edges=(), output_mode="inplace"):
        self.columns = columns
        self.method = method
        self.bins = bins
        self.edges = edges
        self.output_mode = output_mode

    def fit(self, X, y=None):
        self.edges_ = {}
        for column in self.columns:
            values = X[column].astype("float64").dropna().to_numpy()
            if self.method == "custom":
                edges = np.asarray(sorted(self.edges), dtype=float)
            elif not len(values):
                raise DataError(f"Column {column!r} has no values to bin.", column=column)
            elif self.method == "quantile":
                edges = np.quantile(values, np.linspace(0, 1, self.bins + 1))
            else:
                edges = np.linspace(values.min(), values.max(), self.bins + 1)
            self.edges_[column] = [float(e) for e in np.unique(edges)]
        return self

    def transform(self, X):
        out = X.copy()
        for column, edges in self.edges_.items():
            if column not in out.columns:
                continue
            values = out[column].astype("float64")
            inner = np.asarray(edges[1:-1], dtype=float)
            numbers = np.searchsorted(inner, values.to_numpy(), side="left").astype("float64")
            numbers[values.isna().to_numpy()] = np.nan
            name = f"{column}{BINNED_SUFFIX}" if self.output_mode == "append" else column
            out[name] = pd.Series(numbers, index=out.index)
        return out


def group_data_into_bins(df, columns=(), method="quantile", bins=4, edges=(),
                         output_mode="inplace"):
    """Bin numeric columns (empty: all numeric). Returns (table, fitted step)."""
    _require_columns(df, columns, "Group Data into Bins", param="columns")
    columns = list(columns) or numeric_columns(df)
    check_numeric(df, columns, "Group Data into Bins", "Leave text columns out.")
    step = BinStep(columns, method, bins, list(edges), output_mode).fit(df)
    return step.transform(df), step


class HashingStep(_RowStep):
    """Replace a text column, at its position, by `n_features` columns '<column>_hash_<i>':
    scikit-learn's HashingVectorizer counts of its words (and word n-grams up to `ngrams`)."""

    def __init__(self, column="", n_features=64, ngrams=1, keep_original=False):
        self.column = column
        self.n_features = n_features
        self.ngrams = ngrams
        self.keep_original = keep_original

    def transform(self, X):
        if self.column not in X.columns:
            return X.copy()
        from sklearn.feature_extraction.text import HashingVectorizer
        vectorizer = HashingVectorizer(n_features=self.n_features, alternate_sign=False,
                                       norm=None, ngram_range=(1, self.ngrams))
        text = X[self.column].fillna("").astype(str)
        counts = vectorizer.transform(text).toarray()
        names = [f"{self.column}_hash_{i}" for i in range(self.n_features)]
        hashed = pd.DataFrame(counts, columns=names, index=X.index)
        position = list(X.columns).index(self.column)
        left = X.iloc[:, :position + (1 if self.keep_original else 0)]
        right = X.iloc[:, position + 1:]
        out = pd.concat([left, hashed, right], axis=1)
        duplicated = out.columns[out.columns.duplicated()].unique().tolist()
        if duplicated:
            raise DataError(f"Feature Hashing would create column(s) {_names(duplicated)}, which "
                            "the table already has.", "Rename those columns first.",
                            column=str(duplicated[0]))
        return out


def feature_hashing(df, column, n_features=64, ngrams=1, keep_original=False):
    """Hash the words of a text column into numeric columns. Returns (table, step)."""
    _require_columns(df, [column], "Feature Hashing", param="column")
    step = HashingStep(column, n_features, ngrams, keep_original).fit(df)
    return step.transform(df), step
