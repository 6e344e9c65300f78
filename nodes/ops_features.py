"""MLWire's feature selection and reduction (Filter Based Feature Selection, PCA) and SMOTE.
Shared by the nodes and, pasted verbatim, by exported scripts (imbalanced-learn is imported only
by SMOTE).

Feature selection and PCA are fitted steps of a model's inference pipeline (DataFrame in,
DataFrame out); SMOTE only adds training rows.
"""
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import PCA
from sklearn.feature_selection import (chi2, f_classif, f_regression, mutual_info_classif,
                                       mutual_info_regression)
from sklearn.utils.multiclass import type_of_target

from .ops import DataError, _names, _require_columns, check_numeric, numeric_columns

__all__ = ["FeatureSelectStep", "PCAStep", "filter_based_feature_selection", "scores_table",
           "pca", "smote",
           "SELECTION_METHODS", "PCA_PREFIX"]

SELECTION_METHODS = ("chi_squared", "anova_f", "mutual_information")
PCA_PREFIX = "pc_"


def _is_classification(y):
    return type_of_target(y) in ("binary", "multiclass") and \
        not (pd.api.types.is_float_dtype(y) and y.nunique() > 20)


def _scores(method, X, y, seed):
    classification = _is_classification(y)
    if method == "chi_squared":
        if not classification:
            raise DataError("The chi-squared score needs a label with classes; this label holds "
                            "continuous numbers.", "Use anova_f or mutual_information.",
                            param="method")
        if (X.to_numpy() < 0).any():
            raise DataError("The chi-squared score needs non-negative features.",
                            "Scale them with Normalize Data (minmax) first, or use anova_f.",
                            param="method")
        return chi2(X, y)[0]
    if method == "anova_f":
        with np.errstate(all="ignore"):
            return (f_classif if classification else f_regression)(X, y)[0]
    fn = mutual_info_classif if classification else mutual_info_regression
    return fn(X, y, random_state=seed)


class FeatureSelectStep(TransformerMixin, BaseEstimator):
    """Keep the `k` best numeric features by a score against `label_column`; every other column
    (the label, text columns, the `exclude`d ones: role 'ignore') passes through; column order
    is kept."""

    def __init__(self, label_column="", method="anova_f", k=10, seed=0, exclude=()):
        self.label_column = label_column
        self.method = method
        self.k = k
        self.seed = seed
        self.exclude = exclude

    def fit(self, X, y=None):
        y = X[self.label_column] if y is None else y
        skip = {self.label_column, *self.exclude}
        candidates = [c for c in numeric_columns(X) if c not in skip]
        if not candidates:
            raise DataError("There is no numeric feature to select from.",
                            "Encode text columns first.")
        features = X[candidates]
        missing = [c for c in candidates if features[c].isna().any()]
        if missing or y.isna().any():
            raise DataError(f"Feature selection cannot score missing values (in "
                            f"{_names(missing or [self.label_column])}).",
                            "Add Clean Missing Data first.", column=(missing or [None])[0])
        scores = np.nan_to_num(np.asarray(_scores(self.method, features, y, self.seed),
                                          dtype=float), nan=-np.inf)
        order = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
        keep = set(candidates[i] for i in order[:self.k])
        self.scores_ = {c: float(s) if np.isfinite(s) else None
                        for c, s in zip(candidates, scores)}
        self.dropped_ = [c for c in candidates if c not in keep]
        return self

    def transform(self, X):
        return X.drop(columns=[c for c in self.dropped_ if c in X.columns])

    def get_feature_names_out(self, input_features=None):
        return np.asarray([c for c in (input_features or []) if c not in self.dropped_],
                          dtype=object)


def filter_based_feature_selection(df, label_column, method="anova_f", k=10, seed=0, exclude=()):
    """Returns (table with the k best features, fitted step, scores table). `exclude`: columns
    that are not candidates (role 'ignore'); they pass through."""
    _require_columns(df, [label_column], "Filter Based Feature Selection", param="label_column")
    step = FeatureSelectStep(label_column, method, k, seed, list(exclude)).fit(df)
    return step.transform(df), step, scores_table(step)


def scores_table(step):
    """A fitted FeatureSelectStep's candidates: feature, score, selected."""
    scores = pd.DataFrame({"feature": pd.Series(list(step.scores_), dtype=object),
                           "score": [np.nan if v is None else v for v in step.scores_.values()],
                           "selected": [c not in step.dropped_ for c in step.scores_]})
    return scores


