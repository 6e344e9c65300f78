"""Cross-validation and hyperparameter tuning on pandas and scikit-learn, for nodes and scripts.

Like nodes/ops.py, this module is self-contained (numpy, pandas, scikit-learn) and is pasted into
exported scripts, after ops.py's source: the lines marked `# app-only` import ops' functions in
the app and are left out of the script, where ops is already defined.

Leakage rule (docs/automl.md): a table that reaches Cross Validate Model or Tune Model
Hyperparameters may carry a lineage of transforms fitted on all its rows. Given the rows from
before those transforms (`raw`), every transform is cloned and refitted inside each fold, on
that fold's training rows only; without them the folds see statistics of each other's rows.
"""
import math
import time

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import KFold, ParameterGrid, ParameterSampler, StratifiedKFold
from sklearn.pipeline import Pipeline

from nodes.ops import DataError, evaluate_model, score_model, task_of, train_model  # app-only

__all__ = ["fold_splitter", "aligned_raw_rows", "cross_validate_model", "metric_scorer",
           "cross_validation_outputs",
           "tune_hyperparameters", "tuning_outputs", "transformed_like", "METRICS", "LOWER_IS_BETTER", "default_metric", "features_step"]

METRICS = {
    "classification": ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "roc_auc",
                       "log_loss"),
    "regression": ("mae", "rmse", "r2", "mape"),
}
LOWER_IS_BETTER = {"log_loss", "mae", "rmse", "mape"}


def default_metric(task, n_classes=2):
    return ("roc_auc" if n_classes == 2 else "accuracy") if task == "classification" else "r2"


def fold_splitter(task, folds=5, stratified=True, shuffle=True, seed=0):
    """KFold, or StratifiedKFold for classification with `stratified`; seeded only when
    shuffling (scikit-learn refuses a seed without a shuffle)."""
    cls = StratifiedKFold if (task == "classification" and stratified) else KFold
    return cls(n_splits=folds, shuffle=shuffle, random_state=seed if shuffle else None)


def features_step(features):
    """The model pipeline's "features" step: keeps the feature columns, by name, in order."""
    return ColumnTransformer([("features", "passthrough", list(features))], remainder="drop",
                             verbose_feature_names_out=False).set_output(transform="pandas")


def _replay(steps, df):
    for _, step in steps:
        df = step.transform(df)
    return df


def aligned_raw_rows(raw, df, transforms):
    """The rows of `raw` (the table before `transforms`) that reached `df`, by index, and the
    columns of the replayed table that `df` no longer has (dropped after the transforms)."""
    if not raw.index.is_unique or not df.index.is_unique:
        raise DataError("The rows cannot be matched to the rows before preprocessing: the row "
                        "index has duplicates.", "Connect tables that come from one source "
                        "without Add Rows in between.")
    missing = df.index.difference(raw.index)
    if len(missing):
        raise DataError(f"{len(missing)} row(s) of 'data' are not among the rows on "
                        "'raw_data'.", "Connect to 'raw_data' the table that entered the first "
                        "fitted transform (e.g. the Import CSV output).")
    rows = raw.loc[df.index]
    replayed = _replay(transforms, rows.head(50))
    unknown = [c for c in df.columns if c not in replayed.columns]
    if unknown:
        raise DataError(f"Column(s) {', '.join(map(repr, unknown))} of 'data' are not made by "
                        "the fitted transforms from the rows on 'raw_data', so they cannot be "
                        "rebuilt inside each fold.", "Connect the rows from just before the "
                        "first fitted transform, or compute those columns before it.")
    dropped = [c for c in replayed.columns if c not in df.columns]
    return rows, dropped


def _fold_frames(steps, train, test, dropped):
    """Clone and refit each step on the fold's training rows; returns (fitted steps, train)."""
    fitted = []
    for name, step in steps:
        step = clone(step).fit(train)
        fitted.append((name, step))
        train = step.transform(train)
    return fitted, train.drop(columns=[c for c in dropped if c in train.columns])


def _summary(folds, names):
    mean, std = {}, {}
    for name in names:
        values = [f[name] for f in folds if f.get(name) is not None]
        mean[name] = float(np.mean(values)) if values else None
        std[name] = float(np.std(values)) if values else None
    return mean, std


