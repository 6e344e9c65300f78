"""Model training nodes: Train Model (classifiers, regressors), Train Clustering Model and Train
Anomaly Detection Model."""
from __future__ import annotations

from dataclasses import replace

from .base import CATEGORIES, EmitContext, NodeError, NodeType, Port
from .common import check_columns, reported
from .params import Column, Columns
from .label import label_param, label_of_schema, label_of_table
from .schema import ColumnInfo, ModelSchema, PortType, ScoreInfo, TableSchema

__all__ = ["TrainModel", "TrainClusteringModel", "TrainAnomalyDetectionModel", "NODE_TYPES"]

TRAINING = CATEGORIES[4]
# Which node trains a learner of each task (a learner wired elsewhere is refused with this hint).
TRAINERS = {"classification": "Train Model", "regression": "Train Model",
            "clustering": "Train Clustering Model", "anomaly": "Train Anomaly Detection Model"}


def _check_task(learner, tasks, title):
    """NodeError when a learner of another task is wired into this training node."""
    if learner is not None and learner.task not in tasks:
        raise NodeError(f"{learner.estimator} is a {learner.task} learner, which {title} does "
                        "not train.", f"Use {TRAINERS[learner.task]} instead.", port="learner")


def _transforms_source(ctx: EmitContext, table: TableSchema | None) -> str:
    """The script's list of (node id, fitted transform) the training table has been through."""
    lineage = table.lineage if table is not None else ()
    return "[" + ", ".join(f"({step!r}, {ctx.var(step, 'transform')})" for step in lineage) + "]"


def _raw_columns(table) -> list[tuple[str, str]]:
    """Input columns (name, dtype) as they were before the first fitted transform."""
    if table.lineage:
        return list(table.lineage[0].input_columns)
    return [(str(c), str(t)) for c, t in table.df.dtypes.items()]


def _model(pipeline, task, label, table, node_id):
    from .signature import input_signature
    from .values import Model
    estimator = pipeline.named_steps["estimator"]
    classes = [c.item() if hasattr(c, "item") else c for c in estimator.classes_] \
        if hasattr(estimator, "classes_") else None
    features = list(pipeline.named_steps["features"].transformers_[0][2])
    # The raw columns the pipeline needs to make the features: not the label under any name,
    # not an ignored column that no feature is made from.
    signature = input_signature([(s.step_id, s.estimator) for s in table.lineage],
                                _raw_columns(table), features, label)
    return Model(pipeline, task, label, features, classes, signature, node_id)


class TrainModel(NodeType):
    type_id = "train_model"
    title = "Train Model"
    category = TRAINING
    doc = ("Fits a classifier or regressor on every column but the label, in table order, "
           "leaving out columns whose role is 'ignore' (Edit Metadata). label_column empty: the "
           "column whose role is 'label'. The model is an inference pipeline: the fitted "
           "transforms the table went through, then the feature selection, then the estimator.")
    inputs = (Port("learner", PortType.LEARNER, "An untrained classifier or regressor."),
              Port("data", PortType.TABLE, "The training rows, label included."))
    outputs = (Port("model", PortType.MODEL, "The trained model."),)
    example_params = {"label_column": "label"}
    params = (label_param(),)

    def infer(self, inputs, params, ctx):
        learner, table = inputs.get("learner"), inputs.get("data")
        _check_task(learner, ("classification", "regression"), self.title)
        if table is None:
            return {"model": None}
        label, ignored = label_of_schema(params, table, self.title)
        check_columns(table, [label], "label_column", self.title)
        if learner is None:
            return {"model": None}
        features = tuple(n for n in table.names if n != label and n not in ignored)
        return {"model": ModelSchema(learner.task, ctx.node_id, label, features, table.lineage)}

    def run(self, inputs, params, ctx):
        from . import ops
        learner, table = inputs["learner"], inputs["data"]
        label, ignored = label_of_table(params, table, self.title)
        transforms = [(step.step_id, step.estimator) for step in table.lineage]
        ctx.progress(0.0, "training")
        with reported():
            pipeline = ops.train_model(learner.estimator, table.df, label, transforms, ignored)
        ctx.progress(1.0, "trained")
        return {"model": _model(pipeline, ops.task_of(learner.estimator), label, table,
                                ctx.node_id)}

    def emit(self, params, ctx):
        table = ctx.schemas.get("data")
        label, ignored = label_of_schema(params, table, self.title)
        exclude = f", exclude={ignored!r}" if ignored else ""
        return (f"{ctx.out('model')} = train_model({ctx.inp('learner')}, {ctx.inp('data')}, "
                f"label={label!r}, transforms={_transforms_source(ctx, table)}{exclude})\n")


