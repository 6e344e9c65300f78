"""Tune Model Hyperparameters: grid, random or successive-halving search over a learner's own
declared hyperparameters; the best model refitted on all training rows, and every trial."""
from __future__ import annotations

import json
import math

from .base import CATEGORIES, NodeError, NodeType, Port
from .common import check_columns, reported
from .crossval import RAW_PORT, check_learner, raw_port
from .label import label_of_schema, label_of_table, label_param
from .params import AnyJson, Choice, Float, Int, Param, ParamError
from .schema import BOOL, NUMBER, STRING, ColumnInfo, ModelSchema, PortType, TableSchema
from .search_common import ResultTable, kernel_source, transforms_source

__all__ = ["TuneModelHyperparameters", "NODE_TYPES", "learner_declaration", "default_ranges",
           "check_ranges", "range_editor_spec"]

METRICS = ("auto", "accuracy", "balanced_accuracy", "precision", "recall", "f1", "roc_auc",
           "log_loss", "mae", "rmse", "r2", "mape")
# Good first ranges per estimator class, in terms of the learner nodes' own parameter names.
_CURATED = {
    "LogisticRegression": {"C": {"low": 0.001, "high": 100.0, "log": True}},
    "LinearRegression": {"fit_intercept": [True, False]},
    "Ridge": {"alpha": {"low": 0.001, "high": 100.0, "log": True}},
    "RandomForestClassifier": {"max_depth": [None, 8, 16], "min_samples_leaf": [1, 2, 4],
                               "max_features": ["sqrt", 0.5, 1.0]},
    "RandomForestRegressor": {"max_depth": [None, 8, 16], "min_samples_leaf": [1, 2, 4],
                              "max_features": [0.33, 0.66, 1.0]},
    "HistGradientBoostingClassifier": {
        "learning_rate": {"low": 0.02, "high": 0.3, "log": True},
        "max_leaf_nodes": {"low": 8, "high": 128, "log": True, "int": True},
        "min_samples_leaf": {"low": 5, "high": 100, "log": True, "int": True}},
    "KNeighborsClassifier": {"n_neighbors": {"low": 1, "high": 50, "int": True}},
    "KNeighborsRegressor": {"n_neighbors": {"low": 1, "high": 50, "int": True}},
    "SVC": {"C": {"low": 0.01, "high": 100.0, "log": True}},
    "SVR": {"C": {"low": 0.01, "high": 100.0, "log": True}},
    "DecisionTreeClassifier": {"max_depth": [None, 3, 5, 8, 12]},
    "DecisionTreeRegressor": {"max_depth": [None, 3, 5, 8, 12]},
}
_CURATED["HistGradientBoostingRegressor"] = _CURATED["HistGradientBoostingClassifier"]
_NOT_TUNED = {"random_state", "n_jobs", "verbose", "tol", "warm_start"}


def learner_declaration(estimator: str):
    """The learner node type whose estimator class is named `estimator`, or None."""
    from .registry import registry
    for node_type in registry.all():
        path = getattr(node_type, "estimator", "")
        if isinstance(path, str) and path.rsplit(".", 1)[-1] == estimator and estimator:
            return node_type
    return None


def _generic_range(decl: Param):
    """A first range from a declaration: numbers around their default, options, booleans."""
    if type(decl).__name__ == "Bool":
        return [True, False]
    if isinstance(decl, Choice) and not decl.nullable:
        return list(decl.options)
    default = decl.default
    if isinstance(decl, (Int, Float)) and isinstance(default, (int, float)) and default > 0:
        low, high = default / 10, default * 10
        if decl.low is not None:
            low = max(low, decl.low if decl.closed in ("both", "left") else decl.low * 1.01 or 1e-9)
        if decl.high is not None:
            high = min(high, decl.high)
        if isinstance(decl, Int):
            low, high = max(1, math.floor(low)), max(1, math.ceil(high))
            return {"low": low, "high": high, "int": True, "log": True}
        return {"low": float(low), "high": float(high), "log": True}
    return None


