"""Scoring requests checked against a model's input schema, and the predictions they get.

Self-contained on purpose (standard library, numpy, pandas and the sibling fast_trees.py only;
no MLWire import):
`mlwire bundle` copies this file into a bundle's scoring app, which runs without MLWire.

The schema is the JSON dict that designer/serving/inference.py's input_schema() builds. Every
refusal is a RequestError with an HTTP status, a rule id, the column (and row) concerned, and a
message for people; the rules and policies are listed in docs/serving.md.
"""
import json
import math
from warnings import catch_warnings, filterwarnings

import numpy as np
import pandas as pd

from .fast_trees import fast_trees

__all__ = ["RequestError", "parse_json_body", "rows_to_frame", "check_frame", "predict_rows",
           "predict_frame", "PREDICTION", "PROBABILITY_PREFIX", "MAX_BODY_BYTES"]

MAX_BODY_BYTES = 10 * 1024 * 1024
PREDICTION = "scored_label"                 # the column names Score Model uses
PROBABILITY_PREFIX = "scored_probability_"
_INT64_MIN, _INT64_MAX = -(2 ** 63), 2 ** 63 - 1
_MAX_WARNINGS = 20


class RequestError(Exception):
    """A request that breaks a rule: `status` (4xx), `rule`, `column`/`row` when known."""

    def __init__(self, status, rule, message, column=None, row=None):
        super().__init__(message)
        self.status = status
        self.rule = rule
        self.message = message
        self.column = column
        self.row = row

    def to_json(self):
        error = {"rule": self.rule, "message": self.message}
        if self.column is not None:
            error["column"] = self.column
        if self.row is not None:
            error["row"] = self.row
        return {"error": error}


# -- the JSON body ---------------------------------------------------------------------------

def _no_constants(token):
    raise RequestError(400, "non_finite_number",
                       f"The body holds the token {token}, which is not JSON: send numbers only "
                       "(use null for a missing value where the column allows it).")


def parse_json_body(body):
    """The JSON value in `body` (bytes). NaN/Infinity tokens, invalid JSON or text, and nesting
    deeper than the parser's recursion limit are refused with a 400."""
    if not body:
        raise RequestError(400, "invalid_json", 'The request has no body; send JSON like '
                           '{"rows": [{"column": value, ...}]}.')
    try:
        return json.loads(body, parse_constant=_no_constants)
    except RecursionError:
        raise RequestError(400, "json_too_deep", "The JSON is nested too deeply to be a scoring "
                           'request; send {"rows": [{"column": value, ...}]}.') from None
    except UnicodeDecodeError:
        raise RequestError(400, "invalid_json", "The body is not UTF-8 text.") from None
    except ValueError as exc:       # json.JSONDecodeError, or an integer with too many digits
        raise RequestError(400, "invalid_json", f"The body is not valid JSON ({exc}).") from None


# -- rows as they come in a request ----------------------------------------------------------

def _type_error(column, kind, value, row):
    shown = json.dumps(value)[:40] if not isinstance(value, (list, dict)) else type(value).__name__
    what = {"integer": "a whole number", "number": "a number", "boolean": "true or false",
            "text": "a text (a JSON string)"}[kind]
    if isinstance(value, (list, dict)):
        shown = "an array" if isinstance(value, list) else "an object"
    return RequestError(422, "wrong_type", f"Row {row}, column '{column}': expected {what}, got "
                        f"{shown}.", column, row)


def _null_error(column, row):
    return RequestError(422, "null_not_allowed", f"Row {row}, column '{column}': null is not "
                        "allowed here (training had no missing values in this column, and the "
                        "model has no step that fills them).", column, row)


def _checked(values, column, kind, nullable):
    """The column's values as a numpy/pandas-ready list; raises on the first bad value."""
    name = column["name"]
    if kind == "text":
        ok = str
    elif kind == "boolean":
        ok = bool
    else:
        ok = None
    for i, v in enumerate(values):
        t = type(v)
        if ok is not None:
            if t is ok:
                continue
        elif kind == "number" and (t is float or t is int):
            if t is float and not math.isfinite(v):
                raise RequestError(422, "non_finite_number", f"Row {i}, column '{name}': "
                                   f"{v} is not a finite number.", name, i)
            continue
        elif kind == "integer":
            if t is int or (t is float and v.is_integer()):
                if not _INT64_MIN <= v <= _INT64_MAX:
                    raise RequestError(422, "wrong_type", f"Row {i}, column '{name}': {v} is "
                                       "outside the 64-bit integer range.", name, i)
                continue
            if t is float and not math.isfinite(v):
                raise RequestError(422, "non_finite_number", f"Row {i}, column '{name}': "
                                   f"{v} is not a finite number.", name, i)
        if v is None:
            if nullable:
                continue
            raise _null_error(name, i)
        raise _type_error(name, kind, v, i)
    return values


