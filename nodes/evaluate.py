"""Evaluate Model: scikit-learn's metrics, curves and tables for one or two scored tables."""
from __future__ import annotations

from .base import CATEGORIES, NodeError, NodeType, Port
from .common import reported
from .schema import MetricsSchema, PortType

__all__ = ["EvaluateModel", "NODE_TYPES", "METRIC_NAMES"]

METRIC_NAMES = {
    "classification": ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "roc_auc",
                       "log_loss"),
    "regression": ("mae", "rmse", "r2", "mape"),
    "clustering": ("silhouette", "davies_bouldin", "calinski_harabasz"),
    "anomaly": ("anomaly_fraction", "accuracy", "balanced_accuracy", "precision", "recall", "f1",
                "roc_auc", "average_precision"),
}
_NOT_SCORED = ("Evaluate Model needs a scored table, and the table on '{port}' was not scored.",
               "Connect the output of Score Model (or Train Clustering Model's data).")


class EvaluateModel(NodeType):
    type_id = "evaluate_model"
    title = "Evaluate Model"
    category = CATEGORIES[5]
    doc = ("Metrics of a scored table, as scikit-learn computes them. Classification: accuracy, "
           "balanced_accuracy, precision, recall, f1 (two classes: the positive class is the "
           "last of the sorted classes; more: macro average), roc_auc (one-vs-rest macro for "
           "more classes), log_loss, with ROC and precision-recall curves and the confusion "
           "matrix. Regression: mae, rmse, r2, mape, with residuals. Clustering: silhouette, "
           "davies_bouldin, calinski_harabasz (DBSCAN's noise, -1, counts as a cluster). "
           "Anomaly detection: anomaly_fraction (the share of rows flagged) and, when the model "
           "was trained with a label_column of known anomalies, accuracy, balanced_accuracy, "
           "precision, recall, f1 (anomalies are the positive class), roc_auc and "
           "average_precision (rows ranked by anomaly_score), with ROC and precision-recall "
           "curves and the confusion matrix. A metric that is undefined for the rows (e.g. "
           "ROC AUC when only one class is present, or without class probabilities) is null. "
           "Connect a second scored table to 'data_b' to compare both side by side.")
    inputs = (Port("data", PortType.TABLE, "A scored table."),
              Port("data_b", PortType.TABLE, "Optionally, a second scored table to compare.",
                   optional=True))
    outputs = (Port("metrics", PortType.METRICS, "The metrics."),)

    def infer(self, inputs, params, ctx):
        table, table_b = inputs.get("data"), inputs.get("data_b")
        for port, schema in (("data", table), ("data_b", table_b)):
            if schema is not None and schema.scored is None:
                raise NodeError(_NOT_SCORED[0].format(port=port), _NOT_SCORED[1], port=port)
        if table is None:
            return {"metrics": None}
        names = METRIC_NAMES[table.scored.task]
        if table_b is not None:
            names = names + tuple(f"b.{n}" for n in METRIC_NAMES[table_b.scored.task])
        return {"metrics": MetricsSchema(table.scored.task, names)}

    @staticmethod
    def _arguments(table, port):
        if table.scored is None:
            raise NodeError(_NOT_SCORED[0].format(port=port), _NOT_SCORED[1], port=port)
        s = table.scored
        return {"df": table.df, "task": s.task, "label": s.label, "prediction": s.prediction,
                "features": list(s.features)}

    def run(self, inputs, params, ctx):
        from . import ops
        from .values import Metrics
        first = self._arguments(inputs["data"], "data")
        second = self._arguments(inputs["data_b"], "data_b") if inputs.get("data_b") else None
        with reported():
            result = ops.evaluate_model(**first, b=second)
        b = result["b"]
        return {"metrics": Metrics(result["task"], result["values"], result["curves"],
                                   result["tables"],
                                   Metrics(b["task"], b["values"], b["curves"], b["tables"])
                                   if b else None)}

    @staticmethod
    def _source(ctx, port):
        s = ctx.schemas[port].scored
        return (f"task={s.task!r}, label={s.label!r}, prediction={s.prediction!r}, "
                f"features=model_features({ctx.var(s.model_node, 'model')})")

    def emit(self, params, ctx):
        code = (f"{ctx.out('metrics')} = evaluate_model({ctx.inp('data')}, "
                f"{self._source(ctx, 'data')}")
        if "data_b" in ctx.inputs:
            code += f", b=dict(df={ctx.inp('data_b')}, {self._source(ctx, 'data_b')})"
        return code + ")\n"


NODE_TYPES = [EvaluateModel]