def default_ranges(estimator: str) -> dict:
    """Ranges to tune when none are given: curated for the usual learners, otherwise derived from
    the learner node's declarations (numbers a decade around their default, options, booleans)."""
    if estimator in _CURATED:
        return dict(_CURATED[estimator])
    node_type = learner_declaration(estimator)
    out = {}
    for decl in node_type.params if node_type else ():
        if decl.name in _NOT_TUNED or decl.name.startswith("max_iter"):
            continue
        value = _generic_range(decl)
        if value is not None:
            out[decl.name] = value
        if len(out) == 3:
            break
    return out


def _is_range(value) -> bool:
    return isinstance(value, dict) and set(value) <= {"low", "high", "log", "int"} \
        and {"low", "high"} <= set(value)


def _valid_ranges(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and ((isinstance(v, list) and v) or _is_range(v))
        for k, v in value.items())


def check_ranges(ranges: dict, estimator: str, title: str, search: str) -> None:
    """Each range names a declared hyperparameter of the learner and holds values the
    declaration accepts (the same check and message as the learner node's own)."""
    node_type = learner_declaration(estimator)
    if node_type is None:
        return  # a plug-in learner we know nothing of: scikit-learn checks at run time
    for name, spec in ranges.items():
        decl = node_type.param(name)
        if decl is None:
            raise NodeError(f"The 'ranges' parameter of {title} names '{name}', which "
                            f"{node_type.title} does not have.", "Its hyperparameters: "
                            + ", ".join(p.name for p in node_type.params) + ".", param="ranges")
        values = spec if isinstance(spec, list) else [spec["low"], spec["high"]]
        for value in values:
            try:
                decl.check(value, node_type.title)
            except ParamError as exc:
                raise NodeError(f"The 'ranges' parameter of {title}: {exc}",
                                param="ranges") from None
        if _is_range(spec) and spec.get("log") and spec["low"] <= 0:
            raise NodeError(f"The 'ranges' parameter of {title}: a log range of '{name}' must "
                            "start above 0.", param="ranges")
        if _is_range(spec) and spec["low"] > spec["high"]:
            raise NodeError(f"The 'ranges' parameter of {title}: the range of '{name}' has "
                            "low above high.", param="ranges")


def range_editor_spec(estimator: str) -> list[dict]:
    """For the inspector's range editor: each tunable hyperparameter's declaration (kind, bounds,
    options, default) and a suggested range."""
    node_type = learner_declaration(estimator)
    suggested = default_ranges(estimator)
    out = []
    for decl in node_type.params if node_type else ():
        if decl.name in _NOT_TUNED:
            continue
        out.append({**decl.spec(), "suggested": suggested.get(decl.name,
                                                              _generic_range(decl))})
    return out


