"""Cross Validate Model: per-fold metrics of a learner, with the table's preprocessing refitted
inside each fold when the rows from before it are connected."""
from __future__ import annotations

from .base import CATEGORIES, NodeError, NodeType, Port
from .common import check_columns, reported
from .label import label_of_schema, label_of_table, label_param
from .params import Bool, Int
from .schema import NUMBER, ColumnInfo, MetricsSchema, PortType, TableSchema
from .search_common import ResultTable, kernel_source, transforms_source

__all__ = ["CrossValidateModel", "NODE_TYPES", "RAW_PORT", "metric_names"]

RAW_PORT = "raw_data"
_METRICS = {
    "classification": ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "roc_auc",
                       "log_loss"),
    "regression": ("mae", "rmse", "r2", "mape"),
}


def metric_names(task: str) -> tuple[str, ...]:
    """The Metrics names: each metric's mean across folds, then '<metric>_std'."""
    names = _METRICS[task]
    return names + tuple(f"{n}_std" for n in names)


def raw_port() -> Port:
    return Port(RAW_PORT, PortType.TABLE, "Optional: the rows before the fitted transforms on "
                "'data' (e.g. the Import CSV output). Connected, each of those transforms is "
                "refitted inside every fold on that fold's training rows: no leakage.",
                optional=True)


def check_learner(learner, title: str) -> None:
    if learner is not None and learner.task == "clustering":
        raise NodeError(f"{learner.estimator} is a clustering learner; {title} needs a "
                        "classifier or a regressor.", port="learner")


class CrossValidateModel(NodeType):
    type_id = "cross_validate_model"
    title = "Cross Validate Model"
    category = CATEGORIES[4]
    doc = ("Trains and scores the learner on k folds of the rows (StratifiedKFold for "
           "classifiers when 'stratified', else KFold; seeded when shuffling) and reports "
           "Evaluate Model's metrics per fold and their mean and standard deviation. The "
           "preprocessing on the table's lineage (Clean Missing Data, Normalize Data, Encode "
           "Categorical, ...) is refitted inside each fold when 'raw_data' holds the rows from "
           "before it; otherwise the folds use the rows as they are, and the checker warns that "
           "statistics cross the folds. As in Train Model, columns whose role is 'ignore' are "
           "not features.")
    inputs = (Port("learner", PortType.LEARNER, "An untrained classifier or regressor."),
              Port("data", PortType.TABLE, "The rows to cross-validate, label included."),
              raw_port())
    outputs = (Port("metrics", PortType.METRICS, "Mean and standard deviation of each metric "
                    "across folds; the per-fold values in tables['folds']."),
               Port("folds", PortType.TABLE, "One row per fold: its row counts and metrics."))
    example_params = {"label_column": "label"}
    params = (
        label_param(),
        Int("folds", 5, "Number of folds.", low=2, high=100),
        Bool("stratified", True, "Keep each class's share equal in every fold (classifiers)."),
        Bool("shuffle", True, "Shuffle the rows before dividing them into folds."),
        Int("seed", 0, "The random seed of the shuffle.", low=0, high=2**32 - 1),
    )
    splits_rows = True
    validates_in_folds = True
    refit_port = RAW_PORT  # the checker: fitted transforms refitted per fold when connected

    def infer(self, inputs, params, ctx):
        learner, table = inputs.get("learner"), inputs.get("data")
        check_learner(learner, self.title)
        if table is not None:
            label, _ = label_of_schema(params, table, self.title)
            check_columns(table, [label], "label_column", self.title)
        if learner is None:
            return {"metrics": None, "folds": None}
        names = _METRICS[learner.task]
        columns = [ColumnInfo("fold", NUMBER, False), ColumnInfo("train_rows", NUMBER, False),
                   ColumnInfo("test_rows", NUMBER, False)]
        columns += [ColumnInfo(n, NUMBER, None) for n in names]
        return {"metrics": MetricsSchema(learner.task, metric_names(learner.task)),
                "folds": TableSchema(tuple(columns))}

    def run(self, inputs, params, ctx):
        from . import selection_ops
        learner, table, raw = inputs["learner"], inputs["data"], inputs.get(RAW_PORT)
        label, ignored = label_of_table(params, table, self.title)
        transforms = [(s.step_id, s.estimator) for s in table.lineage]
        if table.lineage and raw is None:
            ctx.log("The table's fitted transforms ("
                    + ", ".join(s.title for s in table.lineage) + ") were fitted on all rows, "
                    "so statistics cross the folds. Connect the rows from before them to "
                    f"'{RAW_PORT}' to refit them inside each fold.\n")
        ctx.progress(0.0, f"{params['folds']} folds")
        with reported():
            result = selection_ops.cross_validate_model(
                learner.estimator, table.df, label, params["folds"],
                params["stratified"], params["shuffle"], params["seed"], transforms,
                raw.df if raw is not None else None, exclude=ignored)
        return _outputs(result)

    def emit(self, params, ctx):
        raw = ctx.inputs.get(RAW_PORT)
        data = ctx.schemas.get("data")
        label, ignored = label_of_schema(params, data, self.title)
        exclude = f", exclude={ignored!r}" if ignored else ""
        return (kernel_source("selection_ops")
                + f"kernel = _mlwire_selection_ops()\n"
                f"{ctx.out('metrics')}, {ctx.out('folds')} = kernel.cross_validation_outputs("
                f"kernel.cross_validate_model({ctx.inp('learner')}, "
                f"{ctx.inp('data')}, {label!r}, folds={params['folds']!r}, "
                f"stratified={params['stratified']!r}, shuffle={params['shuffle']!r}, "
                f"seed={params['seed']!r}, "
                f"transforms={transforms_source(ctx, data)}, "
                f"raw={raw if raw else None}{exclude}))\n")


def _outputs(result: dict) -> dict:
    from .selection_ops import cross_validation_outputs
    from .values import Metrics
    metrics, folds = cross_validation_outputs(result)
    details = {"kind": "cross_validation", "task": result["task"],
               "folds": metrics["tables"]["folds"], "mean": result["mean"],
               "std": result["std"], "refitted": result["refitted"]}
    return {"metrics": Metrics.from_json(metrics), "folds": ResultTable(folds, details=details)}


NODE_TYPES = [CrossValidateModel]
