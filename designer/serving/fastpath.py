"""A faster way through an inference pipeline for a few rows at a time, checked against the real one.

Self-contained on purpose (numpy, pandas, scikit-learn only): bundles copy it.

A model's pipeline runs each fitted column transform through scikit-learn's validation and a
pandas DataFrame round trip, which costs milliseconds per request even for one row. For the
transforms MLWire's nodes fit (SimpleImputer, StandardScaler, MinMaxScaler, RobustScaler,
OneHotEncoder, OrdinalEncoder inside nodes.ops.ColumnStep) the same arithmetic is done here on
numpy columns, in the same order and the same float64 operations, and the estimator gets the
feature matrix directly. `compile_pipeline` returns None for any other step, and also when a
probe of rows built from the schema does not give exactly (bit for bit) the pipeline's own
predictions and probabilities; the caller then uses the pipeline itself.
"""
import warnings

import numpy as np
import pandas as pd

from .fast_trees import fast_trees
from .validation import RequestError, rows_to_frame

__all__ = ["CompiledPipeline", "compile_pipeline", "probe_rows", "scorer_for"]


class NotCompilable(Exception):
    pass


def _imputer(t):
    missing = t.missing_values
    if not (isinstance(missing, float) and np.isnan(missing)):
        raise NotCompilable("imputer with a custom missing value")
    if getattr(t, "add_indicator", False):
        raise NotCompilable("imputer with indicator")
    stat = t.statistics_[0]

    def run(x):
        if _is_text(x) and isinstance(stat, str):
            return x.fillna(stat)               # Arrow strings stay Arrow strings
        mask = pd.isna(x)
        if x.dtype.kind in "iub":
            x = x.astype(np.float64)
        elif x.dtype.kind == "f":
            pass
        else:
            x = np.asarray(x, dtype=object)
        if not mask.any():
            return x
        out = x.copy()
        out[mask] = stat
        return out
    return run


def _scaler(t):
    from sklearn.preprocessing import RobustScaler, StandardScaler
    if isinstance(t, StandardScaler):
        mean = t.mean_ if t.with_mean else None
        scale = t.scale_ if t.with_std else None
    elif isinstance(t, RobustScaler):
        mean = t.center_ if t.with_centering else None
        scale = t.scale_ if t.with_scaling else None
    else:
        return _minmax(t)

    def run(x):
        x = np.array(x, dtype=np.float64)        # a copy, as sklearn makes one
        if mean is not None:
            x -= mean[0]
        if scale is not None:
            x /= scale[0]
        return x
    return run


def _minmax(t):
    scale, low, clip = t.scale_[0], t.min_[0], t.clip
    lo, hi = t.feature_range

    def run(x):
        x = np.array(x, dtype=np.float64)
        x *= scale
        x += low
        if clip:
            np.clip(x, lo, hi, out=x)
        return x
    return run


def _is_text(x):
    """Is x a pandas string array (Arrow-backed in a CSV chunk), not a numpy array?"""
    return isinstance(x, pd.api.extensions.ExtensionArray) and isinstance(x.dtype, pd.StringDtype)


def _codes(categories):
    """x -> the position of each value among `categories` (-1: unknown), NaN matching NaN."""
    categories = list(categories)
    index = pd.Index(categories, dtype=object)
    all_text = all(isinstance(c, str) for c in categories)

    def codes(x):
        if all_text and _is_text(x) and x.dtype.storage == "pyarrow":
            import pyarrow as pa
            import pyarrow.compute as pc      # Arrow's own lookup: no Python strings made
            found = pc.index_in(pa.array(x), value_set=pa.array(categories, pa.string()))
            return pc.fill_null(found, -1).to_numpy().astype(np.intp)
        return index.get_indexer(pd.Index(np.asarray(x, dtype=object), dtype=object))
    return codes


def _onehot(t):
    if t.drop is not None or t.handle_unknown != "ignore" or \
            getattr(t, "_infrequent_enabled", False) or t.sparse_output:
        raise NotCompilable("one-hot encoder with drop/infrequent/sparse settings")
    codes = _codes(t.categories_[0])
    n = len(t.categories_[0])
    dtype = np.dtype(t.dtype)

    def run(x):
        c = codes(x)
        out = np.zeros((len(x), n), dtype=dtype)
        known = np.flatnonzero(c >= 0)
        out[known, c[known]] = 1
        return out
    return run


def _ordinal(t):
    if t.handle_unknown != "use_encoded_value" or getattr(t, "_infrequent_enabled", False):
        raise NotCompilable("ordinal encoder without use_encoded_value")
    categories = list(t.categories_[0])
    codes = _codes(categories)
    has_nan = any(isinstance(c, float) and c != c for c in categories)
    unknown, missing = t.unknown_value, t.encoded_missing_value
    dtype = np.dtype(t.dtype)

    def run(x):
        c = codes(x)
        out = c.astype(dtype)
        out[c < 0] = unknown
        if not has_nan:
            out[np.asarray(pd.isna(x)) & (c < 0)] = missing
        return out
    return run