class TrainClusteringModel(NodeType):
    type_id = "train_clustering_model"
    title = "Train Clustering Model"
    category = TRAINING
    doc = ("Fits a clustering learner (e.g. K-Means) on the chosen columns (empty: all numeric "
           "columns); the output table gains a 'cluster' column.")
    inputs = (Port("learner", PortType.LEARNER, "An untrained clustering learner."),
              Port("data", PortType.TABLE, "The rows to cluster."))
    outputs = (Port("model", PortType.MODEL, "The trained clustering model."),
               Port("data", PortType.TABLE, "The input rows plus their 'cluster'."))
    params = (Columns("columns", [], "The columns to cluster on; empty: all numeric columns."),)

    def infer(self, inputs, params, ctx):
        learner, table = inputs.get("learner"), inputs.get("data")
        _check_task(learner, ("clustering",), self.title)
        check_columns(table, params["columns"], "columns", self.title)
        if table is None:
            return {"model": None, "data": None}
        features = tuple(params["columns"] or table.numeric())
        model = ModelSchema("clustering", ctx.node_id, None, features, table.lineage)
        columns = [c for c in table.columns if c.name != "cluster"] + [ColumnInfo("cluster")]
        scored = ScoreInfo(ctx.node_id, "clustering", None, "cluster", features)
        return {"model": model if learner is not None else None,
                "data": replace(table.with_columns(columns), scored=scored)}

    def run(self, inputs, params, ctx):
        from . import ops
        from .schema import ScoreInfo as Score
        learner, table = inputs["learner"], inputs["data"]
        transforms = [(step.step_id, step.estimator) for step in table.lineage]
        with reported():
            pipeline, df = ops.train_clustering_model(learner.estimator, table.df,
                                                      params["columns"], transforms)
        model = _model(pipeline, "clustering", None, table, ctx.node_id)
        scored = Score(ctx.node_id, "clustering", None, "cluster", tuple(model.features))
        return {"model": model, "data": table.derive(df, scored=scored)}

    def emit(self, params, ctx):
        target = f"{ctx.out('model')}, {ctx.out('data')}"
        return (f"{target} = train_clustering_model({ctx.inp('learner')}, {ctx.inp('data')}, "
                f"columns={params['columns']!r}, "
                f"transforms={_transforms_source(ctx, ctx.schemas.get('data'))})\n")


class TrainAnomalyDetectionModel(NodeType):
    type_id = "train_anomaly_detection_model"
    title = "Train Anomaly Detection Model"
    category = TRAINING
    doc = ("Fits an anomaly detector (e.g. Isolation Forest) on every column but the optional "
           "label and those whose role is 'ignore', in table order; no label is needed to "
           "train. label_column may name a column "
           "of known anomalies (1 or True: anomaly; 0 or False: normal): it is left out of the "
           "features, and Evaluate Model compares it with the predictions. Score Model then "
           "adds 'scored_label' (1: anomaly, 0: normal) and 'anomaly_score' (higher is more "
           "anomalous). The model file's pipeline predicts scikit-learn's -1 (anomaly) / 1 "
           "(normal).")
    inputs = (Port("learner", PortType.LEARNER, "An untrained anomaly detector."),
              Port("data", PortType.TABLE, "The training rows."))
    outputs = (Port("model", PortType.MODEL, "The trained anomaly detection model."),)
    example_params = {"label_column": "is_fraud"}
    params = (Column("label_column", None, "Optionally, a column of known anomalies (1/True) "
                     "and normal rows (0/False), kept out of the features for evaluation. "
                     "Empty: the column whose role is 'label', if any.", nullable=True),)

    def infer(self, inputs, params, ctx):
        learner, table = inputs.get("learner"), inputs.get("data")
        _check_task(learner, ("anomaly",), self.title)
        label, ignored = label_of_schema(params, table, self.title, required=False)
        if label is not None:
            check_columns(table, [label], "label_column", self.title)
        if learner is None or table is None:
            return {"model": None}
        features = tuple(n for n in table.names if n != label and n not in ignored)
        return {"model": ModelSchema("anomaly", ctx.node_id, label, features, table.lineage)}

    def run(self, inputs, params, ctx):
        from . import ops
        learner, table = inputs["learner"], inputs["data"]
        label, ignored = label_of_table(params, table, self.title, required=False)
        transforms = [(step.step_id, step.estimator) for step in table.lineage]
        with reported():
            pipeline = ops.train_anomaly_detection_model(learner.estimator, table.df, label,
                                                         transforms, ignored)
        return {"model": _model(pipeline, "anomaly", label, table, ctx.node_id)}

    def emit(self, params, ctx):
        table = ctx.schemas.get("data")
        label, ignored = label_of_schema(params, table, self.title, required=False)
        exclude = f", exclude={ignored!r}" if ignored else ""
        return (f"{ctx.out('model')} = train_anomaly_detection_model({ctx.inp('learner')}, "
                f"{ctx.inp('data')}, label={label!r}, "
                f"transforms={_transforms_source(ctx, table)}{exclude})\n")


NODE_TYPES = [TrainModel, TrainClusteringModel, TrainAnomalyDetectionModel]
