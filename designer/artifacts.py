"""Model files: trained models as skops bytes with a sha256, and the one gate every load uses.

A project file can come from anyone, so nothing in it is unpickled. Models are written with
skops, whose loader builds only the types it is told to trust; their sha256 is recorded when they
are saved and checked before any byte is parsed.
"""
from __future__ import annotations

import hashlib
from typing import Any

__all__ = ["dump_model", "load_model", "sha256_of", "UnsafeModelError", "TRUSTED_TYPES"]

# Types beyond skops' own defaults that MLWire's models contain, each reviewed:
# - ColumnStep: MLWire's column-preserving wrapper (nodes/ops.py), a plain sklearn estimator;
# - TreePredictor and Tree: the trees of HistGradientBoosting and of decision trees and forests. skops flags it because a crafted file could hold
#   out-of-range node indices; ours come with a sha256 recorded by this program, and predictions
#   run in worker processes or a separate server process, never in the designer's window.
# - KDTree, BallTree and their distance metrics: k-nearest neighbours' search structures, which
#   hold index arrays like the trees above do;
# - the calibration wrappers of SVC with probabilities, and the MLPs' optimizer state;
# - numpy.dtype: e.g. OneHotEncoder's dtype parameter; a dtype object carries no code;
# - Bunch: scikit-learn's attribute dict (a voting ensemble's named estimators).
TRUSTED_TYPES = (
    "nodes.ops.ColumnStep",
    "numpy.dtype",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.tree._tree.Tree",
    "sklearn.neighbors._kd_tree.KDTree",
    "sklearn.neighbors._ball_tree.BallTree",
    "sklearn.metrics._dist_metrics.EuclideanDistance64",
    "sklearn.metrics._dist_metrics.ManhattanDistance64",
    "sklearn.metrics._dist_metrics.ChebyshevDistance64",
    "sklearn.metrics._dist_metrics.MinkowskiDistance64",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
    "sklearn.utils._bunch.Bunch",
)


def _trusted_types() -> tuple[str, ...]:
    """The reviewed types above plus MLWire's own table steps (listed in nodes/kernels.py)."""
    from nodes.kernels import STEP_TYPES
    return TRUSTED_TYPES + tuple(STEP_TYPES)


class UnsafeModelError(Exception):
    """A model file that fails its hash check or holds types nobody reviewed."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") and not isinstance(value, (list, dict)) else value


def dump_model(model) -> bytes:
    """A Model (nodes.values.Model) as skops bytes."""
    import skops.io as sio
    return sio.dumps({
        "format": "mlwire.model/1",
        "pipeline": model.pipeline,
        "task": model.task,
        "label": model.label,
        "features": [str(f) for f in model.features],
        "classes": None if model.classes is None else [_plain(c) for c in model.classes],
        "signature": [[str(n), str(t)] for n, t in model.signature],
        "node": model.node,
    })


def load_model(data: bytes, expected_sha256: str, *, keep: bool = False):
    """The Model in `data`, after checking its hash and that it holds only trusted types.

    keep: also keep the loaded model in the user's signed model cache (designer/model_cache.py),
    whose copy a later keep=True load of the same bytes takes instead of the slow gated load.
    """
    if sha256_of(data) != expected_sha256:
        raise UnsafeModelError("The model's bytes do not match the sha256 recorded when it was "
                               "saved: the file was changed or damaged, so it is not loaded.")
    if keep:
        from designer import model_cache
        model = model_cache.load(expected_sha256)
        if model is None:
            model = _load_through_gate(data)
            model_cache.store(expected_sha256, model)
        return model
    return _load_through_gate(data)


def _load_through_gate(data: bytes):
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException
    from nodes.values import Model
    try:
        trusted = _trusted_types()
        untrusted = [t for t in sio.get_untrusted_types(data=data) if t not in trusted]
        if untrusted:
            raise UnsafeModelError(
                "The model holds types MLWire does not trust, so it is not loaded: "
                + ", ".join(untrusted) + ".")
        content = sio.loads(data, trusted=list(trusted))
    except UntrustedTypesFoundException as exc:
        raise UnsafeModelError(f"The model holds untrusted types, so it is not loaded: {exc}") from exc
    except UnsafeModelError:
        raise
    except Exception as exc:  # not a skops file at all (e.g. a pickle): refuse, never guess
        raise UnsafeModelError(f"This is not a model file MLWire can read safely ({exc}).") from exc
    if not isinstance(content, dict) or content.get("format") != "mlwire.model/1":
        raise UnsafeModelError("This is not an MLWire model file.")
    return Model(content["pipeline"], content["task"], content["label"], content["features"],
                 content["classes"], [tuple(s) for s in content["signature"]], content["node"])