def _series(values, column, kind, as_arrays=False):
    has_null = any(v is None for v in values)
    if kind == "integer":
        if has_null:
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        return np.array(values, dtype=np.int64)
    if kind == "number":
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if kind == "boolean":
        return np.array(values, dtype=bool) if not has_null else \
            np.array([np.nan if v is None else v for v in values], dtype=object)
    dtype = column["dtype"]
    if dtype == "object" or as_arrays:
        return np.array([np.nan if v is None else v for v in values], dtype=object)
    return pd.array(values, dtype=dtype)


def _unknown_positions(values, categories):
    """Positions of the non-null values that are not among `categories`."""
    if len(values) <= 64:           # a request: a set lookup beats pandas' set-up
        known = set(categories)
        return [i for i, v in enumerate(values) if not (
            v is None or v in known or (isinstance(v, float) and math.isnan(v)))]
    # a batch chunk: one vectorised pass (on its Arrow strings, when it has them)
    series = pd.Series(values, copy=False) if isinstance(
        values, pd.api.extensions.ExtensionArray) else pd.Series(values, dtype=object)
    known = series.isin(list(categories)).to_numpy()
    return np.flatnonzero(series.notna().to_numpy() & ~known).tolist()


def _unknown(values, column, policy, warnings, row_offset=0, line_of=None):
    categories = column.get("categories")
    if not categories or policy == "accept":
        return
    name = column["name"]
    for i in _unknown_positions(values, categories):
        v = values[i]
        where = f"line {line_of(i)}" if line_of else f"Row {i + row_offset}"
        if policy == "reject":
            shown = ", ".join(repr(c) for c in categories[:20])
            raise RequestError(422, "unknown_category", f"{where}, column '{name}': {v!r} is not "
                               f"a category the model knows ({shown}).", name,
                               line_of(i) if line_of else i + row_offset)
        if len(warnings) < _MAX_WARNINGS:
            warnings.append({"rule": "unknown_category", "column": name,
                             ("line" if line_of else "row"):
                                 line_of(i) if line_of else i + row_offset,
                             "value": v, "message": f"{v!r} is not a category the model knows; "
                             "it was scored as none of the known categories."})


def rows_to_frame(payload, schema, *, as_arrays=False):
    """The request's rows as a DataFrame in the signature's column order, plus warnings.

    `payload` is the parsed JSON body: {"rows": [{column: value, ...}, ...]}.
    as_arrays: a dict of numpy arrays instead (column -> values, text as Python objects with
    NaN for missing), which is all a fastpath.CompiledPipeline reads; building a DataFrame costs
    more than scoring one row.
    """
    if type(payload) is not dict or "rows" not in payload:
        raise RequestError(422, "body_shape", 'The body must be a JSON object with a "rows" list: '
                           '{"rows": [{"column": value, ...}, ...]}.')
    rows = payload["rows"]
    if type(rows) is not list:
        raise RequestError(422, "body_shape", '"rows" must be a list of objects, one per row.')
    if not rows:
        raise RequestError(422, "empty_rows", '"rows" is empty: send at least one row.')
    for i, row in enumerate(rows):
        if type(row) is not dict:
            raise RequestError(422, "row_not_object", f"Row {i} is not a JSON object of "
                               "column: value pairs.", row=i)
    columns = schema["columns"]
    policies = schema.get("policies", {})
    warnings = []
    names = [c["name"] for c in columns]
    known = set(names)
    extra = set()
    for row in rows:
        if len(row) != len(names) or not known.issuperset(row):
            extra.update(k for k in row if k not in known)
    extra = sorted(extra)
    if extra:
        if policies.get("extra_columns", "ignore") == "reject":
            raise RequestError(422, "extra_column", f"Column '{extra[0]}' is not an input of the "
                               f"model (its inputs: {', '.join(names)}).", extra[0])
        warnings.append({"rule": "extra_columns", "columns": extra[:50],
                         "message": "These columns are not inputs of the model and were ignored."})
    data = {}
    for column in columns:
        name, kind = column["name"], column["kind"]
        try:
            values = [row[name] for row in rows]
        except KeyError:
            i = next(i for i, row in enumerate(rows) if name not in row)
            raise RequestError(422, "missing_column", f"Row {i} has no column '{name}' (every "
                               f"row needs: {', '.join(names)}).", name, i) from None
        _checked(values, column, kind, column.get("nullable", False))
        if kind == "text":
            _unknown(values, column, policies.get("unknown_categories", "warn"), warnings)
        data[name] = _series(values, column, kind, as_arrays)
    return (data if as_arrays else pd.DataFrame(data, columns=names)), warnings


