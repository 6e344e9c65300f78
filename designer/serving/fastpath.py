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

A compiled pipeline is plain data underneath: `spec()` gives its fitted numbers, categories and
trees (no scikit-learn objects), and `CompiledPipeline.from_spec` rebuilds it in a process that
never imports scikit-learn (a model server started from its snapshot, serving/snapshot.py).
"""
import warnings

import numpy as np
import pandas as pd

from .fast_trees import FastTrees, fast_trees
from .validation import RequestError, rows_to_frame

__all__ = ["CompiledPipeline", "compile_pipeline", "probe_frame", "probe_rows",
           "same_answers", "scorer_for"]


class NotCompilable(Exception):
    pass


# Each fitted one-column transformer becomes a spec (plain data: its kind and fitted numbers,
# see _column_spec), and each spec a function on a column's values (numpy only).

def _imputer(spec):
    stat = spec["stat"]

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


def _scaler(spec):
    mean, scale = spec["mean"], spec["scale"]

    def run(x):
        x = np.array(x, dtype=np.float64)        # a copy, as sklearn makes one
        if mean is not None:
            x -= mean
        if scale is not None:
            x /= scale
        return x
    return run


def _minmax(spec):
    scale, low, clip = spec["scale"], spec["min"], spec["clip"]
    lo, hi = spec["range"]

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
    position = {c: i for i, c in enumerate(categories) if isinstance(c, str)}

    def codes(x):
        if all_text and len(x) <= 64 and isinstance(x, np.ndarray) and x.dtype == object and \
                all(type(v) is str or v is None or v != v for v in x):
            # a request's few text values (NaN: missing, never a category here): a dict lookup
            # instead of building a pandas Index per call
            return np.array([position.get(v, -1) for v in x], dtype=np.intp)
        if all_text and _is_text(x) and x.dtype.storage == "pyarrow":
            import pyarrow as pa
            import pyarrow.compute as pc      # Arrow's own lookup: no Python strings made
            found = pc.index_in(pa.array(x), value_set=pa.array(categories, pa.string()))
            return pc.fill_null(found, -1).to_numpy().astype(np.intp)
        return index.get_indexer(pd.Index(np.asarray(x, dtype=object), dtype=object))
    return codes


def _onehot(spec):
    codes = _codes(spec["categories"])
    n = len(spec["categories"])
    dtype = np.dtype(spec["dtype"])

    def run(x):
        c = codes(x)
        out = np.zeros((len(x), n), dtype=dtype)
        known = np.flatnonzero(c >= 0)
        out[known, c[known]] = 1
        return out
    return run


def _ordinal(spec):
    categories = spec["categories"]
    codes = _codes(categories)
    has_nan = any(isinstance(c, float) and c != c for c in categories)
    unknown, missing = spec["unknown"], spec["missing"]
    dtype = np.dtype(spec["dtype"])

    def run(x):
        c = codes(x)
        out = c.astype(dtype)
        out[c < 0] = unknown
        if not has_nan:
            out[np.asarray(pd.isna(x)) & (c < 0)] = missing
        return out
    return run


_BUILDERS = {"impute": _imputer, "scale": _scaler, "minmax": _minmax, "onehot": _onehot,
             "ordinal": _ordinal}


def _column_spec(t, column):
    """(spec, output column names) of a fitted one-column transformer; NotCompilable for one
    this module does not reproduce exactly."""
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import (MinMaxScaler, OneHotEncoder, OrdinalEncoder,
                                       RobustScaler, StandardScaler)
    if isinstance(t, SimpleImputer):
        missing = t.missing_values
        if not (isinstance(missing, float) and np.isnan(missing)):
            raise NotCompilable("imputer with a custom missing value")
        if getattr(t, "add_indicator", False):
            raise NotCompilable("imputer with indicator")
        return {"kind": "impute", "stat": t.statistics_[0]}, [column]
    if isinstance(t, StandardScaler):
        return {"kind": "scale", "mean": t.mean_[0] if t.with_mean else None,
                "scale": t.scale_[0] if t.with_std else None}, [column]
    if isinstance(t, RobustScaler):
        return {"kind": "scale", "mean": t.center_[0] if t.with_centering else None,
                "scale": t.scale_[0] if t.with_scaling else None}, [column]
    if isinstance(t, MinMaxScaler):
        return {"kind": "minmax", "scale": t.scale_[0], "min": t.min_[0], "clip": t.clip,
                "range": tuple(t.feature_range)}, [column]
    if isinstance(t, OneHotEncoder):
        if t.drop is not None or t.handle_unknown != "ignore" or \
                getattr(t, "_infrequent_enabled", False) or t.sparse_output:
            raise NotCompilable("one-hot encoder with drop/infrequent/sparse settings")
        return ({"kind": "onehot", "categories": list(t.categories_[0]),
                 "dtype": np.dtype(t.dtype).str},
                [str(n) for n in t.get_feature_names_out([column])])
    if isinstance(t, OrdinalEncoder):
        if t.handle_unknown != "use_encoded_value" or getattr(t, "_infrequent_enabled", False):
            raise NotCompilable("ordinal encoder without use_encoded_value")
        return {"kind": "ordinal", "categories": list(t.categories_[0]),
                "unknown": t.unknown_value, "missing": t.encoded_missing_value,
                "dtype": np.dtype(t.dtype).str}, [column]
    raise NotCompilable(f"{type(t).__name__} has no fast path")


def _layout(pipeline):
    """The pipeline's column steps and feature order as plain data (NotCompilable if they are
    not all column steps this module reproduces, then a plain feature selection)."""
    steps = pipeline.steps
    layout = []
    for name, step in steps[:-2]:
        if type(step).__name__ != "ColumnStep" or not hasattr(step, "fitted_"):
            raise NotCompilable(f"step {name!r} is not a column step")
        layout.append({c: _column_spec(t, c) for c, t in step.fitted_.items()})
    selector = steps[-2][1]
    used = [t for t in selector.transformers_ if t[0] != "remainder"]
    if len(used) != 1 or not (used[0][1] == "passthrough" or (
            type(used[0][1]).__name__ == "FunctionTransformer"
            and used[0][1].func is None)):
        raise NotCompilable("feature selection is not a plain passthrough")
    return {"steps": layout, "features": [str(c) for c in used[0][2]]}


class CompiledPipeline:
    """predict / predict_proba / transform like the pipeline, for a DataFrame of raw rows."""

    def __init__(self, pipeline):
        self.pipeline = pipeline
        estimator = pipeline.steps[-1][1]
        self._build(_layout(pipeline), fast_trees(estimator) or estimator)

    @classmethod
    def from_spec(cls, spec):
        """A CompiledPipeline rebuilt from spec() without scikit-learn (and without the
        pipeline itself)."""
        self = cls.__new__(cls)
        self.pipeline = None
        self._build(spec, FastTrees.from_spec(spec["trees"]))
        return self

    def _build(self, layout, estimator):
        self.layout = {"steps": layout["steps"], "features": layout["features"]}
        self.steps = [{c: (_BUILDERS[spec["kind"]](spec), names)
                       for c, (spec, names) in step.items()} for step in layout["steps"]]
        self.features = layout["features"]
        self.estimator = estimator
        self.classes_ = getattr(estimator, "classes_", None)

    def spec(self):
        """Everything this needs, as plain data for from_spec; None when the estimator is not
        one fast_trees can evaluate without scikit-learn."""
        trees = self.estimator.spec() if isinstance(self.estimator, FastTrees) else None
        return None if trees is None else {**self.layout, "trees": trees}

    def transform(self, X):
        """X: a DataFrame of raw rows, or a dict of their columns as numpy arrays (what
        validation.rows_to_frame(..., as_arrays=True) gives); the estimator's input matrix."""
        if isinstance(X, dict):
            cols = [(str(c), np.asarray(v)) for c, v in X.items()]
        else:
            # a batch's text columns stay Arrow strings (no Python object per value); a
            # request's few values are quicker as Python objects than through Arrow's calls
            big = len(X) > 64
            cols = [(str(c), s.array if big and _is_text(s.array) else s.to_numpy())
                    for c, s in X.items()]
        n = len(cols[0][1]) if cols else len(X)
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
        matrix = np.empty((n, len(parts)), order="F",
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


def same_answers(pipeline, compiled, probe) -> bool:
    """Does `compiled` give the pipeline's own predictions (and probabilities) on the rows in
    `probe`, bit for bit?"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the pipeline's own answers; transformed once (what Pipeline.predict does)
        estimator = pipeline.steps[-1][1]
        Xt = pipeline[:-1].transform(probe)
        if not np.array_equal(np.asarray(estimator.predict(Xt)),
                              np.asarray(compiled.predict(probe))):
            return False
        if hasattr(estimator, "predict_proba") and compiled.classes_ is not None:
            return np.array_equal(estimator.predict_proba(Xt), compiled.predict_proba(probe))
        return True


def compile_pipeline(pipeline, probe=None):
    """A CompiledPipeline that matches `pipeline` exactly on `probe` (a DataFrame), else None."""
    try:
        compiled = CompiledPipeline(pipeline)
        if probe is not None and not same_answers(pipeline, compiled, probe):
            return None
        return compiled
    except Exception:       # anything unexpected: the pipeline itself is always correct
        return None


def scorer_for(pipeline, schema):
    """fastpath's compiled pipeline when it matches the pipeline exactly on probe rows, else
    the pipeline itself (a CompiledPipeline is returned as it is)."""
    if isinstance(pipeline, CompiledPipeline):
        return pipeline
    probe = probe_frame(schema)
    if probe is None:
        return pipeline
    return compile_pipeline(pipeline, probe) or pipeline


def probe_frame(schema, n=12):
    """probe_rows(schema, n) as a checked DataFrame, or None when the schema refuses them."""
    accepting = {**schema, "policies": {**schema.get("policies", {}),
                                        "unknown_categories": "accept"}}
    try:
        return rows_to_frame({"rows": probe_rows(schema, n)}, accepting)[0]
    except RequestError:
        return None
