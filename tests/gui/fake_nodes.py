"""Stand-in node types with the core contract's ids, ports and parameters, for GUI tests while the
real node library is incomplete (the real registry is used as soon as it has these types)."""
from __future__ import annotations

from nodes.base import NodeError, NodeType, Port
from nodes.params import Bool, Choice, Column, Columns, Float, Int, Path, String
from nodes.registry import NodeRegistry
from nodes.schema import (ColumnInfo, LearnerSchema, MetricsSchema, ModelSchema, PortType,
                          TableSchema)

T, L, M, X, R = (PortType.TABLE, PortType.LEARNER, PortType.MODEL, PortType.TRANSFORM,
                 PortType.METRICS)
IRIS = ("sepal_length", "sepal_width", "petal_length", "petal_width", "target")


class SampleDataset(NodeType):
    type_id, title, category = "sample_dataset", "Sample Dataset", "Data Input and Output"
    doc = "A small bundled data set."
    outputs = (Port("data", T),)
    params = (Choice("name", "iris", options=("iris", "wine", "diabetes")),)

    def infer(self, inputs, params, ctx):
        cols = [ColumnInfo(n) for n in IRIS[:-1]] + [ColumnInfo("target", "string")]
        return {"data": TableSchema(tuple(cols))}


class ImportCsv(NodeType):
    type_id, title, category = "import_csv", "Import CSV", "Data Input and Output"
    doc = "Reads a CSV file."
    outputs = (Port("data", T),)
    params = (Path("path", doc="The CSV file.", file_filter="CSV files (*.csv)"),
              String("separator", ","), String("encoding", "utf-8"), Bool("header", True))


class SplitData(NodeType):
    type_id, title, category = "split_data", "Split Data", "Data Transformation"
    doc = "Splits rows into train and test."
    inputs = (Port("data", T),)
    outputs = (Port("train", T), Port("test", T))
    params = (Float("fraction", 0.7, low=0.0, high=1.0, closed="neither"), Int("seed", 0, low=0),
              Column("stratify_column", None, nullable=True))

    def infer(self, inputs, params, ctx):
        return {"train": inputs.get("data"), "test": inputs.get("data")}


class NormalizeData(NodeType):
    type_id, title, category = "normalize_data", "Normalize Data", "Data Transformation"
    inputs = (Port("data", T),)
    outputs = (Port("data", T), Port("transform", X))
    params = (Columns("columns", []), Columns("exclude_columns", []),
              Choice("method", "zscore", options=("zscore", "minmax", "robust")))
    fits_transform = True

    def infer(self, inputs, params, ctx):
        data = inputs.get("data")
        for c in params["columns"]:
            if data is not None and not data.has(c):
                raise NodeError(f"Unknown column '{c}'.", column=c, param="columns")
        return {"data": data, "transform": None}


class BoostedTrees(NodeType):
    type_id, title, category = ("boosted_trees_classifier", "Boosted Trees Classifier",
                                "Machine Learning Algorithms")
    outputs = (Port("learner", L),)
    params = (Float("learning_rate", 0.1, low=0.0, closed="neither"),
              Int("max_iter", 100, low=1), Int("random_state", 0, nullable=True))

    def infer(self, inputs, params, ctx):
        return {"learner": LearnerSchema("classification")}


class TrainModel(NodeType):
    type_id, title, category = "train_model", "Train Model", "Model Training"
    inputs = (Port("learner", L), Port("data", T))
    outputs = (Port("model", M),)
    params = (Column("label_column"),)

    def infer(self, inputs, params, ctx):
        data = inputs.get("data")
        if data is not None and not data.has(params["label_column"]):
            raise NodeError(f"Unknown label column '{params['label_column']}'.",
                            param="label_column")
        return {"model": ModelSchema("classification", ctx.node_id, params["label_column"])}


class ScoreModel(NodeType):
    type_id, title, category = "score_model", "Score Model", "Model Scoring and Evaluation"
    inputs = (Port("model", M), Port("data", T))
    outputs = (Port("data", T),)

    def infer(self, inputs, params, ctx):
        return {"data": inputs.get("data")}


class EvaluateModel(NodeType):
    type_id, title, category = "evaluate_model", "Evaluate Model", "Model Scoring and Evaluation"
    inputs = (Port("data", T), Port("data_b", T, optional=True))
    outputs = (Port("metrics", R),)

    def infer(self, inputs, params, ctx):
        return {"metrics": MetricsSchema("classification")}


FAKE_TYPES = (SampleDataset, ImportCsv, SplitData, NormalizeData, BoostedTrees, TrainModel,
              ScoreModel, EvaluateModel)


def make_registry() -> NodeRegistry:
    """The real registry when it loads and has the core types, else these stand-ins."""
    from nodes.registry import registry
    try:
        if all(t.type_id in registry for t in FAKE_TYPES):
            return registry
    except Exception:
        pass
    fake = NodeRegistry()
    fake._loaded = True  # no built-in modules: only the stand-ins
    for t in FAKE_TYPES:
        fake.add(t, "tests")
    return fake
