"""MLWire's data operations on pandas and scikit-learn, shared by the nodes and exported scripts.

This module is self-contained on purpose: it imports only the standard library, numpy, pandas
and scikit-learn. The nodes call it from `run()`, and `mlwire export` pastes its source verbatim
into the exported script, so that the app and the script compute the same numbers by construction.

What it owns:
  reading data ............ read_csv, load_sample_dataset
  columns ................. select_columns, numeric_columns, non_numeric_columns
  fitted transforms ....... clean_missing_data, normalize_data, encode_categorical,
                            apply_transformation; ColumnStep and the make_* helpers under them
  rows .................... split_data
  models .................. train_model, train_clustering_model,
                            train_anomaly_detection_model, score_model
  metrics ................. evaluate_model, flat_metrics

Every failure a person can fix raises DataError, whose message says what went wrong and whose
hint says what to do. (One module of some 600 lines rather than several: it is pasted whole
into every exported script, and one file is easier to read there.)
"""
import codecs
import math
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.base import BaseEstimator, TransformerMixin, clone, is_classifier, is_regressor
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (MinMaxScaler, OneHotEncoder, OrdinalEncoder, RobustScaler,
                                   StandardScaler)
from sklearn.utils import get_tags
from sklearn.utils.multiclass import type_of_target

__all__ = [
    "DataError", "read_csv", "load_sample_dataset", "SAMPLE_DATASETS", "select_columns",
    "numeric_columns", "non_numeric_columns", "ColumnStep", "make_imputer", "make_scaler",
    "make_encoder", "fit_column_step", "check_numeric", "columns_with_missing",
    "clean_missing_data", "normalize_data", "encode_categorical", "apply_transformation",
    "split_data", "task_of", "train_model", "train_clustering_model",
    "train_anomaly_detection_model", "anomaly_flags", "model_features", "score_model",
    "assign_clusters", "evaluate_model", "flat_metrics", "PREDICTION", "PROBABILITY_PREFIX",
    "CLUSTER", "ANOMALY_SCORE", "NOISE", "CURVE_POINTS",
]

PREDICTION = "scored_label"                 # column Score Model adds
PROBABILITY_PREFIX = "scored_probability_"  # then one column per class: scored_probability_<class>
CLUSTER = "cluster"                         # column Train Clustering Model adds
ANOMALY_SCORE = "anomaly_score"             # column Score Model adds for anomaly detectors
NOISE = -1                                  # DBSCAN's cluster for rows in no cluster
CURVE_POINTS = 5000                         # curves are thinned to at most this many points


class DataError(ValueError):
    """A problem with the data or the settings that a person can fix; `hint` says how."""

    def __init__(self, message, hint="", *, column=None, param=None):
        super().__init__(f"{message} {hint}".strip())
        self.message = message
        self.hint = hint
        self.column = column
        self.param = param


def _names(columns):
    return ", ".join(repr(str(c)) for c in columns) or "none"


def _require_columns(df, columns, what, param=None):
    """Raise DataError naming the first of `columns` that `df` lacks, and the columns it has."""
    for column in columns:
        if column not in df.columns:
            raise DataError(f"{what}: there is no column {column!r}.",
                            f"Available columns: {_names(df.columns)}.", column=column, param=param)


# -- reading data ----------------------------------------------------------------------------

