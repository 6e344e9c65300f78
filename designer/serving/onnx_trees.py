"""Tree ensembles in ONNX: exact HistGradientBoosting conversion, and the trees that cannot convert.

skl2onnx 1.20's HistGradientBoosting converter fails with onnx >= 1.17 and rounds thresholds to
float32; `install_tree_fix` re-registers it behind a small container proxy (see _ExactTrees).
`refuse_trees_fitted_on_missing` stops scikit-learn trees fitted on missing values, whose NaN
routing skl2onnx drops.
"""
from __future__ import annotations

__all__ = ["OnnxUnsupported", "install_tree_fix", "refuse_trees_fitted_on_missing"]


class OnnxUnsupported(Exception):
    """The pipeline cannot be expressed in ONNX; the message says which step and why."""


def refuse_trees_fitted_on_missing(estimator) -> None:
    """scikit-learn trees (not HistGradientBoosting) fitted on missing values route NaN per split
    (an infinite threshold, or missing_go_to_left = 0); skl2onnx 1.20 drops that routing
    (sklearn-onnx issue 1253) and loops forever on an infinite threshold."""
    import numpy as np
    trees = [estimator] + list(np.ravel(getattr(estimator, "estimators_", [])))
    for tree in (getattr(t, "tree_", None) for t in trees):
        if tree is None:
            continue
        split = tree.children_left != -1
        routed = getattr(tree, "missing_go_to_left", np.ones(tree.node_count))[split]
        if not np.isfinite(tree.threshold[split]).all() or not routed.all():
            raise OnnxUnsupported(
                f"{type(estimator).__name__} was trained on missing values, and skl2onnx cannot "
                "yet reproduce how its trees route them; add Clean Missing Data before Train "
                "Model (or use Boosted Trees) to export ONNX.")


_FIXED = False
_TREE_SCORES = {"TreeEnsembleClassifier": 1, "TreeEnsembleRegressor": 0}   # index of the scores
_TREE_VALUES = ("nodes_values", "base_values", "class_weights", "target_weights",
                "nodes_hitrates")


class _ExactTrees:
    """Container proxy around skl2onnx's own tree converter, for HistGradientBoosting*:

    - skl2onnx 1.20 builds nodes_missing_value_tracks_true from numpy uint8 (branches) and
      Python False (leaves), which onnx >= 1.17 refuses in an int list: cast them to int;
    - given a double input, it hands over float64 thresholds but stores them as float32
      attributes, so a value between the threshold and its float32 rounding goes the wrong way:
      store them as the double `*_as_tensor` attributes of ai.onnx.ml opset 3 instead;
    - the tree op's scores are float32 whatever the input, while skl2onnx declares them double
      for a double input: cast them to double.

    Drop once skl2onnx does this itself."""

    def __init__(self, container, scope):
        self._container, self._scope = container, scope

    def __getattr__(self, name):
        return getattr(self._container, name)

    def add_node(self, op_type, inputs, outputs, op_domain="", op_version=None, name=None,
                 **attrs):
        import numpy as np
        from onnx import TensorProto, numpy_helper
        flags = attrs.get("nodes_missing_value_tracks_true")
        if flags is not None:
            attrs["nodes_missing_value_tracks_true"] = [int(f) for f in flags]
        double = any(isinstance(attrs.get(k), np.ndarray) and attrs[k].dtype == np.float64
                     for k in _TREE_VALUES)
        if op_type not in _TREE_SCORES or not double:
            return self._container.add_node(op_type, inputs, outputs, op_domain=op_domain,
                                            op_version=op_version, name=name, **attrs)
        for key in _TREE_VALUES:
            if key in attrs:
                attrs[f"{key}_as_tensor"] = numpy_helper.from_array(
                    np.asarray(attrs.pop(key), dtype=np.float64))
        outputs = [outputs] if isinstance(outputs, str) else list(outputs)
        index = _TREE_SCORES[op_type]
        declared, outputs[index] = outputs[index], self._scope.get_unique_variable_name("scores")
        self._container.add_node(op_type, inputs, outputs, op_domain=op_domain, op_version=3,
                                 name=name, **attrs)
        self._container.add_node("Cast", [outputs[index]], [declared], to=TensorProto.DOUBLE)


def install_tree_fix() -> None:
    """Re-register skl2onnx's own HistGradientBoosting converters behind _ExactTrees."""
    global _FIXED
    if _FIXED:
        return
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from skl2onnx import update_registered_converter
    from skl2onnx.operator_converters.random_forest import (
        convert_sklearn_random_forest_classifier,
        convert_sklearn_random_forest_regressor_converter)
    from skl2onnx.shape_calculators.ensemble_shapes import (
        calculate_linear_classifier_output_shapes, calculate_linear_regressor_output_shapes)

    def wrap(convert):
        def converter(scope, operator, container):
            # opset 3 (double attributes) where the conversion targets it
            version = 3 if container.target_opset_any_domain("ai.onnx.ml") >= 3 else 1
            return convert(scope, operator, _ExactTrees(container, scope), op_version=version)
        return converter

    update_registered_converter(
        HistGradientBoostingClassifier, "SklearnHistGradientBoostingClassifier",
        calculate_linear_classifier_output_shapes,
        wrap(convert_sklearn_random_forest_classifier),
        options={"zipmap": [True, False, "columns"], "raw_scores": [True, False],
                 "nocl": [True, False], "output_class_labels": [False, True]})
    update_registered_converter(
        HistGradientBoostingRegressor, "SklearnHistGradientBoostingRegressor",
        calculate_linear_regressor_output_shapes,
        wrap(convert_sklearn_random_forest_regressor_converter),
        options={"raw_scores": [True, False]})
    _FIXED = True
