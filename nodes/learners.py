"""Learner nodes: untrained scikit-learn estimators with their own hyperparameter names.

Defaults are scikit-learn 1.9's, except random_state = 0 so that runs repeat exactly. Every
declared hyperparameter is passed to the estimator. Constructor arguments that do not change the
model (verbose, n_jobs, copy_X, cache_size, warm_start, memory) or that need arrays or callables
(monotonic_cst, metric_params, weights_init, connectivity) are not declared. This module holds
the shared learner base and the seven core learners; the rest of the catalog lives in
learners_linear, learners_nonlinear, learners_unsupervised and learners_multiclass.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from .base import CATEGORIES, NodeType, Port
from .params import Bool, Choice, Float, Int, Literal, Param, ParamError, Union
from .schema import LearnerSchema, PortType

__all__ = ["LearnerNode", "ALGORITHMS", "INF", "random_state", "class_weight", "IntList",
           "LogisticRegressionNode", "RandomForestClassifierNode", "BoostedTreesClassifierNode",
           "LinearRegressionNode", "RandomForestRegressorNode", "BoostedTreesRegressorNode",
           "KMeansNode", "NODE_TYPES"]

ALGORITHMS = CATEGORIES[3]
INF = None  # an open upper bound


class LearnerNode(NodeType):
    """Declare `estimator` ('module.Class'), `task` and `params`; the rest is shared.

    `fixed` holds constructor arguments the node always passes (a preset such as Averaged
    Perceptron's loss='perceptron'); a node whose estimator is built differently overrides
    `build` and `source` together, so that the app and the exported script agree.
    """

    category = ALGORITHMS
    outputs = (Port("learner", PortType.LEARNER, "The untrained estimator."),)
    estimator = ""
    task = ""
    fixed: dict = {}
    example_params: dict = {}  # shown in the node reference's example (docs/nodes.md)

    @classmethod
    def estimator_class(cls):
        module, name = cls.estimator.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)

    def estimator_name(self, params) -> str:
        """The class name of what `build` returns, known without importing scikit-learn."""
        return self.estimator.rsplit(".", 1)[1]

    def arguments(self, params) -> dict:
        return {**self.fixed, **params}

    def build(self, params):
        return self.estimator_class()(**self.arguments(params))

    def source(self, params) -> tuple[str, str]:
        """(import lines, expression) that build the same estimator in the exported script."""
        module, name = self.estimator.rsplit(".", 1)
        args = ", ".join(f"{k}={v!r}" for k, v in self.arguments(params).items())
        return f"from {module} import {name}\n", f"{name}({args})"

    def infer(self, inputs, params, ctx):
        return {"learner": LearnerSchema(self.task, self.estimator_name(params))}

    def run(self, inputs, params, ctx):
        from .values import Learner
        return {"learner": Learner(self.build(params), self.task)}

    def emit(self, params, ctx):
        imports, expression = self.source(params)
        return f"{imports}{ctx.out('learner')} = {expression}\n"


# -- hyperparameters shared by several learners ----------------------------------------------

def class_weight(*options):
    return Choice("class_weight", None, "'balanced' weighs classes inversely to their "
                  "frequency (null: all classes weigh the same).", nullable=True,
                  options=options or ("balanced",))


@dataclass(frozen=True)
class IntList(Param):
    """A non-empty list of ints >= `low`, e.g. the sizes of a network's hidden layers."""

    low: int = 1

    def describe(self) -> str:
        return f"a non-empty list of ints >= {self.low}"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, (list, tuple)) and len(value) > 0 and all(
            isinstance(v, int) and not isinstance(v, bool) and v >= self.low for v in value)

    def normalise(self, value: Any) -> list[int]:
        return list(value)

    def spec(self) -> dict:
        return {**super().spec(), "low": self.low}


def random_state():
    return Int("random_state", 0, "Seed of the estimator's randomness (null: a fresh one each "
               "run).", nullable=True, low=0, high=2**32 - 1)


def split_size_params():
    """min_samples_split and min_samples_leaf, as every scikit-learn tree declares them."""
    return (
        Union("min_samples_split", 2, "Minimum rows to split a node: a count, or a fraction.",
              alternatives=(Int("min_samples_split", low=2, high=INF, strict=True),
                            Float("min_samples_split", low=0.0, high=1.0, closed="right",
                                  strict=True))),
        Union("min_samples_leaf", 1, "Minimum rows in a leaf: a count, or a fraction.",
              alternatives=(Int("min_samples_leaf", low=1, high=INF, strict=True),
                            Float("min_samples_leaf", low=0.0, high=1.0, closed="neither",
                                  strict=True))),
    )


