"""The ONNX graph of an MLWire inference pipeline: raw input columns -> features -> estimator.

MLWire's column transforms (nodes.ops.ColumnStep) hold one fitted scikit-learn transformer per
column and replace each column in place (a one-hot encoder by its `<column>_<category>`
indicators). This module replays that, by column name, as ONNX: one graph input per raw column,
each fitted transformer converted by skl2onnx on its own column (imputers are written here, see
`_impute`), the columns concatenated in the order of `model.features`, then the estimator's own
skl2onnx graph joined on with onnx.compose.

Numbers travel as doubles end to end, as in scikit-learn: with float32 a scaled value lying on
a tree's split threshold can round to the other side and change the predicted label.
"""
from __future__ import annotations

import copy
import math

from .onnx_trees import OnnxUnsupported, install_tree_fix, refuse_trees_fitted_on_missing

__all__ = ["build_onnx", "OnnxUnsupported", "onnx_inputs", "OUTPUTS"]

TEXT_MISSING = ""           # how a missing text value is passed (string tensors hold no NaN)
OUTPUTS = {"classification": ("label", "probabilities"), "regression": ("variable",)}
FEATURES = "mlwire.features"  # the feature matrix between the two halves (not a column name)


def onnx_inputs(model) -> list[tuple[str, str]]:
    """(column, "string" | "double") for each graph input: the model's raw input columns."""
    from .inference import kind_of
    return [(str(name), "string" if kind_of(dtype) == "text" else "double")
            for name, dtype in model.signature]


def build_onnx(model):
    """The onnx.ModelProto for `model` (a nodes.values.Model); OnnxUnsupported when it cannot."""
    try:
        import onnx.compose  # noqa: F401 -- both come with skl2onnx
        from skl2onnx import get_latest_tested_opset_version
    except ImportError as exc:
        raise OnnxUnsupported("skl2onnx is not installed: install it with "
                              "`pip install 'mlwire[onnx]'` (skl2onnx and onnxruntime).") from exc
    install_tree_fix()
    opset = {"": get_latest_tested_opset_version(), "ai.onnx.ml": 3}
    features = [str(f) for f in model.features]
    preprocess = _Columns(model, opset[""]).graph(features)
    estimator = _estimator_graph(model, len(features), opset)
    try:
        return _join(preprocess, estimator, model.task)
    except OnnxUnsupported:
        raise
    except Exception as exc:    # onnx.compose / the checker: say so rather than crash a bundle
        raise OnnxUnsupported(f"the ONNX graph could not be assembled ({exc}).") from exc


# -- raw columns -> feature matrix ------------------------------------------------------------