# -- rows as they come from a file (batch scoring) -------------------------------------------

def check_frame(df, schema, line_of=None):
    """A chunk of a file checked and converted like request rows: (frame, warnings).

    `line_of(i)` gives the file line (or row number) of the chunk's i-th row for messages.
    """
    line_of = line_of or (lambda i: i)
    columns = schema["columns"]
    policies = schema.get("policies", {})
    names = [c["name"] for c in columns]
    missing = [n for n in names if n not in df.columns]
    if missing:
        raise RequestError(422, "missing_column", f"The file has no column '{missing[0]}' (the "
                           f"model needs: {', '.join(names)}).", missing[0])
    warnings = []
    out = {}
    for column in columns:
        name, kind = column["name"], column["kind"]
        s = df[name]
        if kind in ("integer", "number"):
            if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
                num = pd.to_numeric(s, errors="coerce") if not pd.api.types.is_bool_dtype(s) \
                    else pd.Series(np.nan, index=s.index)
                bad = np.flatnonzero(s.notna().to_numpy() & num.isna().to_numpy())
                if len(bad):
                    i = int(bad[0])
                    raise RequestError(422, "wrong_type", f"Line {line_of(i)}, column '{name}': "
                                       f"expected a number, got {str(s.iloc[i])[:40]!r}.",
                                       name, line_of(i))
                s = num
            values = s.to_numpy(dtype=np.float64, na_value=np.nan) \
                if s.dtype != np.int64 else s.to_numpy()
            if values.dtype == np.float64:
                inf = np.flatnonzero(np.isinf(values))
                if len(inf):
                    i = int(inf[0])
                    raise RequestError(422, "non_finite_number", f"Line {line_of(i)}, column "
                                       f"'{name}': {values[i]} is not a finite number.", name,
                                       line_of(i))
                if kind == "integer":
                    frac = np.flatnonzero(~np.isnan(values) & (values != np.floor(values)))
                    if len(frac):
                        i = int(frac[0])
                        raise RequestError(422, "wrong_type", f"Line {line_of(i)}, column "
                                           f"'{name}': expected a whole number, got "
                                           f"{values[i]}.", name, line_of(i))
                nulls = np.flatnonzero(np.isnan(values))
                if kind == "integer" and not len(nulls):
                    values = values.astype(np.int64)
            else:
                nulls = np.array([], dtype=int)
            if len(nulls) and not column.get("nullable", False):
                raise RequestError(422, "null_not_allowed", f"Line {line_of(int(nulls[0]))}, "
                                   f"column '{name}': the value is missing, and training had "
                                   "no missing values in this column.", name,
                                   line_of(int(nulls[0])))
            out[name] = values
        elif kind == "boolean":
            if not pd.api.types.is_bool_dtype(s):
                mapped = s.map({True: True, False: False, "true": True, "false": False,
                                "True": True, "False": False})
                bad = np.flatnonzero(s.notna().to_numpy() & mapped.isna().to_numpy())
                if len(bad):
                    i = int(bad[0])
                    raise RequestError(422, "wrong_type", f"Line {line_of(i)}, column '{name}': "
                                       f"expected true or false, got {str(s.iloc[i])[:40]!r}.",
                                       name, line_of(i))
                s = mapped
            nulls = np.flatnonzero(s.isna().to_numpy())
            if len(nulls) and not column.get("nullable", False):
                raise RequestError(422, "null_not_allowed", f"Line {line_of(int(nulls[0]))}, "
                                   f"column '{name}': the value is missing, and training had "
                                   "no missing values in this column.", name,
                                   line_of(int(nulls[0])))
            out[name] = s.to_numpy(dtype=bool) if not len(nulls) else s.to_numpy(dtype=object)
        else:
            isna = s.isna().to_numpy()
            nulls = np.flatnonzero(isna)
            if len(nulls) and not column.get("nullable", False):
                raise RequestError(422, "null_not_allowed", f"Line {line_of(int(nulls[0]))}, "
                                   f"column '{name}': the value is missing, and training had "
                                   "no missing values in this column.", name,
                                   line_of(int(nulls[0])))
            if str(s.dtype) == column["dtype"] and isinstance(s.dtype, pd.StringDtype):
                # already the model's string type (a CSV chunk): checked and kept as it is,
                # no round trip through Python objects
                _unknown(s.array, column, policies.get("unknown_categories", "warn"),
                         warnings, line_of=line_of)
                out[name] = s.array
                continue
            if not (pd.api.types.is_string_dtype(s) or s.dtype == object):
                s = s.astype(str).where(~isna, None)   # e.g. codes a CSV reader took for numbers
            values = s.to_numpy(dtype=object, na_value=None)
            _unknown(values, column, policies.get("unknown_categories", "warn"),
                     warnings, line_of=line_of)
            out[name] = pd.array(values, dtype=column["dtype"]) if column["dtype"] != "object" \
                else np.where(isna, np.nan, values)
    return pd.DataFrame(out, columns=names, index=df.index), warnings


