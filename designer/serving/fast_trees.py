"""HistGradientBoosting prediction for a few rows, all trees walked at once with numpy.

Self-contained on purpose (numpy only at import; bundles copy it next to fastpath.py).

scikit-learn predicts a fitted HistGradientBoosting model tree by tree: for one row, its 100 trees
cost 100 calls through Python and OpenMP, about 2 ms. Here the nodes of every tree are stacked in
flat arrays and one numpy step moves every (row, tree) pair down one level, so a request costs a
few dozen numpy calls. The leaf values are then added in scikit-learn's own order (baseline, then
tree by tree), so the raw scores are the same floats. Larger inputs (batch scoring) go to
scikit-learn, whose compiled loop is faster there, on the model's own bins of the values (one
byte each; checked once per model against scikit-learn's pass on the values), and so do models
with categorical splits (on the values).
Either way predictions and probabilities come from one pass over the trees. fastpath's probe
still compares the result bit for bit with the real pipeline before it is used.

`spec()` gives the laid-out trees as plain data (numpy arrays, lists, strings) and
`FastTrees.from_spec` rebuilds a predictor from it without scikit-learn: it walks every input in
numpy, blocks of rows at a time, and turns raw scores into answers with the same functions
scikit-learn uses (scipy's expit, its softmax steps). A server started from such a snapshot never
imports scikit-learn (see designer/serving/snapshot.py).
"""
import functools

import numpy as np

__all__ = ["FastTrees", "fast_trees"]

MAX_ROWS = 64       # above this, scikit-learn's own (OpenMP) predict is faster


WALK_BLOCK = 256    # rows walked at once without scikit-learn: bounds the (rows, trees) arrays
_SPEC_ARRAYS = ("roots", "feature", "threshold", "missing_left", "is_leaf", "value", "left",
                "right", "baseline")
# scikit-learn's inverse link of each loss, by its link's class name
_LINKS = {"IdentityLink": "identity", "LogLink": "exp", "LogitLink": "expit",
          "MultinomialLogit": "softmax"}


