"""The AutoML search space: each learner family's strong default and its tuned variants.

Candidates are plain-JSON specs (nodes/automl_ops.py builds them). Proposals depend only on the
seed, the trial number and earlier results, never on the clock, so a search with the same seed
and the same number of trials tries the same candidates.
"""
from __future__ import annotations

import math

import numpy as np

from nodes.automl_ops import LEARNERS, candidate_learners

__all__ = ["default_spec", "sample_spec", "perturb_spec", "eligible_learners", "DEFAULT_ORDER"]

# Baselines first, cheapest first: the search never ends below the best default model.
DEFAULT_ORDER = ("linear", "naive_bayes", "decision_tree", "knn", "random_forest", "hgb",
                 "extra_trees", "mlp", "svm")

_SCALED = {"linear", "knn", "svm", "mlp"}      # learners that need scaled numbers
_TREES = {"hgb", "random_forest", "extra_trees", "decision_tree"}


def eligible_learners(task: str, rows: int, allowed=None) -> list[str]:
    """Learners for `task`, minus those too slow for the data (kernel SVM above 5,000 rows,
    brute-force k-NN above 50,000), in baseline order."""
    names = [n for n in DEFAULT_ORDER if n in candidate_learners(task)]
    if allowed is not None:
        names = [n for n in names if n in allowed]
    too_slow = {"svm": 5_000, "knn": 50_000, "mlp": 200_000, "naive_bayes": 10**9}
    return [n for n in names if rows <= too_slow.get(n, 10**9)]


def _prep(name: str, **changes) -> dict:
    prep = {"impute": "median", "scale": "standard" if name in _SCALED else "none",
            "encode": "ordinal" if name in _TREES else "onehot", "select": False}
    if name == "hgb":
        prep["impute"] = "none"  # native missing-value support
    prep.update(changes)
    return prep


def default_spec(name: str, task: str, seed: int) -> dict:
    """scikit-learn's defaults (seeded), with the few changes every practitioner makes:
    enough iterations for linear models and MLPs, probabilities for SVC, brute-force k-NN."""
    clf = task == "classification"
    params = {
        "linear": {"max_iter": 1000} if clf else {"alpha": 1.0},
        "hgb": {"random_state": seed},
        "random_forest": {"random_state": seed},
        "extra_trees": {"random_state": seed},
        "knn": {"algorithm": "brute"},
        "svm": {"random_state": seed} if clf else {},
        "mlp": {"random_state": seed, "max_iter": 300, "early_stopping": True},
        "naive_bayes": {},
        "decision_tree": {"random_state": seed, "min_samples_leaf": 5},
    }[name]
    return {"task": task, "learner": name, "params": params, "prep": _prep(name)}


def _log(rng, low, high):
    return float(math.exp(rng.uniform(math.log(low), math.log(high))))


def _int_log(rng, low, high):
    return int(round(_log(rng, low, high)))


def _params(name: str, task: str, rng, seed: int, n_features: int) -> dict:
    clf = task == "classification"
    if name == "linear":
        if clf:
            return {"C": _log(rng, 1e-3, 1e3), "max_iter": 2000,
                    "class_weight": [None, "balanced"][rng.integers(2)]}
        return {"alpha": _log(rng, 1e-3, 1e3)}
    if name == "hgb":
        return {"learning_rate": _log(rng, 0.01, 0.3), "max_leaf_nodes": _int_log(rng, 4, 128),
                "min_samples_leaf": _int_log(rng, 2, 100),
                "l2_regularization": [0.0, _log(rng, 1e-3, 10.0)][rng.integers(2)],
                "max_features": float(round(rng.uniform(0.3, 1.0), 3)),
                "max_iter": _int_log(rng, 50, 600), "random_state": seed}
    if name in ("random_forest", "extra_trees"):
        choices = ["sqrt", 0.2, 0.35, 0.5, 0.75] if clf else [1.0, 0.33, 0.5, 0.75, "sqrt"]
        out = {"n_estimators": int(rng.choice([100, 200, 300])),
               "max_features": choices[rng.integers(len(choices))],
               "min_samples_leaf": _int_log(rng, 1, 16),
               "max_depth": [None, None, _int_log(rng, 6, 40)][rng.integers(3)],
               "random_state": seed}
        if clf:
            out["class_weight"] = [None, "balanced"][rng.integers(2)]
        return out
    if name == "knn":
        return {"n_neighbors": _int_log(rng, 2, 60),
                "weights": ["uniform", "distance"][rng.integers(2)],
                "p": [1, 2][rng.integers(2)], "algorithm": "brute"}
    if name == "svm":
        out = {"C": _log(rng, 0.05, 200.0), "gamma": ["scale", _log(rng, 1e-4, 1.0)][rng.integers(2)]}
        return {**out, "random_state": seed} if clf else out
    if name == "mlp":
        sizes = [[64], [128], [256], [64, 64], [128, 64]]
        return {"hidden_layer_sizes": sizes[rng.integers(len(sizes))],
                "alpha": _log(rng, 1e-6, 1e-1), "learning_rate_init": _log(rng, 1e-4, 1e-2),
                "max_iter": 300, "early_stopping": True, "random_state": seed}
    if name == "naive_bayes":
        return {"var_smoothing": _log(rng, 1e-11, 1e-5)}
    if name == "decision_tree":
        return {"max_depth": [None, _int_log(rng, 2, 30)][rng.integers(2)],
                "min_samples_leaf": _int_log(rng, 1, 50), "random_state": seed}
    raise ValueError(name)


def _sample_prep(name: str, rng, n_features: int, has_categorical: bool) -> dict:
    changes = {"impute": ["median", "mean"][rng.integers(2)] if name != "hgb" else "none"}
    if name in _SCALED:
        changes["scale"] = ["standard", "robust"][rng.integers(2)]
    if has_categorical and name in _TREES:
        changes["encode"] = ["ordinal", "onehot"][rng.integers(2)]
    if n_features >= 20 and name not in _TREES:
        changes["select"] = bool(rng.integers(2))
    return _prep(name, **changes)


def sample_spec(name: str, task: str, seed: int, trial: int, n_features: int,
                has_categorical: bool) -> dict:
    """A random variant of family `name`, seeded by (seed, trial)."""
    rng = np.random.default_rng([seed, trial])
    return {"task": task, "learner": name,
            "params": _params(name, task, rng, seed, n_features),
            "prep": _sample_prep(name, rng, n_features, has_categorical)}


def perturb_spec(spec: dict, seed: int, trial: int, n_features: int,
                 has_categorical: bool) -> dict:
    """A neighbour of `spec`: half its hyperparameters redrawn, the rest kept (local search
    around the family's best so far)."""
    rng = np.random.default_rng([seed, trial, 7])
    fresh = sample_spec(spec["learner"], spec["task"], seed, trial, n_features, has_categorical)
    params = dict(spec["params"])
    for key, value in fresh["params"].items():
        if key not in params or rng.random() < 0.5:
            params[key] = value
    prep = spec["prep"] if rng.random() < 0.7 else fresh["prep"]
    return {**spec, "params": params, "prep": dict(prep)}


def family_title(name: str) -> str:
    return LEARNERS[name][0]