class TuneModelHyperparameters(NodeType):
    type_id = "tune_model_hyperparameters"
    title = "Tune Model Hyperparameters"
    category = CATEGORIES[4]
    doc = ("Searches the learner's hyperparameters (grid, random, or successive halving) and "
           "outputs the best model, refitted on all training rows, with a table of every trial. "
           "'ranges' maps a hyperparameter of the learner (its own name, as on the learner "
           "node) to a list of values or a range {\"low\", \"high\", \"log\", \"int\"}; empty: "
           "ranges suggested for that learner. Each trial is scored by cross-validation on the "
           "training rows, or on 'validation' rows when connected. As in Cross Validate Model, "
           "connect 'raw_data' to refit the table's preprocessing inside each fold. A time "
           "budget stops grid and random search from starting new trials. Bayesian search is "
           "not offered: it would need Optuna, which MLWire does not depend on. As in Train "
           "Model, columns whose role is 'ignore' are not features.")
    inputs = (Port("learner", PortType.LEARNER, "An untrained classifier or regressor."),
              Port("data", PortType.TABLE, "The training rows, label included."),
              Port("validation", PortType.TABLE, "Optional: rows to score each trial on, instead "
                   "of cross-validation.", optional=True),
              raw_port())
    outputs = (Port("model", PortType.MODEL, "The best model, refitted on all training rows."),
               Port("trials", PortType.TABLE, "One row per trial: score, parameters, rank."))
    example_params = {"label_column": "label"}
    params = (
        label_param(),
        Choice("metric", "auto", "What to maximise (or minimise for log_loss, mae, rmse, mape); "
               "auto: roc_auc for two classes, accuracy for more, r2 for regression.",
               options=METRICS),
        Choice("search", "grid", "How to pick the trials.",
               options=("grid", "random", "successive_halving")),
        AnyJson("ranges", {}, "Per hyperparameter: a list of values or {\"low\", \"high\", "
                "\"log\", \"int\"}; empty: suggested ranges for the learner.",
                what="an object mapping hyperparameter names to value lists or ranges",
                predicate=_valid_ranges),
        Int("trials", 20, "Number of trials for random search (candidates for successive "
            "halving); grid search tries the whole grid.", low=1, high=10000),
        Float("time_budget", None, "Seconds after which no new trial starts (null: no limit).",
              nullable=True, low=0.0, high=None, closed="neither"),
        Int("folds", 5, "Cross-validation folds per trial.", low=2, high=100),
        Int("seed", 0, "Seed of the folds and of random sampling.", low=0, high=2**32 - 1),
    )
    splits_rows = True
    validates_in_folds = True
    refit_port = RAW_PORT

    def infer(self, inputs, params, ctx):
        learner, table = inputs.get("learner"), inputs.get("data")
        check_learner(learner, self.title)
        label, ignored = label_of_schema(params, table, self.title)
        check_columns(table, [label], "label_column", self.title)
        if learner is not None:
            _check_metric(params["metric"], learner.task, self.title)
            ranges = params["ranges"] or default_ranges(learner.estimator)
            if not ranges:
                raise NodeError(f"{self.title} has no ranges to search for {learner.estimator}.",
                                "Set 'ranges', e.g. {\"alpha\": [0.1, 1, 10]}.", param="ranges")
            check_ranges(ranges, learner.estimator, self.title, params["search"])
        if inputs.get("validation") is not None and params["search"] == "successive_halving":
            raise NodeError("Successive halving works on cross-validation folds, not on "
                            "'validation' rows.", "Disconnect 'validation', or choose grid or "
                            "random search.", port="validation")
        trials = TableSchema(tuple(ColumnInfo(n, k, False) for n, k in (
            ("trial", NUMBER), ("score", NUMBER), ("score_std", NUMBER), ("resources", NUMBER),
            ("params", STRING), ("best", BOOL))))
        if learner is None or table is None:
            return {"model": None, "trials": trials}
        features = tuple(n for n in table.names if n != label and n not in ignored)
        return {"model": ModelSchema(learner.task, ctx.node_id, label, features, table.lineage),
                "trials": trials}

    def run(self, inputs, params, ctx):
        from . import selection_ops
        from .train import _model
        learner, table = inputs["learner"], inputs["data"]
        validation, raw = inputs.get("validation"), inputs.get(RAW_PORT)
        label, ignored = label_of_table(params, table, self.title)
        transforms = [(s.step_id, s.estimator) for s in table.lineage]
        ranges = params["ranges"] or default_ranges(type(learner.estimator).__name__)
        ctx.progress(0.0, f"{params['search']} search")
        on_trial = _progress_reporter(ctx, params["time_budget"],
                                      params["metric"] in ("log_loss", "mae", "rmse", "mape"))
        with reported():
            vdf = None if validation is None else selection_ops.transformed_like(
                validation.df, transforms, validation.lineage_ids)
            result = selection_ops.tune_hyperparameters(
                learner.estimator, table.df, label, ranges, params["search"],
                params["trials"], params["time_budget"], params["folds"], params["seed"],
                None if params["metric"] == "auto" else params["metric"], transforms,
                raw.df if raw is not None else None, vdf, on_trial=on_trial, exclude=ignored)
            pipeline, trials = selection_ops.tuning_outputs(result)
        for t in result["trials"]:
            ctx.log(f"trial {t['trial']}: {result['metric']} {t['score']:.5g} "
                    f"± {t['score_std']:.3g} {json.dumps(t['params'], sort_keys=True)}\n")
        best = result["best"]
        ctx.progress(1.0, f"best {result['metric']} {best['score']:.4g}")
        details = {"kind": "trials", "metric": result["metric"],
                   "greater_is_better": result["greater_is_better"],
                   "search": params["search"], "best_trial": best["trial"],
                   "trials": result["trials"], "node_id": ctx.node_id,
                   "task": result["task"]}
        model = _model(pipeline, result["task"], label, table, ctx.node_id)
        return {"model": model, "trials": ResultTable(trials, details=details)}

    def emit(self, params, ctx):
        estimator = (ctx.schemas.get("learner").estimator
                     if ctx.schemas.get("learner") is not None else "")
        ranges = params["ranges"] or default_ranges(estimator)
        data = ctx.schemas.get("data")
        label, ignored = label_of_schema(params, data, self.title)
        transforms = transforms_source(ctx, data)
        validation = ctx.inputs.get("validation")
        vschema = ctx.schemas.get("validation")
        raw = ctx.inputs.get(RAW_PORT)
        metric = None if params["metric"] == "auto" else params["metric"]
        code = kernel_source("selection_ops") + "kernel = _mlwire_selection_ops()\n"
        if validation:
            skip = list(vschema.lineage) if vschema is not None else []
            code += (f"_validation_rows = kernel.transformed_like({validation}, {transforms}, "
                     f"skip={skip!r})\n")
        code += (f"{ctx.out('model')}, {ctx.out('trials')} = kernel.tuning_outputs("
                 f"kernel.tune_hyperparameters({ctx.inp('learner')}, {ctx.inp('data')}, "
                 f"{label!r}, {ranges!r}, search={params['search']!r}, "
                 f"n_trials={params['trials']!r}, time_budget={params['time_budget']!r}, "
                 f"folds={params['folds']!r}, seed={params['seed']!r}, metric={metric!r}, "
                 f"transforms={transforms}, raw={raw if raw else None}, "
                 f"validation={'_validation_rows' if validation else None}"
                 + (f", exclude={ignored!r}" if ignored else "") + "))\n")
        return code


