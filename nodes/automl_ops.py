"""AutoML candidates: a plain-JSON spec -> an unfitted scikit-learn pipeline, and its description.

Self-contained (numpy, pandas, scikit-learn): the AutoML search builds every candidate with
`build_candidate`, and an exported script pastes this module's source so that it builds the
winning pipeline from the same spec with the same code.

A spec is plain JSON:
  {"task": "classification", "learner": "hgb", "params": {...},
   "prep": {"impute": "median", "scale": "standard", "encode": "onehot", "select": false}}
or an ensemble of such specs:
  {"task": ..., "ensemble": "voting", "members": [spec, ...], "weights": [2, 1, ...]}
"""
import importlib

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, RobustScaler, StandardScaler

__all__ = ["LEARNERS", "build_candidate", "describe_candidate", "split_feature_kinds",
           "candidate_learners", "fit_candidate", "automl_model", "leaderboard_frame",
           "LEADERBOARD_COLUMNS"]

LEADERBOARD_COLUMNS = ("rank", "candidate", "learner", "score", "score_std", "fit_seconds",
                       "trial", "status")

# name -> (title, classification estimator, regression estimator); None: not for that task.
LEARNERS = {
    "linear": ("Linear", "sklearn.linear_model.LogisticRegression", "sklearn.linear_model.Ridge"),
    "hgb": ("HistGradientBoosting", "sklearn.ensemble.HistGradientBoostingClassifier",
            "sklearn.ensemble.HistGradientBoostingRegressor"),
    "random_forest": ("RandomForest", "sklearn.ensemble.RandomForestClassifier",
                      "sklearn.ensemble.RandomForestRegressor"),
    "extra_trees": ("ExtraTrees", "sklearn.ensemble.ExtraTreesClassifier",
                    "sklearn.ensemble.ExtraTreesRegressor"),
    "knn": ("kNN", "sklearn.neighbors.KNeighborsClassifier",
            "sklearn.neighbors.KNeighborsRegressor"),
    "svm": ("SVM", "sklearn.svm.SVC", "sklearn.svm.SVR"),
    "mlp": ("MLP", "sklearn.neural_network.MLPClassifier", "sklearn.neural_network.MLPRegressor"),
    "naive_bayes": ("NaiveBayes", "sklearn.naive_bayes.GaussianNB", None),
    "decision_tree": ("DecisionTree", "sklearn.tree.DecisionTreeClassifier",
                      "sklearn.tree.DecisionTreeRegressor"),
}


def candidate_learners(task):
    """The learner names that can do `task`, in LEARNERS order."""
    index = 1 if task == "classification" else 2
    return [name for name, row in LEARNERS.items() if row[index] is not None]


def split_feature_kinds(df, columns):
    """(numeric, categorical) feature columns: numbers and booleans are numeric, the rest is
    treated as categories."""
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(df[c])]
    return numeric, [c for c in columns if c not in set(numeric)]


def _estimator(spec):
    task, name = spec["task"], spec["learner"]
    if name not in LEARNERS:
        raise ValueError(f"unknown AutoML learner {name!r}; known: {', '.join(LEARNERS)}")
    path = LEARNERS[name][1 if task == "classification" else 2]
    if path is None:
        raise ValueError(f"the learner {name!r} cannot do {task}")
    module, cls = path.rsplit(".", 1)
    estimator = getattr(importlib.import_module(module), cls)(**spec.get("params", {}))
    if name == "svm" and task == "classification":
        # probabilities for roc_auc, log_loss and soft voting (SVC(probability=True) is
        # deprecated since scikit-learn 1.9 in favour of exactly this)
        from sklearn.calibration import CalibratedClassifierCV
        return CalibratedClassifierCV(estimator, ensemble=False)
    return estimator


def _numeric_steps(prep):
    steps = []
    if prep.get("impute", "median") != "none":
        steps.append(("impute", SimpleImputer(strategy=prep.get("impute", "median"),
                                              keep_empty_features=True)))
    scale = prep.get("scale", "none")
    if scale == "standard":
        steps.append(("scale", StandardScaler()))
    elif scale == "robust":
        steps.append(("scale", RobustScaler()))
    return Pipeline(steps) if steps else "passthrough"


def _categorical_steps(prep):
    if prep.get("encode", "onehot") == "onehot":
        encoder = OneHotEncoder(handle_unknown="infrequent_if_exist", sparse_output=False,
                                max_categories=prep.get("max_categories", 20))
    else:
        encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                                 encoded_missing_value=-2)
    imputer = SimpleImputer(strategy="constant", fill_value="missing", keep_empty_features=True)
    return Pipeline([("impute", imputer), ("encode", encoder)])


def _single(spec, numeric, categorical, seed):
    prep = spec.get("prep", {})
    parts = []
    if numeric:
        parts.append(("numeric", _numeric_steps(prep), list(numeric)))
    if categorical:
        parts.append(("categorical", _categorical_steps(prep), list(categorical)))
    steps = [("prep", ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0))]
    if prep.get("select"):
        from sklearn.feature_selection import SelectFromModel
        from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor
        forest = ExtraTreesClassifier if spec["task"] == "classification" else ExtraTreesRegressor
        steps.append(("select", SelectFromModel(forest(n_estimators=50, random_state=seed),
                                                threshold="0.5*mean")))
    steps.append(("model", _estimator(spec)))
    return Pipeline(steps)