def _locate_decode_error(path, encoding):
    """(byte offset, line number) of the first byte that `encoding` cannot decode."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, line = 0, 1
    with open(path, "rb") as f:
        while chunk := f.read(1 << 16):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start, line + chunk[:exc.start].count(b"\n")
            offset += len(chunk)
            line += chunk.count(b"\n")
    return offset, line


def read_csv(path, separator=",", encoding="utf-8", header=True):
    """`pandas.read_csv`, with errors that name the file, the line or the byte.

    Without a header row the columns are named Col1, Col2, ... (as in Azure ML Designer), since
    column names are texts everywhere else in MLWire.
    """
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise DataError(f"The file {str(path)!r} {what}.",
                        "Check the 'path' parameter; relative paths start at the pipeline's "
                        "folder.", param="path")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DataError(f"{encoding!r} is not a text encoding Python knows.",
                        "Use e.g. 'utf-8', 'latin-1' or 'cp1252'.", param="encoding") from None
    try:
        df = pd.read_csv(path, sep=separator, encoding=encoding, header=0 if header else None,
                         index_col=False)
    except UnicodeDecodeError as exc:
        offset, line = _locate_decode_error(path, encoding)
        raise DataError(f"The file {str(path)!r} is not valid {encoding} text: byte {offset} "
                        f"(line {line}) cannot be decoded.",
                        "Set the 'encoding' parameter to the file's encoding, e.g. 'latin-1' "
                        "or 'cp1252'.", param="encoding") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"The file {str(path)!r} is empty: it has no header and no rows.",
                        "Choose a CSV file with a header row.", param="path") from exc
    except pd.errors.ParserError as exc:
        # pandas says e.g. "Error tokenizing data. C error: Expected 2 fields in line 3, saw 3"
        detail = str(exc).split("error: ")[-1].strip().rstrip(".")
        raise DataError(f"The file {str(path)!r} could not be read as CSV: {detail}.",
                        "Fix that row, or check the 'separator' parameter.", param="path") from exc
    if not header:
        df.columns = [f"Col{i + 1}" for i in range(df.shape[1])]
    return df


SAMPLE_DATASETS = ("iris", "wine", "breast_cancer", "diabetes", "digits")
_CLASSIFICATION_SETS = ("iris", "wine", "breast_cancer", "digits")


def load_sample_dataset(name):
    """One of scikit-learn's bundled data sets as a frame; the label column is `target`.

    For classification sets the target holds the class names as text (e.g. 'setosa').
    """
    from sklearn import datasets
    if name not in SAMPLE_DATASETS:
        raise DataError(f"There is no sample data set {name!r}.",
                        f"Choose one of {_names(SAMPLE_DATASETS)}.", param="name")
    bunch = getattr(datasets, f"load_{name}")(as_frame=True)
    df = bunch.frame.copy()
    if name in _CLASSIFICATION_SETS:
        names = np.asarray(bunch.target_names).astype(str)
        df["target"] = pd.Series(names[bunch.target.to_numpy()], index=df.index, dtype=object)
    return df


# -- columns ---------------------------------------------------------------------------------

def numeric_columns(df):
    """Columns holding numbers or booleans, in table order."""
    return [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]


def non_numeric_columns(df):
    return [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]


def select_columns(df, columns, mode="include"):
    """Keep (`include`, in the order given) or drop (`exclude`) the named columns."""
    _require_columns(df, columns, "Select Columns", param="columns")
    if mode == "include":
        return df[list(columns)].copy()
    return df.drop(columns=list(columns))


# -- fitted, column-preserving transforms ----------------------------------------------------

class ColumnStep(TransformerMixin, BaseEstimator):
    """Fit `transformer` on each of `columns` and replace each column, in place, by its output.

    DataFrame in, DataFrame out, index kept. A column stays where it was; a one-hot encoded
    column is replaced, at its position, by its indicator columns `<column>_<category>`.

    One clone of `transformer` is fitted per column. For the transforms used here (imputers,
    scalers, encoders) that is the same as fitting one transformer on all columns, and it lets
    each column keep its own dtype and lets `transform` skip a column the table does not have,
    typically the label when new rows are scored. `transformer="passthrough"` changes nothing.
    """

    def __init__(self, transformer="passthrough", columns=()):
        self.transformer = transformer
        self.columns = columns

    def fit(self, X, y=None):
        _require_columns(X, self.columns, "The transform")
        self.fitted_ = {}
        if self.transformer != "passthrough":
            for column in self.columns:
                try:
                    self.fitted_[column] = clone(self.transformer).set_output(
                        transform="pandas").fit(X[[column]])
                except (ValueError, TypeError) as exc:
                    raise DataError(f"Could not fit {type(self.transformer).__name__} on column "
                                    f"{column!r}: {exc}", column=column) from exc
        return self

    def _transform_one(self, column, part):
        out = self.fitted_[column].transform(part)
        for name in out.columns:  # imputers return object columns; give numbers back their dtype
            if out[name].dtype == object:
                out[name] = out[name].infer_objects()
        return out

    def transform(self, X):
        if not hasattr(self, "fitted_"):
            raise DataError("This transform has not been fitted yet.")
        if not self.fitted_:
            return X.copy()
        # untouched neighbours go as one slice each, not a frame per column: for a few rows
        # (one request) that slicing was a third of the model's whole predict
        parts, start = [], 0
        for i, column in enumerate(X.columns):
            if column in self.fitted_:
                if start < i:
                    parts.append(X.iloc[:, start:i])
                parts.append(self._transform_one(column, X.iloc[:, [i]]))
                start = i + 1
        if start < X.shape[1]:
            parts.append(X.iloc[:, start:])
        out = pd.concat(parts, axis=1) if parts else X.copy()
        duplicated = out.columns[out.columns.duplicated()].unique().tolist()
        if duplicated:
            raise DataError(f"The transform would create column(s) {_names(duplicated)}, which "
                            "the table already has.", "Rename those columns first.",
                            column=str(duplicated[0]))
        return out

    def get_feature_names_out(self, input_features=None):
        return np.asarray(input_features if input_features is not None else [], dtype=object)


def make_imputer(strategy, fill_value=None):
    """SimpleImputer for one strategy. keep_empty_features=True so that a column that is entirely
    missing is filled (with 0, or fill_value for 'constant') instead of silently dropped."""
    return SimpleImputer(strategy=strategy, fill_value=fill_value, keep_empty_features=True)


def make_scaler(method):
    return {"zscore": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}[method]()


def make_encoder(method):
    if method == "onehot":
        return OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    return OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)


def fit_column_step(df, transformer, columns):
    """Fit a ColumnStep on `df`; returns (fitted step, transformed df)."""
    step = ColumnStep(transformer, list(columns)).fit(df)
    return step, step.transform(df)


def check_numeric(df, columns, what, hint):
    text = [c for c in columns if not pd.api.types.is_numeric_dtype(df[c])]
    if text:
        raise DataError(f"{what} needs numeric columns; {_names(text)} hold text.", hint,
                        column=str(text[0]), param="columns")


def columns_with_missing(df):
    return [c for c in df.columns if df[c].isna().any()]


def _pick(df, columns, exclude_columns, default, what):
    _require_columns(df, columns, what, param="columns")
    _require_columns(df, exclude_columns, what, param="exclude_columns")
    chosen = list(columns) or default(df)
    return [c for c in chosen if c not in set(exclude_columns)]


def clean_missing_data(df, columns=(), strategy="mean", fill_value=None):
    """Fill missing values with SimpleImputer, or with strategy 'remove_rows' drop the rows that
    have one. `columns` empty: every column with missing values. Returns (table, fitted step);
    for 'remove_rows' the step passes rows through unchanged (rows cannot be removed at
    prediction time)."""
    columns = _pick(df, columns, (), columns_with_missing, "Clean Missing Data")
    if strategy == "remove_rows":
        step = ColumnStep("passthrough", columns).fit(df)
        return df.dropna(subset=columns), step
    if strategy in ("mean", "median"):
        check_numeric(df, columns, f"Strategy {strategy!r}",
                      "Use strategy 'most_frequent' or 'constant' for text columns, or list "
                      "only numeric columns.")
    step, out = fit_column_step(df, make_imputer(strategy, fill_value), columns)
    return out, step


def normalize_data(df, columns=(), exclude_columns=(), method="zscore"):
    """Scale numeric columns (`columns` empty: all numeric ones) with StandardScaler ('zscore'),
    MinMaxScaler ('minmax') or RobustScaler ('robust'). Returns (table, fitted step)."""
    columns = _pick(df, columns, exclude_columns, numeric_columns, "Normalize Data")
    check_numeric(df, columns, "Normalize Data", "Encode text columns first, or leave them out.")
    step, out = fit_column_step(df, make_scaler(method), columns)
    return out, step


def encode_categorical(df, columns=(), exclude_columns=(), method="onehot"):
    """One-hot or ordinal encode columns (`columns` empty: all non-numeric ones).
    Returns (table, fitted step)."""
    columns = _pick(df, columns, exclude_columns, non_numeric_columns, "Encode Categorical")
    step, out = fit_column_step(df, make_encoder(method), columns)
    return out, step


def apply_transformation(step, df):
    """Apply a fitted step to another table: the same columns, fitted values kept."""
    return step.transform(df)


# -- rows ------------------------------------------------------------------------------------

def split_data(df, fraction=0.7, seed=0, stratify_column=None):
    """Exactly train_test_split(df, train_size=fraction, random_state=seed, shuffle=True,
    stratify=df[stratify_column] or None); returns (train, test)."""
    if stratify_column is not None:
        _require_columns(df, [stratify_column], "Split Data", param="stratify_column")
    try:
        train, test = train_test_split(
            df, train_size=fraction, random_state=seed, shuffle=True,
            stratify=df[stratify_column] if stratify_column else None)
    except ValueError as exc:
        raise DataError(f"Cannot split the table ({len(df)} rows): {exc}",
                        "Use more rows, another fraction, or no stratify_column.") from exc
    return train, test


# -- models ----------------------------------------------------------------------------------

def task_of(estimator):
    """'classification', 'regression', 'anomaly' (outlier detectors) or 'clustering'."""
    if is_classifier(estimator):
        return "classification"
    if is_regressor(estimator):
        return "regression"
    if get_tags(estimator).estimator_type == "outlier_detector":
        return "anomaly"
    return "clustering"


_TRAINER = {"classification": "Train Model", "regression": "Train Model",
            "clustering": "Train Clustering Model", "anomaly": "Train Anomaly Detection Model"}


def _refuse_task(estimator, task, node):
    """DataError for a learner wired into the wrong training node, naming the right one."""
    return DataError(f"{type(estimator).__name__} is a {task} learner, which {node} does not "
                     "train.", f"Use {_TRAINER[task]} instead.")


def _feature_selector(features):
    """A fitted-once step that keeps the model's feature columns, by name, in training order."""
    return ColumnTransformer([("features", "passthrough", list(features))], remainder="drop",
                             verbose_feature_names_out=False).set_output(transform="pandas")


