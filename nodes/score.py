"""Score Model: predictions (and class probabilities) for a table, from a trained model."""
from __future__ import annotations

from dataclasses import replace

from .base import CATEGORIES, NodeType, Port
from .schema import NUMBER, STRING, ColumnInfo, PortType, ScoreInfo

__all__ = ["ScoreModel", "NODE_TYPES"]

SCORING = CATEGORIES[5]


class ScoreModel(NodeType):
    type_id = "score_model"
    title = "Score Model"
    category = SCORING
    doc = ("Adds the model's prediction as 'scored_label' and, for classifiers, one "
           "'scored_probability_<class>' column per class; the input columns (label included) "
           "are kept. Clustering models give the cluster number (DBSCAN: the cluster of the "
           "nearest core row within eps, else -1; agglomerative clustering cannot score new "
           "rows). Anomaly detectors give 'scored_label' 1 (anomaly) or 0 (normal) and "
           "'anomaly_score' (higher is more anomalous). Transforms of the model that the "
           "table has already been through are not applied again, so raw test rows and rows "
           "passed through Apply Transformation give the same predictions.")
    inputs = (Port("model", PortType.MODEL, "A trained model."),
              Port("data", PortType.TABLE, "The rows to score."))
    outputs = (Port("data", PortType.TABLE, "The rows with their predictions."),)

    def infer(self, inputs, params, ctx):
        model, table = inputs.get("model"), inputs.get("data")
        if model is None or table is None:
            return {"data": None}
        # Regression values, cluster numbers and anomaly flags are numbers; a classifier
        # predicts its own labels.
        kind = NUMBER
        if model.task == "classification":
            label = table.column(model.label) if model.label else None
            kind = label.kind if label is not None else STRING
        added = ["scored_label"] + (["anomaly_score"] if model.task == "anomaly" else [])
        columns = [c for c in table.columns if c.name not in added]
        columns += [ColumnInfo(name, kind if name == "scored_label" else NUMBER, False)
                    for name in added]
        scored = ScoreInfo(model.node, model.task, model.label, "scored_label", model.features)
        # A classifier's probability columns are named after classes seen only when training.
        return {"data": replace(table.with_columns(columns), scored=scored,
                                open=table.open or model.task == "classification")}

    def run(self, inputs, params, ctx):
        from . import ops
        from .common import reported
        model, table = inputs["model"], inputs["data"]
        with reported():
            df = ops.score_model(model.pipeline, table.df, skip=table.lineage_ids)
        scored = ScoreInfo(model.node, model.task, model.label, "scored_label",
                           tuple(model.features))
        return {"data": table.derive(df, scored=scored)}

    def emit(self, params, ctx):
        table = ctx.schemas.get("data")
        skip = list(table.lineage) if table is not None else []
        return (f"{ctx.out('data')} = score_model({ctx.inp('model')}, {ctx.inp('data')}, "
                f"skip={skip!r})\n")


NODE_TYPES = [ScoreModel]