def build_candidate(spec, numeric, categorical, seed=0):
    """The unfitted pipeline for `spec`: ColumnTransformer preprocessing (imputation, scaling,
    encoding), optional feature selection, then the estimator; or a soft-voting ensemble of
    such pipelines (VotingClassifier / VotingRegressor with the spec's weights)."""
    if spec.get("ensemble"):
        from sklearn.ensemble import VotingClassifier, VotingRegressor
        members = [(f"m{i}", _single(m, numeric, categorical, seed))
                   for i, m in enumerate(spec["members"])]
        if spec["task"] == "classification":
            return VotingClassifier(members, voting="soft", weights=spec.get("weights"))
        return VotingRegressor(members, weights=spec.get("weights"))
    return _single(spec, numeric, categorical, seed)


def describe_candidate(spec):
    """A short human description, e.g. 'HistGradientBoosting(learning_rate=0.05) | median,
    ordinal'."""
    if spec.get("ensemble"):
        weights = spec.get("weights") or [1] * len(spec["members"])
        inner = " + ".join(f"{w}x {LEARNERS[m['learner']][0]}"
                           for w, m in zip(weights, spec["members"]))
        return f"Voting ensemble ({inner})"
    params = ", ".join(f"{k}={_short(v)}" for k, v in sorted(spec.get("params", {}).items())
                       if k not in ("random_state", "n_jobs", "probability", "algorithm"))
    prep = spec.get("prep", {})
    steps = [prep.get("impute", "median") + " impute" if prep.get("impute") != "none" else "",
             prep.get("scale", "none") + " scale" if prep.get("scale", "none") != "none" else "",
             prep.get("encode", "onehot"), "select" if prep.get("select") else ""]
    return f"{LEARNERS[spec['learner']][0]}({params}) | " + ", ".join(s for s in steps if s)


def _short(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "(" + ",".join(str(v) for v in value) + ")"
    return str(value)


def _refit_sample(pin, X, y):
    """All rows, or the pin's `refit_rows` of them (a refit cut short to keep the time budget),
    drawn with the pin's seed so that a rebuild from the pin fits on the same rows."""
    n = pin.get("refit_rows")
    if not n or n >= len(X):
        return X, y
    keep = np.sort(np.random.default_rng(pin.get("seed", 0)).permutation(len(X))[:n])
    return X.iloc[keep], (y.iloc[keep] if hasattr(y, "iloc") else np.asarray(y)[keep])


def fit_candidate(pin, X, y):
    """The pinned candidate (a leaderboard entry: spec, features, numeric, categorical, seed)
    fitted on rows X (its feature columns are picked by name) and labels y; an ensemble's
    members are fitted two at a time, in threads."""
    from threadpoolctl import threadpool_limits
    model = build_candidate(pin["spec"], pin["numeric"], pin["categorical"], pin.get("seed", 0))
    X, y = _refit_sample(pin, X, y)
    if pin["spec"].get("ensemble"):
        from joblib import parallel_config
        # two members at a time, one core each: OpenMP pools inside threads oversubscribe
        with parallel_config(backend="threading", n_jobs=2), threadpool_limits(limits=1):
            return model.fit(X[pin["features"]], y)
    return model.fit(X[pin["features"]], y)


def automl_model(pin, df, label, transforms=(), fitted=None):
    """The inference pipeline of a pinned candidate: the table's fitted transforms, the feature
    columns by name, then the candidate fitted on the rows that have a label (unless `fitted`
    is given). A real scikit-learn Pipeline that takes raw input rows."""
    rows = df[df[label].notna()]
    if fitted is None:
        fitted = fit_candidate(pin, rows, rows[label])
    features = ColumnTransformer([("features", "passthrough", list(pin["features"]))],
                                 remainder="drop", verbose_feature_names_out=False)
    features.set_output(transform="pandas").fit(rows)
    return Pipeline(list(transforms) + [("features", features), ("estimator", fitted)])


def leaderboard_frame(rows):
    """The leaderboard table: one row per candidate, best first."""
    frame = pd.DataFrame([{c: r.get(c) for c in LEADERBOARD_COLUMNS} for r in rows],
                         columns=list(LEADERBOARD_COLUMNS))
    for column in ("score", "score_std", "fit_seconds"):
        frame[column] = frame[column].astype(float)
    for column in ("rank", "trial"):
        frame[column] = frame[column].astype("int64")
    for column in ("candidate", "learner", "status"):
        frame[column] = frame[column].astype(str)
    return frame


def pinned_leaderboard(pin):
    """The one-row leaderboard of a pinned candidate, from what the pin recorded."""
    learner = "ensemble" if pin["spec"].get("ensemble") else pin["spec"]["learner"]
    return leaderboard_frame([{"rank": 1, "candidate": pin.get("candidate") or
                               describe_candidate(pin["spec"]), "learner": learner,
                               "score": pin.get("score"), "score_std": pin.get("score_std"),
                               "fit_seconds": pin.get("fit_seconds"),
                               "trial": pin.get("trial") or 0, "status": "pinned"}])