# -- predictions -----------------------------------------------------------------------------

def _plain(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def predict_frame(pipeline, X, schema):
    """(predictions, probabilities or None) for the rows in X, transformed once.

    `pipeline` is the model's sklearn Pipeline, or a fastpath.CompiledPipeline for it.
    """
    return predict_features(pipeline, transform_frame(pipeline, X), schema)


def _final_estimator(pipeline):      # a fastpath.CompiledPipeline keeps it as .estimator
    return pipeline.estimator if hasattr(pipeline, "estimator") else pipeline.steps[-1][1]


def transform_frame(pipeline, X):
    """predict_frame's first half: the rows in X as the final estimator's input."""
    return pipeline.transform(X) if hasattr(pipeline, "estimator") else pipeline[:-1].transform(X)


def predict_features(pipeline, Xt, schema):
    """predict_frame's second half: (predictions, probabilities or None) for transformed rows."""
    estimator = _final_estimator(pipeline)
    with catch_warnings():     # the compiled path hands over a plain array
        filterwarnings("ignore", message="X does not have valid feature names")
        if schema.get("task") != "classification" or not hasattr(estimator, "predict_proba"):
            return estimator.predict(Xt), None
        return predict_with_proba(estimator, Xt)


# scikit-learn classifiers whose predict() is classes_[argmax(predict_proba())] by construction:
# for them one probability pass gives both answers (predicting twice doubles the scoring time).
# HistGradientBoosting decides on its raw score instead; fast_trees gives it one pass too.
LABEL_IS_ARGMAX_OF_PROBA = frozenset({
    "RandomForestClassifier", "ExtraTreesClassifier", "DecisionTreeClassifier",
    "ExtraTreeClassifier"})


def predict_with_proba(estimator, Xt):
    """(predictions, probabilities) of a fitted classifier on transformed rows."""
    if hasattr(estimator, "predict_both"):
        return estimator.predict_both(Xt)
    trees = fast_trees(estimator)
    if trees is not None:
        return trees.predict_both(Xt)
    probabilities = estimator.predict_proba(Xt)
    kind = type(estimator)
    if kind.__name__ in LABEL_IS_ARGMAX_OF_PROBA and kind.__module__.startswith("sklearn."):
        return estimator.classes_.take(np.argmax(probabilities, axis=1)), probabilities
    return estimator.predict(Xt), probabilities


def predict_rows(pipeline, X, schema):
    """The /predict response body for the rows in X (without warnings)."""
    try:
        predictions, probabilities = predict_frame(pipeline, X, schema)
    except (ValueError, TypeError, KeyError) as exc:
        raise RequestError(422, "prediction_failed", f"The model could not score these rows: "
                           f"{exc}") from exc
    out = {"predictions": [_plain(p) for p in predictions.tolist()]}
    if probabilities is not None:
        keys = [str(c) for c in pipeline.classes_]
        out["probabilities"] = [dict(zip(keys, map(_plain, row)))
                                for row in probabilities.tolist()]
    return out