class FastTrees:
    """predict / predict_proba / predict_both of a fitted HistGradientBoosting model."""

    def __init__(self, estimator):
        self.estimator = estimator
        self.classes_ = getattr(estimator, "classes_", None)
        self.is_classifier = self.classes_ is not None
        self.n_columns = estimator.n_trees_per_iteration_
        self.link = _LINKS.get(type(estimator._loss.link).__name__)
        trees = [(k, p) for iteration in estimator._predictors for k, p in enumerate(iteration)]
        nodes = [p.nodes for _, p in trees]
        offsets = np.cumsum([0] + [len(n) for n in nodes[:-1]])
        flat = np.concatenate(nodes)
        owner = np.repeat(offsets, [len(n) for n in nodes])
        self.roots = offsets.astype(np.intp)
        self.tree_column = [k for k, _ in trees]
        self.feature = flat["feature_idx"].astype(np.intp)
        self.threshold = flat["num_threshold"]
        self.missing_left = flat["missing_go_to_left"].astype(bool)
        self.is_leaf = flat["is_leaf"].astype(bool)
        self.value = flat["value"]
        # children are numbered within their tree: make them positions in the flat arrays; a
        # leaf is its own child, so a row that reached it stays there while others walk on
        here = np.arange(len(flat))
        self.left = np.where(self.is_leaf, here, flat["left"] + owner).astype(np.intp)
        self.right = np.where(self.is_leaf, here, flat["right"] + owner).astype(np.intp)
        self.depth = int(flat["depth"].max()) if len(flat) else 0
        self.baseline = estimator._baseline_prediction
        # categorical splits need scikit-learn's bitsets: those models always take its path
        categorical = getattr(estimator, "is_categorical_", None)
        self.walkable = categorical is None or not categorical.any()
        self._binned = None         # large inputs on bins: unchecked yet (see _binned_ok)

    def spec(self):
        """The trees as plain data for from_spec, or None when they need scikit-learn
        (categorical splits, or a loss whose inverse link is not known here)."""
        if not self.walkable or self.link is None:
            return None
        return {"arrays": {name: getattr(self, name) for name in _SPEC_ARRAYS},
                "tree_column": list(self.tree_column), "depth": self.depth,
                "n_columns": self.n_columns, "link": self.link,
                "classes": None if self.classes_ is None else self.classes_.tolist()}

    @classmethod
    def from_spec(cls, spec):
        """A FastTrees without its estimator: every input walked in numpy."""
        self = cls.__new__(cls)
        self.estimator = None
        for name, value in spec["arrays"].items():
            setattr(self, name, value)
        self.tree_column, self.depth = spec["tree_column"], spec["depth"]
        self.n_columns, self.link, self.walkable = spec["n_columns"], spec["link"], True
        classes = spec["classes"]
        self.classes_ = None if classes is None else np.asarray(classes, dtype=object)
        self.is_classifier = classes is not None
        if self.link == "expit":        # imported now, not at the first request
            from scipy.special import expit
            self._expit = expit
        return self

    def raw(self, X):
        """The summed leaf values, shape (rows, trees per iteration), as scikit-learn's."""
        if self.estimator is not None and (len(X) > MAX_ROWS or not self.walkable):
            if self.walkable and self._binned_ok(X):
                return self._binned_raw(X)
            return self.estimator._raw_predict(X)
        X = np.asarray(X, dtype=np.float64)
        if len(X) > WALK_BLOCK:
            return np.concatenate([self._walk(X[i:i + WALK_BLOCK])
                                   for i in range(0, len(X), WALK_BLOCK)])
        return self._walk(X)

    def _binned_raw(self, X):
        """scikit-learn's pass over the trees on the model's own bins of X (one byte a value,
        as in training) instead of its float64 values: the same leaves, since a value is at
        most a split's threshold exactly when its bin is at most the split's bin. A large
        input is several times smaller this way, which makes the pass about a fifth quicker
        when both cores predict at once (batch scoring)."""
        from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
        estimator = self.estimator
        binned = estimator._bin_mapper.transform(np.asarray(X, dtype=np.float64))
        missing = estimator._bin_mapper.missing_values_bin_idx_
        threads = _openmp_effective_n_threads()
        out = np.zeros((len(X), self.n_columns), dtype=self.baseline.dtype, order="F")
        out += self.baseline
        for iteration in estimator._predictors:      # scikit-learn's order of addition
            for k, predictor in enumerate(iteration):
                out[:, k] += predictor.predict_binned(binned, missing, threads)
        return out

    def _binned_ok(self, X) -> bool:
        """Does the binned pass give scikit-learn's raw scores bit for bit? Checked once per
        model, on the first large input's first rows; any difference (or another
        scikit-learn layout) keeps scikit-learn's own pass."""
        if self._binned is None:
            try:
                sample = np.asarray(X[:2048], dtype=np.float64)
                self._binned = bool(np.array_equal(self._binned_raw(sample),
                                                   self.estimator._raw_predict(sample)))
            except (AttributeError, TypeError, ValueError):
                self._binned = False
        return self._binned

    def _walk(self, X):
        n = X.shape[0]
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        rows = np.arange(n)[:, None]
        for _ in range(self.depth):         # the deepest leaf is `depth` steps down
            x = X[rows, self.feature[node]]
            go_left = x <= self.threshold[node]
            missing = np.isnan(x)
            if missing.any():
                go_left |= missing & self.missing_left[node]
            node = np.where(go_left, self.left[node], self.right[node])
        leaves = self.value[node]
        out = np.zeros((n, self.n_columns), dtype=self.baseline.dtype, order="F")
        out += self.baseline
        for t, k in enumerate(self.tree_column):      # scikit-learn's order of addition
            out[:, k] += leaves[:, t]
        return out

    def _label(self, raw):
        """scikit-learn's rule: raw > 0 for two classes (a tie is class 0), else the argmax."""
        encoded = (raw.ravel() > 0).astype(int) if raw.shape[1] == 1 else np.argmax(raw, axis=1)
        return self.classes_[encoded]

    def _proba(self, raw):
        if self.estimator is not None:
            return self.estimator._loss.predict_proba(raw)
        if self.link == "expit":        # scikit-learn's HalfBinomialLoss.predict_proba
            proba = np.empty((raw.shape[0], 2), dtype=raw.dtype)
            proba[:, 1] = self._expit(raw[:, 0])
            proba[:, 0] = 1 - proba[:, 1]
            return proba
        proba = np.array(raw, copy=True)            # scikit-learn's extmath.softmax
        proba -= np.max(proba, axis=1).reshape((-1, 1))
        np.exp(proba, out=proba)
        proba /= np.sum(proba, axis=1).reshape((-1, 1))
        return proba

    def _inverse(self, raw):
        if self.estimator is not None:
            return self.estimator._loss.link.inverse(raw)
        return np.exp(raw) if self.link == "exp" else raw

    def predict_proba(self, X):
        return self._proba(self.raw(X))

    def predict_both(self, X):
        """(predictions, probabilities) from one pass; probabilities is None for a regressor."""
        raw = self.raw(X)
        if not self.is_classifier:
            return self._inverse(raw.ravel()), None
        return self._label(raw), self._proba(raw)

    def predict(self, X):
        return self.predict_both(X)[0]


def fast_trees(estimator):
    """A FastTrees for a fitted scikit-learn HistGradientBoosting model, else None."""
    kind = type(estimator)
    if kind.__name__ not in ("HistGradientBoostingClassifier", "HistGradientBoostingRegressor") \
            or not kind.__module__.startswith("sklearn."):
        return None
    return _built(estimator)


@functools.lru_cache(maxsize=4)     # laid out once per model, not per request (a server has one)
def _built(estimator):
    try:
        return FastTrees(estimator)
    except (AttributeError, KeyError, ValueError):     # another scikit-learn layout
        return None