def _progress_reporter(ctx, budget: float | None, lower_is_better: bool):
    """on_trial for the search: trials done, best so far and time left, on the node card."""
    import time
    started = time.monotonic()
    best: list = []

    def on_trial(trial: dict, planned: int, metric: str) -> None:
        score = trial["score"]
        lower = lower_is_better or metric in ("log_loss", "mae", "rmse", "mape")
        if score is not None and (not best or (score < best[0] if lower else score > best[0])):
            best[:] = [score]
        done, elapsed = trial["trial"], time.monotonic() - started
        left = elapsed / done * (planned - done)
        if budget is not None:
            left = min(left, max(budget - elapsed, 0.0))
        ctx.progress(done / max(planned, 1), f"{done}/{planned} · best "
                     + (f"{best[0]:.4f}" if best else "–") + f" · ~{left:.0f}s left")
    return on_trial


def _check_metric(metric: str, task: str, title: str) -> None:
    regression = {"mae", "rmse", "r2", "mape"}
    if metric == "auto" or task not in ("classification", "regression"):
        return
    if (metric in regression) != (task == "regression"):
        raise NodeError(f"The metric {metric!r} does not fit a {task} learner.",
                        "Choose 'auto' or a " + task + " metric.", param="metric")


NODE_TYPES = [TuneModelHyperparameters]