def cross_validate_model(estimator, df, label, folds=5, stratified=True, shuffle=True, seed=0,
                         transforms=(), raw=None, exclude=()):
    """Per-fold metrics (Evaluate Model's) of `estimator` trained on every column but `label`
    and `exclude` (columns whose role is 'ignore').

    `transforms` are the (node id, fitted step) pairs on the table's lineage. With `raw` (the
    rows before them) each step is refitted inside every fold; without, the rows of `df` are
    used as they are. Returns {"task", "folds": [{"fold", "train_rows", "test_rows", metric:
    value, ...}], "mean", "std", "refitted": bool, "fitted": [[(id, step), ...] per fold]}.
    """
    if label not in df.columns:
        raise DataError(f"Cross Validate Model: there is no column {label!r}.",
                        f"Available columns: {', '.join(map(repr, df.columns))}.",
                        column=label, param="label_column")
    task = task_of(estimator)
    if task == "clustering":
        raise DataError(f"{type(estimator).__name__} is a clustering learner; Cross Validate "
                        "Model needs a classifier or a regressor.")
    if len(df) < folds:
        raise DataError(f"The table has {len(df)} rows, fewer than the {folds} folds.",
                        "Use fewer folds or more rows.", param="folds")
    refit = raw is not None and len(transforms) > 0
    rows, dropped = aligned_raw_rows(raw, df, transforms) if refit else (df, [])
    y = df[label]
    if task == "classification" and stratified:
        smallest = int(y.value_counts().min()) if y.notna().all() else folds
        if smallest < folds:
            raise DataError(f"The smallest class of {label!r} has {smallest} row(s), fewer than "
                            f"the {folds} folds, so the folds cannot be stratified.",
                            "Use fewer folds, or set stratified to false.", param="folds")
    splitter = fold_splitter(task, folds, stratified, shuffle, seed)
    names = METRICS[task]
    results, fitted_all = [], []
    for i, (train_idx, test_idx) in enumerate(splitter.split(rows, y)):
        train, test = rows.iloc[train_idx], rows.iloc[test_idx]
        steps, train = _fold_frames(transforms, train, test, dropped) if refit else ([], train)
        pipeline = train_model(estimator, train, label, steps, exclude)
        scored = score_model(pipeline, test)
        values = evaluate_model(scored, task, label)["values"]
        results.append({"fold": i + 1, "train_rows": len(train_idx), "test_rows": len(test_idx),
                        **{n: values.get(n) for n in names}})
        fitted_all.append(steps)
    mean, std = _summary(results, names)
    return {"task": task, "folds": results, "mean": mean, "std": std, "refitted": refit,
            "fitted": fitted_all}


def cross_validation_outputs(result):
    """(metrics, folds table) as Cross Validate Model outputs them: metrics in Evaluate Model's
    JSON shape (each metric's mean, then '<metric>_std'; the folds in tables), folds a frame."""
    names = METRICS[result["task"]]
    values = {n: result["mean"][n] for n in names}
    values.update({f"{n}_std": result["std"][n] for n in names})
    rows = [[_plain(v) for v in f.values()] for f in result["folds"]]
    tables = {"folds": {"columns": list(result["folds"][0]), "rows": rows},
              "refitted": result["refitted"]}
    folds = pd.DataFrame(result["folds"])
    for name in names:
        folds[name] = folds[name].astype(float)
    metrics = {"task": result["task"], "values": values, "curves": {}, "tables": tables, "b": None}
    return metrics, folds


# -- tuning ------------------------------------------------------------------------------------

def metric_scorer(metric, task, classes=()):
    """(scikit-learn scorer, sign): the scorer Evaluate Model's `metric` corresponds to, and
    +1 or -1 to turn the scorer's value back into the metric (scorers maximise)."""
    from sklearn import metrics as skm
    if task == "regression":
        table = {"r2": ("r2", 1), "mae": ("neg_mean_absolute_error", -1),
                 "rmse": ("neg_root_mean_squared_error", -1),
                 "mape": ("neg_mean_absolute_percentage_error", -1)}
        if metric not in table:
            raise DataError(f"{metric!r} is not a regression metric.",
                            f"Choose one of {', '.join(table)}.", param="metric")
        return table[metric]
    binary = len(classes) == 2
    if metric in ("accuracy", "balanced_accuracy"):
        return metric, 1
    if metric == "roc_auc":
        return ("roc_auc" if binary else "roc_auc_ovr"), 1
    if metric == "log_loss":
        return "neg_log_loss", -1
    if metric in ("precision", "recall", "f1"):
        fn = {"precision": skm.precision_score, "recall": skm.recall_score, "f1": skm.f1_score}
        if binary:
            return skm.make_scorer(fn[metric], pos_label=sorted(classes)[-1], zero_division=0.0), 1
        return skm.make_scorer(fn[metric], average="macro", zero_division=0.0), 1
    raise DataError(f"{metric!r} is not a classification metric.",
                    f"Choose one of {', '.join(METRICS['classification'])}.", param="metric")