class _Columns:
    """The columns as the pipeline's steps leave them: name -> (ONNX expression, type)."""

    def __init__(self, model, opset: int):
        from .inference import _steps
        self.model, self.opset = model, opset
        self.inputs = onnx_inputs(model)
        self.state = {name: (name, kind) for name, kind in self.inputs}
        for step_name, step in _steps(model)[0]:
            self._apply(step_name, step)

    def _apply(self, step_name: str, step) -> None:
        from nodes.ops import ColumnStep
        from nodes.ops_features import FeatureSelectStep
        if isinstance(step, FeatureSelectStep):     # only drops columns
            for column in step.dropped_:
                self.state.pop(column, None)
            return
        if not isinstance(step, ColumnStep):
            raise OnnxUnsupported(
                f"step '{step_name}' ({type(step).__name__}) has no ONNX converter; serve the "
                "model or use the bundle's scoring app instead.")
        for column, transformer in step.fitted_.items():
            if column not in self.state:            # ColumnStep.transform skips it too
                continue
            where = f"step '{step_name}' ({type(transformer).__name__} on column '{column}')"
            try:
                self._transform(column, transformer)
            except OnnxUnsupported as exc:
                raise OnnxUnsupported(f"{where}: {exc}") from exc
            except Exception as exc:    # skl2onnx raises several types for what it cannot do
                raise OnnxUnsupported(f"{where}: skl2onnx cannot convert it ({exc}).") from exc

    def _transform(self, column: str, transformer) -> None:
        from sklearn.impute import SimpleImputer
        from sklearn.preprocessing import (MaxAbsScaler, MinMaxScaler, OneHotEncoder,
                                           OrdinalEncoder, RobustScaler, StandardScaler)
        expr, kind = self.state.pop(column)
        if isinstance(transformer, SimpleImputer):
            self.state[column] = (_impute(transformer, expr, kind, self.opset), kind)
        elif isinstance(transformer, (StandardScaler, MinMaxScaler, RobustScaler, MaxAbsScaler)):
            if kind != "double":
                raise OnnxUnsupported("the column holds text.")
            self.state[column] = (self._convert(transformer, expr, kind), "double")
        elif isinstance(transformer, (OneHotEncoder, OrdinalEncoder)):
            names = [str(n) for n in transformer.get_feature_names_out([column])]
            out = self._convert(_encoder_for(transformer, kind), expr, kind)
            if len(names) == 1:
                self.state[names[0]] = (out, "double")
                return
            from skl2onnx.algebra.onnx_ops import OnnxGather
            import numpy as np
            for i, name in enumerate(names):
                self.state[name] = (OnnxGather(out, np.array([i], dtype=np.int64), axis=1,
                                               op_version=self.opset), "double")
        else:
            raise OnnxUnsupported("no ONNX translation for this transformer.")

    def _convert(self, transformer, expr, kind):
        """skl2onnx's converter for `transformer` on one column, its output cast to double."""
        from onnx import TensorProto
        from skl2onnx.algebra.onnx_operator import OnnxSubEstimator
        from skl2onnx.algebra.onnx_ops import OnnxCast
        out = OnnxSubEstimator(transformer, expr, op_version=self.opset,
                               input_types=[_tensor_type(kind)])
        return OnnxCast(out, to=TensorProto.DOUBLE, op_version=self.opset)

    def graph(self, features: list[str]):
        """The ONNX model from the raw inputs to `features` (double [rows, len(features)])."""
        from onnx import TensorProto
        from skl2onnx.algebra.onnx_ops import OnnxCast, OnnxConcat
        from skl2onnx.common.data_types import DoubleTensorType
        parts = []
        for name in features:
            if name not in self.state:
                raise OnnxUnsupported(f"the feature '{name}' is not made from the raw input "
                                      "columns by the pipeline's column steps.")
            expr, kind = self.state[name]
            if kind != "double":
                raise OnnxUnsupported(f"the feature '{name}' reaches the estimator as text.")
            parts.append(OnnxCast(expr, to=TensorProto.DOUBLE, op_version=self.opset))
        features_out = OnnxConcat(*parts, axis=1, op_version=self.opset,
                                  output_names=[FEATURES])
        return features_out.to_onnx(
            [(name, _tensor_type(kind)) for name, kind in self.inputs],
            outputs=[(FEATURES, DoubleTensorType([None, len(features)]))],
            target_opset=self.opset)


def _tensor_type(kind: str):
    from skl2onnx.common.data_types import DoubleTensorType, StringTensorType
    return StringTensorType([None, 1]) if kind == "string" else DoubleTensorType([None, 1])


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _impute(imputer, expr, kind: str, opset: int):
    """Where(missing, statistic, x). Written here rather than by skl2onnx: its numeric path uses
    the float32-only ONNX Imputer op, and its text path needs a text marker for missing."""
    import numpy as np
    from skl2onnx.algebra.onnx_ops import OnnxEqual, OnnxIsNaN, OnnxWhere
    if not _is_missing(imputer.missing_values) or imputer.add_indicator:
        raise OnnxUnsupported("only imputers of NaN without indicator columns convert.")
    fill = imputer.statistics_[0]
    if kind == "string":
        missing = OnnxEqual(expr, np.array([TEXT_MISSING], dtype=object), op_version=opset)
        value = np.array([str(fill)], dtype=object)
    else:
        missing = OnnxIsNaN(expr, op_version=opset)
        value = np.array([fill], dtype=np.float64)
    return OnnxWhere(missing, value, expr, op_version=opset)