def _check_features(df, features, estimator):
    text = [c for c in features if not pd.api.types.is_numeric_dtype(df[c])]
    if text:
        raise DataError(f"The features {_names(text)} hold text; {type(estimator).__name__} "
                        "needs numbers.", "Add Encode Categorical before training, or drop those "
                        "columns with Select Columns.", column=str(text[0]))
    if not get_tags(estimator).input_tags.allow_nan:
        missing = [c for c in features if df[c].isna().any()]
        if missing:
            raise DataError(f"The features {_names(missing)} have missing values, which "
                            f"{type(estimator).__name__} cannot handle.",
                            "Add Clean Missing Data before training.", column=str(missing[0]))


def _check_label(y, label, task):
    if len(y) == 0:
        raise DataError("No rows reach Train Model: the training table is empty.",
                        "Check the filters, joins and splits before it (a join that matched "
                        "no rows, a filter that kept none).", param="label_column")
    if y.isna().any():
        raise DataError(f"The label column {label!r} has {int(y.isna().sum())} missing value(s).",
                        "Remove those rows with Clean Missing Data (strategy 'remove_rows').",
                        column=label, param="label_column")
    if task == "classification":
        if y.nunique() < 2:
            raise DataError(f"The label column {label!r} has only one class "
                            f"({y.iloc[0]!r}); a classifier needs at least two.",
                            "Check the label column and the rows that reach Train Model.",
                            column=label, param="label_column")
        if type_of_target(y) == "continuous":
            raise DataError(f"The label column {label!r} holds continuous numbers, which a "
                            "classifier cannot predict.", "Use a regression learner, or a "
                            "label with a few classes.", column=label, param="label_column")
    elif not pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y):
        raise DataError(f"The label column {label!r} holds {y.dtype} values; a regression "
                        "learner predicts numbers.", "Use a classification learner, or a "
                        "numeric label.", column=label, param="label_column")