def tree_params(max_features, criteria):
    return (
        Int("n_estimators", 100, "Number of trees.", low=1, high=INF),
        Choice("criterion", criteria[0], "How a split is scored.", options=criteria),
        Int("max_depth", None, "Maximum depth of a tree (null: unlimited).", nullable=True,
            low=1, high=INF),
        *split_size_params(),
        Union("max_features", max_features, "Features considered per split: a count, a "
              "fraction, 'sqrt', 'log2' or null (all).", nullable=True,
              alternatives=(Int("max_features", low=1, high=INF, strict=True),
                            Float("max_features", low=0.0, high=1.0, closed="right", strict=True),
                            Literal("max_features", value="sqrt"),
                            Literal("max_features", value="log2"))),
        Int("max_leaf_nodes", None, "Maximum leaves per tree (null: unlimited).", nullable=True,
            low=2, high=INF),
        Float("min_impurity_decrease", 0.0, "Split only when impurity drops at least this much.",
              low=0.0, high=INF),
        Bool("bootstrap", True, "Draw a bootstrap sample of the rows for each tree."),
        Union("max_samples", None, "Rows drawn per tree with bootstrap: a count, a fraction, "
              "or null (all).", nullable=True,
              alternatives=(Int("max_samples", low=1, high=INF, strict=True),
                            Float("max_samples", low=0.0, high=1.0, closed="right",
                                  strict=True))),
        Float("ccp_alpha", 0.0, "Cost-complexity pruning strength.", low=0.0, high=INF),
    )


def boosting_params():
    return (
        Float("learning_rate", 0.1, "Shrinkage of each tree's contribution.", low=0.0, high=INF,
              closed="neither"),
        Int("max_iter", 100, "Number of boosting iterations (trees per class).", low=1, high=INF),
        Int("max_leaf_nodes", 31, "Maximum leaves per tree (null: unlimited).", nullable=True,
            low=2, high=INF),
        Int("max_depth", None, "Maximum depth of a tree (null: unlimited).", nullable=True,
            low=1, high=INF),
        Int("min_samples_leaf", 20, "Minimum rows in a leaf.", low=1, high=INF),
        Float("l2_regularization", 0.0, "L2 penalty on leaf values.", low=0.0, high=INF),
        Float("max_features", 1.0, "Fraction of features considered per split.", low=0.0,
              high=1.0, closed="right"),
        Int("max_bins", 255, "Bins per feature for non-missing values.", low=2, high=255),
        Union("early_stopping", "auto", "Stop when the validation score stops improving; "
              "'auto': only with more than 10000 rows.",
              alternatives=(Literal("early_stopping", value="auto"), Bool("early_stopping"))),
        Union("validation_fraction", 0.1, "Rows held out for early stopping: a fraction, a "
              "count, or null (use the training loss).", nullable=True,
              alternatives=(Float("validation_fraction", low=0.0, high=1.0, closed="neither",
                                  strict=True),
                            Int("validation_fraction", low=1, high=INF, strict=True))),
        Int("n_iter_no_change", 10, "Iterations without improvement before stopping.", low=1,
            high=INF),
        Float("tol", 1e-7, "Minimum improvement that counts for early stopping.", low=0.0,
              high=INF),
    )


# -- classification --------------------------------------------------------------------------

class LogisticRegressionNode(LearnerNode):
    type_id = "logistic_regression"
    title = "Logistic Regression"
    doc = "scikit-learn's LogisticRegression: a linear classifier giving class probabilities."
    estimator = "sklearn.linear_model.LogisticRegression"
    task = "classification"
    params = (
        Float("C", 1.0, "Inverse regularisation strength: smaller is stronger.", low=0.0,
              high=INF, closed="neither"),
        Float("l1_ratio", 0.0, "Elastic-net mix: 0 is an L2 penalty, 1 an L1 penalty (needs "
              "solver 'saga', or 'liblinear' for 1).", nullable=True, low=0.0, high=1.0),
        Bool("fit_intercept", True, "Add a constant term."),
        Choice("solver", "lbfgs", "The optimisation algorithm.",
               options=("lbfgs", "liblinear", "newton-cg", "newton-cholesky", "sag", "saga")),
        Int("max_iter", 100, "Maximum solver iterations.", low=0, high=INF),
        Float("tol", 1e-4, "Tolerance of the stopping criterion.", low=0.0, high=INF),
        Choice("class_weight", None, "'balanced' weighs classes inversely to their frequency.",
               nullable=True, options=("balanced",)),
        random_state(),
    )

    def check_more(self, params):
        ratio = params["l1_ratio"]
        if ratio and params["solver"] not in ("saga", "liblinear"):
            return [ParamError("l1_ratio", f"The 'l1_ratio' parameter of {self.title} above 0 "
                                           "(an L1 penalty) needs solver 'saga' (or "
                                           "'liblinear' with l1_ratio 1). Got solver "
                                           f"{params['solver']!r}.")]
        return []