class PCAStep(TransformerMixin, BaseEstimator):
    """Replace numeric `columns`, at the first one's position, by `n_components` principal
    components 'pc_1', 'pc_2', ... (scikit-learn's PCA fitted on them)."""

    def __init__(self, columns=(), n_components=2, whiten=False, seed=0):
        self.columns = columns
        self.n_components = n_components
        self.whiten = whiten
        self.seed = seed

    def fit(self, X, y=None):
        _require_columns(X, self.columns, "PCA", param="columns")
        check_numeric(X, self.columns, "PCA", "Encode text columns first, or leave them out.")
        data = X[list(self.columns)]
        if data.isna().any().any():
            raise DataError("PCA cannot work with missing values.",
                            "Add Clean Missing Data before PCA.", param="columns")
        if self.n_components > min(len(data), len(self.columns)):
            raise DataError(f"PCA cannot find {self.n_components} components in "
                            f"{len(self.columns)} columns and {len(data)} rows.",
                            "Lower 'n_components'.", param="n_components")
        self.pca_ = PCA(n_components=self.n_components, whiten=self.whiten,
                        random_state=self.seed).fit(data.to_numpy(dtype=float))
        return self

    def transform(self, X):
        _require_columns(X, self.columns, "PCA (the fitted columns)")
        names = [f"{PCA_PREFIX}{i + 1}" for i in range(self.n_components)]
        values = self.pca_.transform(X[list(self.columns)].to_numpy(dtype=float))
        components = pd.DataFrame(values, columns=names, index=X.index)
        position = list(X.columns).index(self.columns[0])
        rest = [c for c in X.columns if c not in set(self.columns)]
        before = [c for c in rest if list(X.columns).index(c) < position]
        after = [c for c in rest if list(X.columns).index(c) > position]
        out = pd.concat([X[before], components, X[after]], axis=1)
        duplicated = out.columns[out.columns.duplicated()].unique().tolist()
        if duplicated:
            raise DataError(f"PCA would create column(s) {_names(duplicated)}, which the table "
                            "already has.", "Rename those columns first.")
        return out

    def get_feature_names_out(self, input_features=None):
        return np.asarray([f"{PCA_PREFIX}{i + 1}" for i in range(self.n_components)],
                          dtype=object)


def pca(df, columns=(), exclude_columns=(), n_components=2, whiten=False, seed=0):
    """PCA over numeric columns (empty: all numeric, minus exclude_columns).
    Returns (table, fitted step)."""
    _require_columns(df, columns, "PCA", param="columns")
    _require_columns(df, exclude_columns, "PCA", param="exclude_columns")
    chosen = [c for c in (list(columns) or numeric_columns(df)) if c not in set(exclude_columns)]
    if not chosen:
        raise DataError("PCA has no numeric column to work on.", "List the columns to use.",
                        param="columns")
    step = PCAStep(chosen, n_components, whiten, seed).fit(df)
    return step.transform(df), step


def smote(df, label_column, k_neighbors=5, seed=0, exclude=()):
    """Add synthetic rows of the minority classes (imbalanced-learn's SMOTE) until every class
    has as many rows as the largest. The features (every other column but `exclude`, the
    columns whose role is 'ignore') must be numeric and complete (boolean features become 0/1
    numbers). The original rows come first, in their order, then the new rows, which have no
    value in the excluded columns (integers there become nullable Int64, booleans boolean)."""
    try:
        from imblearn.over_sampling import SMOTE
    except ImportError:
        raise DataError("SMOTE needs the Python package 'imbalanced-learn'.",
                        "Install it with: pip install imbalanced-learn") from None
    _require_columns(df, [label_column], "SMOTE", param="label_column")
    excluded = [c for c in df.columns if c in set(exclude) and c != label_column]
    features = [c for c in df.columns if c != label_column and c not in excluded]
    check_numeric(df, features, "SMOTE", "Encode text features first, or give them the role "
                                         "'ignore' (Edit Metadata).")
    if df[features].isna().any().any() or df[label_column].isna().any():
        raise DataError("SMOTE cannot work with missing values.",
                        "Add Clean Missing Data first.")
    smallest = int(df[label_column].value_counts().min()) if len(df) else 0
    if smallest <= k_neighbors:
        raise DataError(f"The smallest class has {smallest} row(s); SMOTE with k_neighbors="
                        f"{k_neighbors} needs more than {k_neighbors}.",
                        "Lower 'k_neighbors'.", param="k_neighbors")
    sampler = SMOTE(k_neighbors=k_neighbors, random_state=seed)
    X, y = sampler.fit_resample(df[features], df[label_column])
    new = X.iloc[len(df):].copy()
    new[label_column] = y.iloc[len(df):].to_numpy()
    base = df.copy()
    for column in features:  # synthetic values interpolate: booleans become 0.0..1.0 numbers
        if pd.api.types.is_bool_dtype(df[column]):
            base[column] = base[column].astype("float64")
            new[column] = new[column].astype("float64")
    out = pd.concat([base, new.reindex(columns=df.columns)], ignore_index=True)
    for column in excluded:     # a dtype that holds the synthetic rows' missing values
        dtype = df[column].dtype
        if pd.api.types.is_bool_dtype(dtype):
            dtype = "boolean"
        elif pd.api.types.is_integer_dtype(dtype):
            dtype = "Int64"
        out[column] = out[column].astype(dtype)
    return out
