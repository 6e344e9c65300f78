"""ONNX export of an inference pipeline (skl2onnx), where the pipeline converts.

The ONNX model takes the raw input columns, as the REST API does, one named input per column
(the model's signature, in its order), each shaped [rows, 1]:

    numbers (integer, number, boolean)   tensor(double); a missing value is NaN
    text                                 tensor(string); a missing value is "" (the empty string)

and applies the pipeline's column transforms (Clean Missing Data, Normalize Data, Encode
Categorical) and its estimator inside the graph (see onnx_graph.py). Outputs keep skl2onnx's
names: `label` and `probabilities` [rows, classes] for classifiers, `variable` [rows, 1] for
regressors. Steps with no ONNX form (Apply Math, binning, feature hashing, PCA, ...) are refused
with OnnxUnsupported naming the step, and the bundle is then written without model.onnx.
"""
from __future__ import annotations

from pathlib import Path

from .onnx_graph import OUTPUTS, TEXT_MISSING, OnnxUnsupported, build_onnx, onnx_inputs

__all__ = ["export_onnx", "OnnxUnsupported", "onnx_contract", "onnx_feed"]


def export_onnx(model, target: str | Path) -> Path:
    """Write model.onnx for `model` (a nodes.values.Model); OnnxUnsupported when it cannot."""
    onx = build_onnx(model)
    target = Path(target)
    target.write_bytes(onx.SerializeToString())
    return target


def onnx_contract(model) -> dict:
    """The inputs and outputs of the exported model, as model.json records them."""
    return {"inputs": [{"name": name, "type": f"tensor({kind})", "shape": [None, 1]}
                       for name, kind in onnx_inputs(model)],
            "missing": {"double": "NaN", "string": TEXT_MISSING},
            "outputs": list(OUTPUTS.get(model.task, ()))}


def onnx_feed(inputs, rows) -> dict:
    """The onnxruntime feed for `rows` (a DataFrame of raw input columns): `inputs` are
    (name, "double" | "string") pairs or onnxruntime's session.get_inputs()."""
    import numpy as np
    feed = {}
    for item in inputs:
        name, kind = (item.name, item.type) if hasattr(item, "type") else item
        column = rows[name]
        if "string" in kind:
            values = [TEXT_MISSING if v is None or v != v else str(v) for v in column]
            feed[name] = np.array(values, dtype=object).reshape(-1, 1)
        else:
            feed[name] = column.to_numpy(dtype=np.float64, na_value=np.nan).reshape(-1, 1)
    return feed