def _distribution(name, spec):
    """A value list, or a {"low", "high", "log", "int"} range, as a ParameterSampler entry."""
    from scipy import stats
    if isinstance(spec, list):
        return spec
    low, high = spec["low"], spec["high"]
    if spec.get("int"):
        if spec.get("log"):
            values = sorted({int(round(v)) for v in np.geomspace(low, high, 32)})
            return values
        return stats.randint(int(low), int(high) + 1)
    if spec.get("log"):
        return stats.loguniform(low, high)
    return stats.uniform(low, high - low)


def _grid_values(name, spec, points=5):
    if isinstance(spec, list):
        return spec
    low, high = spec["low"], spec["high"]
    values = np.geomspace(low, high, points) if spec.get("log") else np.linspace(low, high, points)
    values = [int(round(v)) for v in values] if spec.get("int") else [float(v) for v in values]
    return list(dict.fromkeys(values))


def _plain(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _candidates(space, search, n_trials, seed):
    if search == "grid":
        return list(ParameterGrid({k: _grid_values(k, v) for k, v in space.items()}))
    sampler = ParameterSampler({k: _distribution(k, v) for k, v in space.items()}, n_trials,
                               random_state=seed)
    return [{k: _plain(v) for k, v in c.items()} for c in sampler]


def tune_hyperparameters(estimator, df, label, space, search="grid", n_trials=20, time_budget=None,
               folds=5, seed=0, metric=None, transforms=(), raw=None, validation=None,
               on_trial=None, exclude=()):
    """Search `space` ({param: [values] or {"low", "high", "log", "int"}}) for `estimator`.

    Each trial is scored by cross-validation on `df` (folds of fold_splitter(...)), or, with a
    `validation` table, by training on all of `df` and scoring the validation rows. With `raw`
    the lineage `transforms` are refitted inside each fold. Grid and random search stop
    starting trials once `time_budget` seconds have passed; successive halving runs
    scikit-learn's HalvingGridSearchCV (or HalvingRandomSearchCV with n_trials candidates).
    Returns {"metric", "greater_is_better", "trials": [...], "best": trial, "model": pipeline
    refitted on all of df (Train Model's inference pipeline)}. `on_trial(trial, number of
    trials planned, metric)` hears each grid or random trial as it finishes. The features are
    every column but `label` and `exclude` (columns whose role is 'ignore').
    """
    from sklearn.model_selection import cross_validate
    task = task_of(estimator)
    if label not in df.columns:
        raise DataError(f"There is no column {label!r}.", "Check 'label_column'.",
                        column=label, param="label_column")
    known = estimator.get_params()
    unknown = [k for k in space if k not in known]
    if unknown:
        raise DataError(f"{type(estimator).__name__} has no hyperparameter "
                        f"{', '.join(map(repr, unknown))}.",
                        f"Its hyperparameters: {', '.join(sorted(known))}.", param="ranges")
    y = df[label]
    classes = sorted(y.dropna().unique().tolist()) if task == "classification" else []
    if task == "classification" and len(classes) < 2:
        raise DataError(f"The label column {label!r} has only one class; a classifier needs "
                        "at least two.", column=label, param="label_column")
    metric = metric or default_metric(task, len(classes))
    scorer, sign = metric_scorer(metric, task, classes)
    # With a validation table there are no folds, so nothing to refit per fold.
    refit = raw is not None and len(transforms) > 0 and validation is None
    features = [c for c in df.columns if c != label and c not in set(exclude)]
    if refit:
        rows, _ = aligned_raw_rows(raw, df, transforms)
        X = rows.drop(columns=[label]) if label in rows.columns else rows
        steps = [(name, clone(step)) for name, step in transforms]
    else:
        X, steps = df[features], []
    template = Pipeline(steps + [("features", features_step(features)),
                                 ("estimator", clone(estimator))])
    splitter = fold_splitter(task, folds, True, True, seed)
    trials = []
    started = time.perf_counter()
    if search == "successive_halving":
        trials = _halving(template, X, y, space, n_trials, splitter, scorer, sign, seed)
    else:
        planned = _candidates(space, search, n_trials, seed)
        for number, params in enumerate(planned, 1):
            if time_budget is not None and trials and time.perf_counter() - started > time_budget:
                break
            model = clone(template).set_params(**{f"estimator__{k}": v for k, v in params.items()})
            t0 = time.perf_counter()
            if validation is not None:
                fitted = model.fit(X, y)
                from sklearn.metrics import get_scorer
                score_fn = get_scorer(scorer) if isinstance(scorer, str) else scorer
                scores = [score_fn(fitted, validation[features], validation[label])]
            else:
                scores = cross_validate(model, X, y, cv=splitter, scoring=scorer,
                                        error_score="raise")["test_score"]
            values = [sign * float(s) for s in scores]
            trials.append({"trial": number, "params": {k: _plain(v) for k, v in params.items()},
                           "score": _plain(float(np.mean(values))),
                           "score_std": _plain(float(np.std(values))),
                           "fold_scores": [_plain(v) for v in values], "resources": len(X),
                           "seconds": time.perf_counter() - t0})
            if on_trial is not None:
                on_trial(trials[-1], len(planned), metric)
    if not trials:
        raise DataError("No trial finished.", "Give the search more time or fewer folds.")
    greater = metric not in LOWER_IS_BETTER
    most = max(t["resources"] for t in trials)
    final = [t for t in trials if t["resources"] == most and t["score"] is not None]
    if not final:
        raise DataError(f"Every trial's {metric} is undefined on these rows.",
                        "Use more rows per fold, fewer folds, or another metric.",
                        param="metric")
    best = max(final, key=lambda t: t["score"] if greater else -t["score"])  # first of ties
    chosen = clone(estimator).set_params(**best["params"])
    pipeline = train_model(chosen, df, label, list(transforms), exclude)
    return {"metric": metric, "greater_is_better": greater, "trials": trials, "best": best,
            "model": pipeline, "task": task}


def transformed_like(df, transforms, skip=()):
    """`df` through the fitted `transforms` it has not been through yet (ids in `skip`)."""
    for name, step in transforms:
        if name not in set(skip):
            df = step.transform(df)
    return df


def tuning_outputs(result):
    """(model pipeline, trials table) as Tune Model Hyperparameters outputs them."""
    import json
    best = result["best"]["trial"]
    rows = [{"trial": t["trial"], "score": t["score"], "score_std": t["score_std"],
             "resources": t["resources"], "params": json.dumps(t["params"], sort_keys=True), "best": t["trial"] == best}
            for t in result["trials"]]
    return result["model"], pd.DataFrame(rows, columns=["trial", "score", "score_std",
                                                       "resources", "params", "best"])


def _halving(template, X, y, space, n_trials, splitter, scorer, sign, seed):
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV, HalvingRandomSearchCV
    grid = {f"estimator__{k}": v for k, v in space.items()}
    if all(isinstance(v, list) for v in space.values()):
        search = HalvingGridSearchCV(template, grid, cv=splitter, scoring=scorer,
                                     random_state=seed, refit=False, error_score="raise")
    else:
        dists = {f"estimator__{k}": _distribution(k, v) for k, v in space.items()}
        search = HalvingRandomSearchCV(template, dists, n_candidates=n_trials, cv=splitter,
                                       scoring=scorer, random_state=seed, refit=False,
                                       error_score="raise", min_resources="exhaust")
    search.fit(X, y)
    r = search.cv_results_
    n_splits = splitter.get_n_splits()
    trials = []
    for i, params in enumerate(r["params"]):
        values = [sign * float(r[f"split{k}_test_score"][i]) for k in range(n_splits)]
        trials.append({"trial": i + 1, "fold_scores": [_plain(v) for v in values],
                       "params": {k[len("estimator__"):]: _plain(v) for k, v in params.items()},
                       "score": _plain(float(np.mean(values))),
                       "score_std": _plain(float(np.std(values))),
                       "resources": int(r["n_resources"][i]),
                       "seconds": float(r["mean_fit_time"][i] * n_splits)})
    return trials
