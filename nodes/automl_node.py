"""AutoML: preprocessing x learners x hyperparameters under a time budget, with guardrails, a
leaderboard and the best inference pipeline (optionally a voting ensemble) as a Model."""
from __future__ import annotations

from .base import CATEGORIES, NodeError, NodeType, Port
from .common import check_columns, reported
from .label import label_of_schema, label_of_table, label_param
from .params import AnyJson, Bool, Choice, Float, Int
from .schema import NUMBER, STRING, ColumnInfo, ModelSchema, PortType, TableSchema
from .search_common import ResultTable, kernel_source, transforms_source

__all__ = ["AutoML", "NODE_TYPES", "LEARNER_NAMES"]

# The learner families AutoML knows (nodes/automl_ops.py LEARNERS), listed here without
# importing scikit-learn.
LEARNER_NAMES = ("linear", "hgb", "random_forest", "extra_trees", "knn", "svm", "mlp",
                 "naive_bayes", "decision_tree")
METRICS = ("auto", "accuracy", "balanced_accuracy", "precision", "recall", "f1", "roc_auc",
           "log_loss", "r2", "mae", "rmse", "mape")
_LEADERBOARD = (("rank", NUMBER, False), ("candidate", STRING, False), ("learner", STRING, False),
                ("score", NUMBER, None), ("score_std", NUMBER, None),
                ("fit_seconds", NUMBER, None), ("trial", NUMBER, False),
                ("status", STRING, False))


def _learner_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v in LEARNER_NAMES
                                           for v in value)


def _pin(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("spec"), dict) and \
        isinstance(value.get("features"), list)