def _fit(estimator, X, y=None):
    try:
        return clone(estimator).fit(X, y)
    except ValueError as exc:
        raise DataError(f"{type(estimator).__name__} could not be trained: {exc}",
                        "Check the learner's parameters against the data.") from exc


def _inference_pipeline(transforms, features, X, fitted):
    reserved = {"features", "estimator"} & {name for name, _ in transforms}
    if reserved:
        raise DataError(f"A transform node has the id {sorted(reserved)[0]!r}, a name the model "
                        "pipeline keeps for its own steps.", "Give that node another id.")
    selector = _feature_selector(features).fit(X)
    return Pipeline(list(transforms) + [("features", selector), ("estimator", fitted)])


def train_model(estimator, df, label, transforms=(), exclude=()):
    """Fit `estimator` on every column but `label` and `exclude` (columns whose role is
    'ignore'), in table order.

    `transforms` are (node id, fitted step) pairs the table has been through since its source.
    Returns the inference pipeline [*transforms, ("features", selector), ("estimator", fitted)],
    a real sklearn Pipeline that takes raw input rows.
    """
    _require_columns(df, [label], "Train Model", param="label_column")
    task = task_of(estimator)
    if task in ("clustering", "anomaly"):
        raise _refuse_task(estimator, task, "Train Model")
    features = [c for c in df.columns if c != label and c not in set(exclude)]
    if not features:
        raise DataError(f"The table has no column besides the label {label!r}"
                        + (" and the ignored columns" if exclude else "") + " to learn from.")
    X, y = df[features], df[label]
    _check_features(df, features, estimator)
    _check_label(y, label, task)
    fitted = _fit(estimator, X, y)
    return _inference_pipeline(transforms, features, X, fitted)