def _column_fn(t, column):
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import (MinMaxScaler, OneHotEncoder, OrdinalEncoder,
                                       RobustScaler, StandardScaler)
    if isinstance(t, SimpleImputer):
        fn, names = _imputer(t), [column]
    elif isinstance(t, (StandardScaler, RobustScaler, MinMaxScaler)):
        fn, names = _scaler(t), [column]
    elif isinstance(t, OneHotEncoder):
        fn, names = _onehot(t), [str(n) for n in t.get_feature_names_out([column])]
    elif isinstance(t, OrdinalEncoder):
        fn, names = _ordinal(t), [column]
    else:
        raise NotCompilable(f"{type(t).__name__} has no fast path")
    return fn, names


class CompiledPipeline:
    """predict / predict_proba / transform like the pipeline, for a DataFrame of raw rows."""

    def __init__(self, pipeline):
        steps = pipeline.steps
        self.pipeline = pipeline
        self.steps = []
        for name, step in steps[:-2]:
            if type(step).__name__ != "ColumnStep" or not hasattr(step, "fitted_"):
                raise NotCompilable(f"step {name!r} is not a column step")
            self.steps.append({c: _column_fn(t, c) for c, t in step.fitted_.items()})
        selector = steps[-2][1]
        used = [t for t in selector.transformers_ if t[0] != "remainder"]
        if len(used) != 1 or not (used[0][1] == "passthrough" or (
                type(used[0][1]).__name__ == "FunctionTransformer"
                and used[0][1].func is None)):
            raise NotCompilable("feature selection is not a plain passthrough")
        self.features = [str(c) for c in used[0][2]]
        self.estimator = fast_trees(steps[-1][1]) or steps[-1][1]
        self.classes_ = getattr(self.estimator, "classes_", None)

    def transform(self, X):
        # a batch's text columns stay Arrow strings (no Python object per value); a request's
        # few values are quicker as Python objects than through Arrow's calls
        big = len(X) > 64
        cols = [(str(c), s.array if big and _is_text(s.array) else s.to_numpy())
                for c, s in X.items()]
        for fns in self.steps:
            out = []
            for name, values in cols:
                entry = fns.get(name)
                if entry is None:
                    out.append((name, values))
                    continue
                fn, names = entry
                result = fn(values)
                if result.ndim == 1:
                    out.append((names[0], result))
                else:
                    out.extend(zip(names, result.T))
            cols = out
        by_name = dict(cols)
        parts = [by_name[f] for f in self.features]
        if any(not isinstance(p, np.ndarray) or p.dtype == object for p in parts):
            raise ValueError("a feature column holds text")
        # column by column into a Fortran-ordered matrix, as a DataFrame's values are laid out
        # (np.column_stack would transpose every column into rows, several times slower)
        matrix = np.empty((len(X), len(parts)), order="F",
                          dtype=np.result_type(*parts) if parts else np.float64)
        for j, part in enumerate(parts):
            matrix[:, j] = part
        return matrix

    def _call(self, method, X):
        M = self.transform(X)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="X does not have valid feature names")
            return getattr(self.estimator, method)(M)

    def predict(self, X):
        return self._call("predict", X)

    def predict_proba(self, X):
        return self._call("predict_proba", X)


def probe_rows(schema, n=12):
    """Rows exercising every column: categories, unknowns, numbers of all signs, and nulls."""
    rng = np.random.default_rng(0)
    rows = []
    for i in range(n):
        row = {}
        for column in schema["columns"]:
            kind, cats = column["kind"], column.get("categories")
            if column.get("nullable") and i % 5 == 4:
                row[column["name"]] = None
            elif kind == "text":
                options = list(cats or []) + ["__mlwire_probe__"]
                row[column["name"]] = options[i % len(options)]
            elif kind == "boolean":
                row[column["name"]] = bool(i % 2)
            elif kind == "integer":
                row[column["name"]] = int(rng.integers(-5, 100))
            else:
                row[column["name"]] = float(rng.normal(0, 50))
        rows.append(row)
    return rows


def compile_pipeline(pipeline, probe=None):
    """A CompiledPipeline that matches `pipeline` exactly on `probe` (a DataFrame), else None."""
    try:
        compiled = CompiledPipeline(pipeline)
        if probe is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # the pipeline's own answers; transformed once (what Pipeline.predict does)
                estimator = pipeline.steps[-1][1]
                Xt = pipeline[:-1].transform(probe)
                if not np.array_equal(np.asarray(estimator.predict(Xt)),
                                      np.asarray(compiled.predict(probe))):
                    return None
                if hasattr(estimator, "predict_proba") and compiled.classes_ is not None:
                    if not np.array_equal(estimator.predict_proba(Xt),
                                          compiled.predict_proba(probe)):
                        return None
        return compiled
    except Exception:       # anything unexpected: the pipeline itself is always correct
        return None


def scorer_for(pipeline, schema):
    """fastpath's compiled pipeline when it matches the pipeline exactly on probe rows, else
    the pipeline itself."""
    probe_schema = {**schema, "policies": {**schema.get("policies", {}),
                                           "unknown_categories": "accept"}}
    try:
        probe, _ = rows_to_frame({"rows": probe_rows(schema)}, probe_schema)
    except RequestError:
        return pipeline
    return compile_pipeline(pipeline, probe) or pipeline
