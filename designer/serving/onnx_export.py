"""ONNX export of an inference pipeline (skl2onnx), where the pipeline converts.

What converts: a pipeline whose transform steps change nothing (no fitted column transforms)
and whose estimator skl2onnx knows, with numeric features. The ONNX model then has one input,
`input`, a float tensor [rows, features] holding the feature columns in the order of
`features` in model.json, and the outputs skl2onnx gives the estimator (`label`, and for
classifiers `probabilities`). MLWire's column transforms (Clean Missing Data, Normalize Data,
Encode Categorical inside nodes.ops.ColumnStep) have no ONNX converter yet: such a pipeline is
refused with OnnxUnsupported naming the step, and the bundle is written without model.onnx.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["export_onnx", "OnnxUnsupported"]


class OnnxUnsupported(Exception):
    """The pipeline cannot be expressed in ONNX; the message says which step and why."""


def _check(model) -> None:
    from .inference import kind_of
    for name, step in model.pipeline.steps[:-2]:
        if not hasattr(step, "fitted_"):
            raise OnnxUnsupported(f"step '{name}' ({type(step).__name__}) is an MLWire table "
                                  "step, which has no ONNX converter yet.")
        if step.fitted_:
            columns = ", ".join(sorted(step.fitted_))[:120]
            raise OnnxUnsupported(
                f"step '{name}' ({type(step).__name__} on {columns}) is an MLWire column "
                "transform, which has no ONNX converter yet; serve the model or use the bundle's "
                "scoring app instead.")
    kinds = {str(n): kind_of(t) for n, t in model.signature}
    text = [f for f in model.features if kinds.get(str(f), "number") not in ("integer", "number")]
    if text:
        raise OnnxUnsupported(f"the feature '{text[0]}' is not numeric.")


def export_onnx(model, target: str | Path) -> Path:
    """Write model.onnx for `model` (a nodes.values.Model); OnnxUnsupported when it cannot."""
    _check(model)
    try:
        from skl2onnx import convert_sklearn
        from skl2onnx.common.data_types import FloatTensorType
    except ImportError as exc:
        raise OnnxUnsupported("skl2onnx is not installed: install it with "
                              "`pip install 'mlwire[onnx]'` (skl2onnx and onnxruntime).") from exc
    estimator = model.pipeline.steps[-1][1]
    options = {id(estimator): {"zipmap": False}} if model.task == "classification" else None
    try:
        onx = convert_sklearn(estimator, "mlwire", [("input", FloatTensorType(
            [None, len(model.features)]))], options=options, target_opset=None)
    except Exception as exc:    # skl2onnx raises several types for unsupported models
        raise OnnxUnsupported(f"skl2onnx cannot convert {type(estimator).__name__}: {exc}") \
            from exc
    target = Path(target)
    target.write_bytes(onx.SerializeToString())
    return target