def train_clustering_model(estimator, df, columns=(), transforms=()):
    """Fit a clustering `estimator` on `columns` (empty: all numeric columns).

    Returns (inference pipeline, the table with a `cluster` column added).
    """
    columns = list(columns) or numeric_columns(df)
    _require_columns(df, columns, "Train Clustering Model", param="columns")
    if not columns:
        raise DataError("The table has no numeric column to cluster.",
                        "Add Encode Categorical first, or list the columns to use.")
    if task_of(estimator) != "clustering":
        raise _refuse_task(estimator, task_of(estimator), "Train Clustering Model")
    X = df[columns]
    _check_features(df, columns, estimator)
    fitted = clone(estimator)
    try:  # fit_predict: DBSCAN and agglomerative clustering label only the rows they fit
        labels = fitted.fit_predict(X)
    except ValueError as exc:
        raise DataError(f"{type(estimator).__name__} could not be trained: {exc}",
                        "Check the learner's parameters against the data.") from exc
    pipeline = _inference_pipeline(transforms, columns, X, fitted)
    out = df.copy()
    out[CLUSTER] = labels
    return pipeline, out


def anomaly_flags(y, label):
    """A column of known anomalies as booleans: 1 or True marks an anomaly, 0 or False a normal
    row; any other value is a DataError."""
    values = set(y.dropna().unique().tolist())
    if y.isna().any() or not (pd.api.types.is_bool_dtype(y) or (
            pd.api.types.is_numeric_dtype(y) and values <= {0, 1})):
        shown = ", ".join(repr(v) for v in sorted(values, key=str)[:5]) or "nothing"
        missing = f" and {int(y.isna().sum())} missing value(s)" if y.isna().any() else ""
        raise DataError(f"The label column {label!r} must mark anomalies with 1 (or True) and "
                        f"normal rows with 0 (or False); it holds {shown}{missing}.",
                        "Derive such a column first, or train without known anomalies: leave "
                        "label_column empty and give no column the role 'label'.",
                        column=label, param="label_column")
    return y.astype(bool)


def train_anomaly_detection_model(estimator, df, label=None, transforms=(), exclude=()):
    """Fit an anomaly detector (e.g. IsolationForest) on every column but `label` and `exclude`
    (columns whose role is 'ignore'), in table order. `label` optionally names a column of known
    anomalies (see anomaly_flags): it is never a feature, and Evaluate Model compares it with the predictions. Returns the inference
    pipeline, whose `predict` gives scikit-learn's -1 (anomaly) / 1 (normal)."""
    task = task_of(estimator)
    if task != "anomaly":
        raise _refuse_task(estimator, task, "Train Anomaly Detection Model")
    if label is not None:
        _require_columns(df, [label], "Train Anomaly Detection Model", param="label_column")
        anomaly_flags(df[label], label)
    features = [c for c in df.columns if c != label and c not in set(exclude)]
    if not features:
        raise DataError("The table has no column to learn from.")
    X = df[features]
    _check_features(df, features, estimator)
    fitted = _fit(estimator, X)
    return _inference_pipeline(transforms, features, X, fitted)