class RandomForestClassifierNode(LearnerNode):
    type_id = "random_forest_classifier"
    title = "Random Forest Classifier"
    doc = "scikit-learn's RandomForestClassifier: an average of decision trees on resampled rows."
    estimator = "sklearn.ensemble.RandomForestClassifier"
    task = "classification"
    params = tree_params("sqrt", ("gini", "entropy", "log_loss")) + (
        Choice("class_weight", None, "'balanced' weighs classes inversely to their frequency.",
               nullable=True, options=("balanced", "balanced_subsample")),
        random_state(),
    )


class BoostedTreesClassifierNode(LearnerNode):
    type_id = "boosted_trees_classifier"
    title = "Boosted Trees Classifier"
    doc = ("scikit-learn's HistGradientBoostingClassifier: gradient-boosted trees on binned "
           "features; handles missing values.")
    estimator = "sklearn.ensemble.HistGradientBoostingClassifier"
    task = "classification"
    params = boosting_params() + (
        Choice("class_weight", None, "'balanced' weighs classes inversely to their frequency.",
               nullable=True, options=("balanced",)),
        random_state(),
    )


# -- regression ------------------------------------------------------------------------------

class LinearRegressionNode(LearnerNode):
    type_id = "linear_regression"
    title = "Linear Regression"
    doc = "scikit-learn's LinearRegression: ordinary least squares."
    estimator = "sklearn.linear_model.LinearRegression"
    task = "regression"
    params = (
        Bool("fit_intercept", True, "Add a constant term."),
        Bool("positive", False, "Force the coefficients to be positive."),
        Float("tol", 1e-6, "Precision of the solution (sparse data only).", low=0.0, high=INF),
    )


class RandomForestRegressorNode(LearnerNode):
    type_id = "random_forest_regressor"
    title = "Random Forest Regressor"
    doc = "scikit-learn's RandomForestRegressor: an average of regression trees on resampled rows."
    estimator = "sklearn.ensemble.RandomForestRegressor"
    task = "regression"
    params = tree_params(1.0, ("squared_error", "absolute_error", "poisson")) + (random_state(),)


class BoostedTreesRegressorNode(LearnerNode):
    type_id = "boosted_trees_regressor"
    title = "Boosted Trees Regressor"
    doc = ("scikit-learn's HistGradientBoostingRegressor: gradient-boosted trees on binned "
           "features; handles missing values.")
    estimator = "sklearn.ensemble.HistGradientBoostingRegressor"
    task = "regression"
    params = (
        Choice("loss", "squared_error", "The loss to minimise.",
               options=("squared_error", "absolute_error", "gamma", "poisson", "quantile")),
        Float("quantile", None, "The quantile to predict with loss 'quantile'.", nullable=True,
              low=0.0, high=1.0),
    ) + boosting_params() + (random_state(),)

    def check_more(self, params):
        if params["loss"] == "quantile" and params["quantile"] is None:
            return [ParamError("quantile", f"The 'quantile' parameter of {self.title} is needed "
                                           "with loss 'quantile': set it to a float in [0, 1].")]
        return []


# -- clustering ------------------------------------------------------------------------------

class KMeansNode(LearnerNode):
    type_id = "kmeans"
    title = "K-Means"
    doc = "scikit-learn's KMeans: groups rows around n_clusters centres."
    estimator = "sklearn.cluster.KMeans"
    task = "clustering"
    params = (
        Int("n_clusters", 8, "Number of clusters.", low=1, high=INF),
        Choice("init", "k-means++", "How the first centres are chosen.",
               options=("k-means++", "random")),
        Union("n_init", "auto", "Number of runs with different centres; the best is kept.",
              alternatives=(Literal("n_init", value="auto"), Int("n_init", low=1, high=INF))),
        Int("max_iter", 300, "Maximum iterations of one run.", low=1, high=INF),
        Float("tol", 1e-4, "Tolerance of the stopping criterion.", low=0.0, high=INF),
        Choice("algorithm", "lloyd", "The K-Means algorithm.", options=("lloyd", "elkan")),
        random_state(),
    )


NODE_TYPES = [LogisticRegressionNode, RandomForestClassifierNode, BoostedTreesClassifierNode,
              LinearRegressionNode, RandomForestRegressorNode, BoostedTreesRegressorNode,
              KMeansNode]