class AutoML(NodeType):
    type_id = "automl"
    title = "AutoML"
    category = CATEGORIES[4]
    doc = ("Tries preprocessing (imputation, scaling, encoding, feature selection) and learners "
           "(linear models, histogram gradient boosting, random forests, extra trees, k-NN, "
           "SVM, MLP, naive Bayes, decision trees) with their hyperparameters within a time "
           "budget, choosing by validation score on its input rows only: first every learner's "
           "default, then tuned variants, then optionally a soft-voting ensemble of the best. "
           "Reports data guardrails (class imbalance, missing values, high-cardinality and "
           "ID-like columns, leakage suspects). Outputs the best inference pipeline and the "
           "leaderboard. 'candidate' pins a leaderboard entry (the JSON of a 'best so far' log "
           "line, or what `mlwire automl` writes): the node then refits just that candidate, "
           "and the pipeline exports as a script. Columns whose role is 'ignore' (Edit "
           "Metadata) are never features.")
    inputs = (Port("data", PortType.TABLE, "The training rows, label included."),)
    outputs = (Port("model", PortType.MODEL, "The best candidate, refitted on all rows: a "
                    "complete inference pipeline."),
               Port("leaderboard", PortType.TABLE, "Every candidate, best first: description, "
                    "validation score mean and std, fit time."))
    example_params = {"label_column": "label"}
    params = (
        label_param(),
        Choice("task", "auto", "auto: classification for text, booleans and a few whole "
               "numbers; regression otherwise.", options=("auto", "classification",
                                                         "regression")),
        Choice("metric", "auto", "The primary metric (auto: roc_auc for two classes, accuracy "
               "for more, r2 for regression).", options=METRICS),
        Float("time_budget", 60.0, "Seconds for the whole node, search and refit included.",
              low=0.0, high=None, closed="neither"),
        Int("max_trials", None, "Stop after this many candidates (null: only the budget "
            "limits). With the same seed and trial count the result is the same.",
            nullable=True, low=1, high=100000),
        Choice("validation", "auto", "cv: k-fold cross-validation; holdout: one held-out part; "
               "auto: cv up to 10,000 rows, holdout above.", options=("auto", "cv", "holdout")),
        Int("folds", 5, "Folds for cross-validation.", low=2, high=20),
        Float("holdout_fraction", 0.2, "Share of rows held out with validation 'holdout'.",
              low=0.0, high=0.9, closed="neither"),
        Int("seed", 0, "Seed of the folds, the candidates and their estimators.", low=0,
            high=2**32 - 1),
        AnyJson("learners", None, "The learner families to try (null: all): "
                + ", ".join(LEARNER_NAMES) + ".", nullable=True,
                what="a list of learner names", predicate=_learner_list),
        Bool("ensembling", True, "Try a soft-voting ensemble of the best candidates."),
        AnyJson("candidate", None, "A pinned leaderboard entry to refit instead of searching "
                "(null: search).", nullable=True, what="a pinned AutoML candidate (JSON)",
                predicate=_pin),
    )
    splits_rows = True  # folds: a transform fitted upstream on all rows leaks across them
    validates_in_folds = True

    def check_more(self, params):
        from .params import ParamError
        if params["learners"] is not None and not params["learners"]:
            return [ParamError("learners", f"The 'learners' parameter of {self.title} lists no "
                                           "learner. List at least one, or set it to null for "
                                           "all of them.")]
        return []

    def infer(self, inputs, params, ctx):
        table = inputs.get("data")
        label, ignored = label_of_schema(params, table, self.title)
        check_columns(table, [label], "label_column", self.title)
        _check_pin_features(params["candidate"], ignored)
        board = TableSchema(tuple(ColumnInfo(n, k, m) for n, k, m in _LEADERBOARD))
        pin = params["candidate"]
        task = params["task"] if params["task"] != "auto" else (pin or {}).get("task")
        if task is None and table is not None and table.column(label) is not None:
            task = None if table.column(label).is_numeric and \
                table.column(label).kind != "bool" else "classification"
        if pin is not None and params["task"] != "auto" and pin.get("task") != params["task"]:
            raise NodeError(f"The pinned candidate is for {pin.get('task')}, but 'task' is "
                            f"{params['task']}.", "Clear 'candidate' or set task to 'auto'.",
                            param="candidate")
        if table is None or task is None:
            return {"model": None, "leaderboard": board}
        features = tuple(pin["features"]) if pin else ()
        return {"model": ModelSchema(task, ctx.node_id, label, features, table.lineage),
                "leaderboard": board}

    def run(self, inputs, params, ctx):
        from . import automl_ops
        from .train import _model
        table = inputs["data"]
        pin = params["candidate"]
        label, ignored = label_of_table(params, table, self.title)
        _check_pin_features(pin, ignored)
        transforms = [(s.step_id, s.estimator) for s in table.lineage]
        with reported():
            if pin is not None:
                ctx.progress(0.0, "refitting the pinned candidate")
                pipeline = automl_ops.automl_model(pin, table.df, label, transforms)
                board = ResultTable(automl_ops.pinned_leaderboard(pin),
                                    details={"kind": "automl", "pinned": True, "best": pin,
                                             "node_id": ctx.node_id, "metric": pin.get("metric"),
                                             "task": pin.get("task")})
            else:
                pipeline, board = self._search(table.df, label, params, transforms, ctx,
                                               ignored)
        task = pin["task"] if pin is not None else board.details["task"]
        return {"model": _model(pipeline, task, label, table, ctx.node_id), "leaderboard": board}

    @staticmethod
    def _search(df, label, params, transforms, ctx, ignored):
        from designer.automl import Settings, leaderboard_table, run_search
        from . import automl_ops
        settings = Settings(params["task"], params["metric"], params["time_budget"],
                            params["max_trials"], params["validation"], params["folds"],
                            params["holdout_fraction"], params["seed"], params["learners"],
                            params["ensembling"])
        ctx.progress(0.0, f"0 trials · {settings.time_budget:g}s budget")
        # The search sees no ignored column, so no candidate uses one; the pipeline takes the
        # whole rows and picks the winner's features by name.
        result = run_search(df.drop(columns=ignored), label, settings, log=ctx.log,
                            progress=ctx.progress)
        pipeline = automl_ops.automl_model(result.winner, df, label, transforms,
                                           fitted=result.model)
        done = sum(t["status"] == "ok" for t in result.trials)
        score = result.winner["score"]
        ctx.progress(1.0, f"{done} trials · best "
                     + ("–" if score is None else f"{score:.4f}") + f" {result.metric}")
        details = {**result.details(settings), "node_id": ctx.node_id}
        return pipeline, ResultTable(leaderboard_table(result), details=details)

    def emit(self, params, ctx):
        pin = params["candidate"]
        if pin is None:
            raise NodeError("An AutoML node exports once a candidate is pinned: the script "
                            "refits that candidate rather than searching again.",
                            "Set its 'candidate' parameter to the winner (the 'best so far' "
                            "JSON in its log, or use `mlwire automl`, which pins it).",
                            param="candidate")
        label, _ = label_of_schema(params, ctx.schemas.get("data"), self.title)
        return (kernel_source("automl_ops") + "kernel = _mlwire_automl_ops()\n"
                f"pinned = {pin!r}\n"
                f"{ctx.out('model')} = kernel.automl_model(pinned, {ctx.inp('data')}, "
                f"{label!r}, "
                f"transforms={transforms_source(ctx, ctx.schemas.get('data'))})\n"
                f"{ctx.out('leaderboard')} = kernel.pinned_leaderboard(pinned)\n")


def _check_pin_features(pin, ignored) -> None:
    """A pinned candidate may not use a column whose role is 'ignore'."""
    used = [c for c in (pin or {}).get("features", ()) if c in set(ignored)]
    if used:
        raise NodeError(f"The pinned candidate uses {', '.join(map(repr, used))}, whose role is "
                        "'ignore'.", "Clear 'candidate' to search again without it, or give "
                        "that column another role.", param="candidate")


NODE_TYPES = [AutoML]