def model_features(pipeline):
    """The feature columns a model's pipeline was trained on, in order."""
    return list(pipeline.named_steps["features"].transformers_[0][2])


def score_model(pipeline, df, skip=()):
    """Predict with `pipeline` minus the steps named in `skip`: the transforms the table has
    already been through, so that nothing is applied twice.

    Returns the table as given plus `scored_label` and, for classifiers, one
    `scored_probability_<class>` column per class (in the model's class order). Anomaly
    detectors give `scored_label` 1 (anomaly) or 0 (normal) and `anomaly_score`, the opposite
    of `score_samples` (higher is more anomalous). Clustering models give the cluster number.
    """
    steps = [(name, step) for name, step in pipeline.steps if name not in set(skip)]
    X = df
    for _, step in steps[:-2]:  # the transforms the table has not been through yet
        X = step.transform(X)
    features = model_features(pipeline)
    _require_columns(X, features, "Score Model (the model's features)")
    X = steps[-2][1].transform(X)
    estimator = steps[-1][1]
    task = task_of(estimator)
    out = df.copy()
    try:
        if task == "anomaly":
            out[PREDICTION] = (estimator.predict(X) == -1).astype(int)
            out[ANOMALY_SCORE] = -estimator.score_samples(X)
        elif task == "clustering":
            out[PREDICTION] = assign_clusters(estimator, X)
        else:
            out[PREDICTION] = estimator.predict(X)
        if task == "classification" and hasattr(estimator, "predict_proba"):
            proba = estimator.predict_proba(X)
            for i, cls in enumerate(estimator.classes_):
                out[f"{PROBABILITY_PREFIX}{cls}"] = proba[:, i]
    except ValueError as exc:  # e.g. missing values the estimator cannot take
        raise DataError(f"{type(estimator).__name__} could not score these rows: {exc}",
                        "Give Score Model rows like the training rows; to fill gaps, put Clean "
                        "Missing Data before Train Model so that the model includes it.") from exc
    return out


def assign_clusters(estimator, X):
    """Clusters of new rows: the model's own `predict`, or for DBSCAN (which has none) the
    cluster of the nearest core row when it is within eps, else NOISE."""
    if hasattr(estimator, "predict"):
        return estimator.predict(X)
    if hasattr(estimator, "core_sample_indices_") and hasattr(estimator, "eps"):
        labels = np.full(len(X), NOISE, dtype=int)
        core = estimator.components_
        if len(core) and len(X):
            from sklearn.neighbors import NearestNeighbors
            p = estimator.p if estimator.p is not None else 2
            search = NearestNeighbors(n_neighbors=1, metric=estimator.metric, p=p,
                                      algorithm=estimator.algorithm,
                                      leaf_size=estimator.leaf_size).fit(core)
            distance, nearest = search.kneighbors(np.asarray(X, dtype=float))
            core_labels = estimator.labels_[estimator.core_sample_indices_]
            within = distance[:, 0] <= estimator.eps
            labels[within] = core_labels[nearest[within, 0]]
        return labels
    raise DataError(f"{type(estimator).__name__} cannot assign new rows to its clusters: it "
                    "labels only the rows it was trained on.",
                    "Use Train Clustering Model's data output for those rows, or a learner that "
                    "can score new rows (K-Means, Gaussian Mixture, DBSCAN).")


# -- metrics ---------------------------------------------------------------------------------