def _encoder_for(encoder, kind: str):
    """The encoder to convert: `encoder` itself, or, when it learned a missing text value as a
    category, a copy of it with that category spelled TEXT_MISSING (what callers send)."""
    from sklearn.preprocessing import OrdinalEncoder
    categories = list(encoder.categories_[0])
    if kind != "string" or not any(_is_missing(c) for c in categories):
        return encoder
    if isinstance(encoder, OrdinalEncoder) or TEXT_MISSING in categories:
        raise OnnxUnsupported("the encoder learned a missing value as a category, which its "
                              "ONNX form cannot tell apart; add Clean Missing Data before it.")
    import numpy as np
    twin = copy.deepcopy(encoder)
    twin.categories_ = [np.array([TEXT_MISSING if _is_missing(c) else c for c in categories],
                                 dtype=object)]
    return twin


# -- the estimator, and the joined model ------------------------------------------------------

def _estimator_graph(model, n_features: int, opset: dict):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType
    estimator = model.pipeline.steps[-1][1]
    refuse_trees_fitted_on_missing(estimator)
    options = {id(estimator): {"zipmap": False}} if model.task == "classification" else None
    try:
        return convert_sklearn(estimator, "estimator",
                               [("input", DoubleTensorType([None, n_features]))],
                               options=options, target_opset=opset)
    except Exception as exc:    # skl2onnx raises several types for unsupported models
        raise OnnxUnsupported(f"skl2onnx cannot convert {type(estimator).__name__}: {exc}") \
            from exc


def _join(preprocess, estimator, task: str):
    """One model: preprocess's FEATURES feed the estimator's `input`; the estimator's outputs
    keep skl2onnx's names (label, probabilities / variable)."""
    import onnx
    from onnx import compose
    # Distinct internal names: skl2onnx names its variables alike ("variable", ...) in both.
    preprocess = compose.add_prefix(preprocess, "columns.", rename_inputs=False,
                                    rename_outputs=False)
    estimator = compose.add_prefix(estimator, "estimator.")
    wanted = OUTPUTS.get(task, ())
    taken = {i.name for i in preprocess.graph.input}
    clash = [n for n in wanted if n in taken]
    if clash:
        raise OnnxUnsupported(f"the input column '{clash[0]}' has the name of an ONNX output; "
                              "rename it (Edit Metadata) to export ONNX.")
    preprocess.ir_version = estimator.ir_version = min(preprocess.ir_version,
                                                       estimator.ir_version)
    _align_opsets(preprocess, estimator)
    joined = compose.merge_models(preprocess, estimator,
                                  io_map=[(FEATURES, "estimator.input")],
                                  outputs=[o.name for o in estimator.graph.output])
    for output in joined.graph.output:
        plain = output.name.removeprefix("estimator.")
        if plain in wanted:
            _rename(joined.graph, output.name, plain)
    joined.producer_name = "mlwire (skl2onnx)"
    onnx.checker.check_model(joined)
    return joined


def _align_opsets(*models) -> None:
    """merge_models needs the same version per domain in both models: take the highest."""
    highest: dict[str, int] = {}
    for m in models:
        for imp in m.opset_import:
            highest[imp.domain] = max(highest.get(imp.domain, 0), imp.version)
    for m in models:
        del m.opset_import[:]
        for domain, version in highest.items():
            m.opset_import.add(domain=domain, version=version)


def _rename(graph, old: str, new: str) -> None:
    for node in graph.node:
        node.input[:] = [new if n == old else n for n in node.input]
        node.output[:] = [new if n == old else n for n in node.output]
    for output in graph.output:
        if output.name == old:
            output.name = new