def _plain(value):
    """A JSON-friendly Python value: numpy scalars unwrapped, NaN and infinities as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _metric(fn, *args, **kwargs):
    """A metric as a float, or None when it is undefined for these rows (e.g. one class only)."""
    try:
        return _plain(float(fn(*args, **kwargs)))
    except ValueError:
        return None


def _thin(*arrays):
    """At most CURVE_POINTS evenly spaced points (always keeping both ends), as lists."""
    n = len(arrays[0])
    index = np.unique(np.linspace(0, n - 1, CURVE_POINTS).round().astype(int)) if n > CURVE_POINTS \
        else np.arange(n)
    return [[_plain(v) for v in np.asarray(a)[index]] for a in arrays]


def _classes_of_scored(df, label):
    """The model's classes, in its order, read back from the scored_probability_<class> columns.

    Each suffix is matched to the label or prediction value with the same text, so classes keep
    their type (e.g. the int 1 and not the text '1').
    """
    suffixes = [c[len(PROBABILITY_PREFIX):] for c in df.columns
                if isinstance(c, str) and c.startswith(PROBABILITY_PREFIX)]
    known = {str(v): _plain(v) for v in pd.concat([df[label], df[PREDICTION]]).dropna().unique()}
    numeric = pd.api.types.is_numeric_dtype(df[label])
    return [known[s] if s in known else (float(s) if numeric else s) for s in suffixes]


def _classification_metrics(df, label):
    y, pred = df[label], df[PREDICTION]
    classes = _classes_of_scored(df, label)
    proba = df[[f"{PROBABILITY_PREFIX}{c}" for c in classes]].to_numpy(dtype=float) \
        if classes else None
    binary = len(classes) == 2 if classes else y.nunique() <= 2
    labels = classes or sorted(pd.concat([y, pred]).unique().tolist())
    if binary:
        positive = sorted(labels)[-1]
        average = {"average": "binary", "pos_label": positive}
    else:
        average = {"average": "macro"}
    values = {
        "accuracy": _metric(skm.accuracy_score, y, pred),
        "balanced_accuracy": _metric(skm.balanced_accuracy_score, y, pred),
        "precision": _metric(skm.precision_score, y, pred, zero_division=0.0, **average),
        "recall": _metric(skm.recall_score, y, pred, zero_division=0.0, **average),
        "f1": _metric(skm.f1_score, y, pred, zero_division=0.0, **average),
    }
    curves = {"roc": {}, "pr": {}}
    values["roc_auc"] = values["log_loss"] = None  # without probabilities (e.g. One-vs-One)
    if proba is not None:
        if binary:
            p = proba[:, classes.index(positive)]
            values["roc_auc"] = _metric(skm.roc_auc_score, y == positive, p)
            targets = [(positive, p)]
        else:
            values["roc_auc"] = _metric(skm.roc_auc_score, y, proba, multi_class="ovr",
                                        average="macro", labels=classes)
            targets = [(c, proba[:, i]) for i, c in enumerate(classes)]
        values["log_loss"] = _metric(skm.log_loss, y, proba, labels=classes)
        for cls, p in targets:
            truth = (y == cls).to_numpy()
            if truth.all() or not truth.any():
                continue  # a curve needs both classes among the rows
            fpr, tpr, _ = skm.roc_curve(truth, p)
            precision, recall, _ = skm.precision_recall_curve(truth, p)
            curves["roc"][str(cls)] = dict(zip(("fpr", "tpr"), _thin(fpr, tpr)))
            curves["pr"][str(cls)] = dict(zip(("recall", "precision"), _thin(recall, precision)))
    matrix = skm.confusion_matrix(y, pred, labels=labels)
    tables = {"confusion_matrix": {"labels": [str(c) for c in labels],
                                   "matrix": matrix.astype(int).tolist()}}
    return values, curves, tables


def _regression_metrics(df, label):
    y, pred = df[label].astype(float), df[PREDICTION].astype(float)
    values = {
        "mae": _metric(skm.mean_absolute_error, y, pred),
        "rmse": _metric(skm.root_mean_squared_error, y, pred),
        "r2": _metric(skm.r2_score, y, pred),
        "mape": _metric(skm.mean_absolute_percentage_error, y, pred),
    }
    predicted, residual = _thin(pred.to_numpy(), (y - pred).to_numpy())
    return values, {"residuals": {"predicted": predicted, "residual": residual}}, {}


def _clustering_metrics(df, features, prediction):
    X, labels = df[list(features)].to_numpy(dtype=float), df[prediction]
    values = {
        "silhouette": _metric(skm.silhouette_score, X, labels),
        "davies_bouldin": _metric(skm.davies_bouldin_score, X, labels),
        "calinski_harabasz": _metric(skm.calinski_harabasz_score, X, labels),
    }
    sizes = labels.value_counts().sort_index()
    tables = {"cluster_sizes": {"labels": [str(c) for c in sizes.index],
                                "counts": [int(v) for v in sizes]}}
    return values, {}, tables


def _anomaly_metrics(df, label, prediction):
    """The share of rows flagged, and with a known label the binary metrics with anomalies as
    the positive class; roc_auc and average_precision rank rows by their anomaly_score."""
    flagged = df[prediction].astype(bool)
    values = {"anomaly_fraction": _metric(np.mean, flagged) if len(df) else None}
    names = ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "roc_auc",
             "average_precision")
    values.update(dict.fromkeys(names))
    if label is None:
        return values, {}, {}
    y = anomaly_flags(df[label], label)
    values.update({
        "accuracy": _metric(skm.accuracy_score, y, flagged),
        "balanced_accuracy": _metric(skm.balanced_accuracy_score, y, flagged),
        "precision": _metric(skm.precision_score, y, flagged, zero_division=0.0),
        "recall": _metric(skm.recall_score, y, flagged, zero_division=0.0),
        "f1": _metric(skm.f1_score, y, flagged, zero_division=0.0),
    })
    curves = {"roc": {}, "pr": {}}
    if ANOMALY_SCORE in df.columns:
        score = df[ANOMALY_SCORE].to_numpy(dtype=float)
        values["roc_auc"] = _metric(skm.roc_auc_score, y, score)
        values["average_precision"] = _metric(skm.average_precision_score, y, score)
        if y.any() and not y.all():
            fpr, tpr, _ = skm.roc_curve(y, score)
            precision, recall, _ = skm.precision_recall_curve(y, score)
            curves["roc"]["anomaly"] = dict(zip(("fpr", "tpr"), _thin(fpr, tpr)))
            curves["pr"]["anomaly"] = dict(zip(("recall", "precision"), _thin(recall, precision)))
    matrix = skm.confusion_matrix(y, flagged, labels=[False, True])
    tables = {"confusion_matrix": {"labels": ["normal", "anomaly"],
                                   "matrix": matrix.astype(int).tolist()}}
    return values, curves, tables


def _evaluate_one(df, task, label, prediction=PREDICTION, features=()):
    if task == "clustering":
        _require_columns(df, [prediction, *features], "Evaluate Model")
        values, curves, tables = _clustering_metrics(df, features, prediction)
    elif task == "anomaly":
        _require_columns(df, [prediction], "Evaluate Model")
        if label is not None:
            _require_columns(df, [label], "Evaluate Model (the label column the model was "
                                          "trained with)")
        values, curves, tables = _anomaly_metrics(df, label, prediction)
    else:
        if label is None or label not in df.columns:
            raise DataError(f"The scored table has no label column {label!r}, so there is "
                            "nothing to compare the predictions with.",
                            "Score rows that still have their label column.", column=label)
        _require_columns(df, [prediction], "Evaluate Model")
        if df[label].isna().any():
            raise DataError(f"The label column {label!r} has missing values; metrics need "
                            "known labels.", "Remove those rows before scoring.", column=label)
        scored = df.rename(columns={prediction: PREDICTION}) if prediction != PREDICTION else df
        if task == "classification":
            values, curves, tables = _classification_metrics(scored, label)
        else:
            values, curves, tables = _regression_metrics(scored, label)
    return {"task": task, "values": values, "curves": curves, "tables": tables}


def evaluate_model(df, task, label, prediction=PREDICTION, features=(), b=None):
    """Metrics of a scored table: scikit-learn's, as the MLWire design fixes them.

    Classification: accuracy, balanced_accuracy, precision, recall, f1 (two classes: the
    positive class is the last of the sorted classes; more: macro average), roc_auc, log_loss,
    plus ROC and precision-recall curves and the confusion matrix. Regression: mae, rmse, r2,
    mape, plus residuals. Clustering: silhouette, davies_bouldin, calinski_harabasz. Anomaly
    detection: anomaly_fraction, and with a known label accuracy, balanced_accuracy, precision,
    recall, f1 (anomalies are the positive class), roc_auc, average_precision.
    `b` is an optional second scored table, given as a dict of the same arguments.
    Undefined metrics (e.g. ROC AUC with one class among the rows) are None.
    """
    result = _evaluate_one(df, task, label, prediction, features)
    result["b"] = _evaluate_one(**b) if b is not None else None
    return result


def flat_metrics(result):
    """The scalar metrics as one dict; the second data set's as 'b.<name>'."""
    out = dict(result["values"])
    if result.get("b") is not None:
        out.update({f"b.{k}": v for k, v in result["b"]["values"].items()})
    return out
