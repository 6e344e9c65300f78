"""Linear learners beyond the core: SGD and averaged perceptron classifiers; ridge, lasso, elastic
net, Bayesian, Poisson and quantile regression.

Hyperparameter names and defaults are scikit-learn 1.9's (random_state 0), as in nodes.learners.
"""
from __future__ import annotations

from .learners import INF, LearnerNode, class_weight, random_state
from .params import Bool, Choice, Float, Int, ParamError, Union

__all__ = ["SGDClassifierNode", "AveragedPerceptronNode", "RidgeRegressionNode",
           "LassoRegressionNode", "ElasticNetRegressionNode", "BayesianLinearRegressionNode",
           "PoissonRegressionNode", "QuantileRegressionNode", "NODE_TYPES"]


def _fit_intercept():
    return Bool("fit_intercept", True, "Add a constant term.")


def _alpha(default=1.0, doc="Regularisation strength: larger is stronger."):
    return Float("alpha", default, doc, low=0.0, high=INF)


def _sgd_stopping(n_iter_no_change=5):
    return (
        Bool("early_stopping", False, "Hold out validation_fraction of the rows and stop when "
             "their score stops improving."),
        Float("validation_fraction", 0.1, "Rows held out for early stopping.", low=0.0, high=1.0,
              closed="neither"),
        Int("n_iter_no_change", n_iter_no_change, "Epochs without improvement before stopping.",
            low=1, high=INF),
    )


def _average(default):
    return Union("average", default, "Average the weights over all updates (true), or over the "
                 "updates after this many rows (an int); false: keep the last weights.",
                 alternatives=(Bool("average"), Int("average", low=1, high=INF, strict=True)))


def _coordinate_descent(l1_ratio: bool):
    mix = (Float("l1_ratio", 0.5, "Mix of the penalties: 0 is ridge (L2), 1 is lasso (L1).",
                 low=0.0, high=1.0),) if l1_ratio else ()
    return (_alpha(1.0, "Regularisation strength (0 is ordinary least squares, better done "
                        "with Linear Regression)."),) + mix + (
        _fit_intercept(),
        Bool("precompute", False, "Precompute the Gram matrix to speed up fitting."),
        Int("max_iter", 1000, "Maximum coordinate-descent iterations.", low=1, high=INF),
        Float("tol", 1e-4, "Tolerance of the stopping criterion.", low=0.0, high=INF),
        Bool("positive", False, "Force the coefficients to be positive."),
        random_state(),
        Choice("selection", "cyclic", "'random' updates a random coefficient each iteration "
               "(often faster with tol above 1e-4).", options=("cyclic", "random")),
    )


# -- classification --------------------------------------------------------------------------

class SGDClassifierNode(LearnerNode):
    type_id = "sgd_classifier"
    title = "SGD Classifier"
    doc = ("scikit-learn's SGDClassifier: a linear classifier fitted by stochastic gradient "
           "descent. The loss picks the model: 'hinge' a linear SVM, 'log_loss' a logistic "
           "regression, 'modified_huber' a smoothed SVM with probabilities, 'perceptron' the "
           "perceptron. Scales to many rows; scale the features first (Normalize Data). Only "
           "'log_loss' and 'modified_huber' give class probabilities.")
    estimator = "sklearn.linear_model.SGDClassifier"
    task = "classification"
    example_params = {"loss": "log_loss", "alpha": 0.001}
    params = (
        Choice("loss", "hinge", "The loss to minimise.",
               options=("hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron",
                        "squared_error", "huber", "epsilon_insensitive",
                        "squared_epsilon_insensitive")),
        Choice("penalty", "l2", "The regularisation term (null: none).", nullable=True,
               options=("l2", "l1", "elasticnet")),
        _alpha(1e-4, "Regularisation strength; with learning_rate 'optimal' it also sets the "
                     "step size."),
        Float("l1_ratio", 0.15, "Mix of the penalties with penalty 'elasticnet': 0 is L2, 1 is "
              "L1.", low=0.0, high=1.0),
        _fit_intercept(),
        Int("max_iter", 1000, "Maximum passes over the rows (epochs).", low=1, high=INF),
        Float("tol", 1e-3, "Stop when the loss improves by less than this for n_iter_no_change "
              "epochs (null: never).", nullable=True, low=0.0, high=INF),
        Bool("shuffle", True, "Shuffle the rows after each epoch."),
        Float("epsilon", 0.1, "Width of the insensitive zone of the 'huber' and "
              "'epsilon_insensitive' losses.", low=0.0, high=INF),
        random_state(),
        Choice("learning_rate", "optimal", "The step-size schedule.",
               options=("optimal", "constant", "invscaling", "adaptive", "pa1", "pa2")),
        Float("eta0", 0.01, "Initial step size (not used by 'optimal').", low=0.0, high=INF,
              closed="neither"),
        Float("power_t", 0.5, "Exponent of the 'invscaling' schedule."),
    ) + _sgd_stopping() + (class_weight(), _average(False))


class AveragedPerceptronNode(LearnerNode):
    type_id = "averaged_perceptron"
    title = "Averaged Perceptron"
    doc = ("The averaged perceptron (Azure's Two-Class Averaged Perceptron, here for two or more "
           "classes): scikit-learn's SGDClassifier with loss='perceptron', "
           "learning_rate='constant' and averaged weights. The other parameters and their "
           "defaults are those of scikit-learn's Perceptron. A fast linear classifier without "
           "probabilities; scale the features first.")
    estimator = "sklearn.linear_model.SGDClassifier"
    task = "classification"
    fixed = {"loss": "perceptron", "learning_rate": "constant"}
    example_params = {"max_iter": 20}
    params = (
        Choice("penalty", None, "The regularisation term (null: none).", nullable=True,
               options=("l2", "l1", "elasticnet")),
        _alpha(1e-4, "Strength of the penalty, when there is one."),
        Float("l1_ratio", 0.15, "Mix of the penalties with penalty 'elasticnet': 0 is L2, 1 is "
              "L1.", low=0.0, high=1.0),
        _fit_intercept(),
        Int("max_iter", 1000, "Maximum passes over the rows (epochs).", low=1, high=INF),
        Float("tol", 1e-3, "Stop when the loss improves by less than this for n_iter_no_change "
              "epochs (null: never).", nullable=True, low=0.0, high=INF),
        Bool("shuffle", True, "Shuffle the rows after each epoch."),
        Float("eta0", 1.0, "The (constant) step size.", low=0.0, high=INF, closed="neither"),
        random_state(),
    ) + _sgd_stopping() + (class_weight(), _average(True))


# -- regression ------------------------------------------------------------------------------

class RidgeRegressionNode(LearnerNode):
    type_id = "ridge_regression"
    title = "Ridge Regression"
    doc = "scikit-learn's Ridge: least squares with an L2 penalty on the coefficients."
    estimator = "sklearn.linear_model.Ridge"
    task = "regression"
    example_params = {"alpha": 10.0}
    params = (
        _alpha(),
        _fit_intercept(),
        Int("max_iter", None, "Maximum iterations of the iterative solvers (null: the solver's "
            "own default).", nullable=True, low=1, high=INF),
        Float("tol", 1e-4, "Precision of the solution (iterative solvers).", low=0.0, high=INF),
        Choice("solver", "auto", "The solver; 'auto' picks one from the data.",
               options=("auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga",
                        "lbfgs")),
        Bool("positive", False, "Force the coefficients to be positive (solver 'auto' or "
             "'lbfgs')."),
        random_state(),
    )

    def check_more(self, params):
        if params["positive"] and params["solver"] not in ("auto", "lbfgs"):
            return [ParamError("solver", f"The 'solver' parameter of {self.title} must be "
                                         "'auto' or 'lbfgs' when positive is true. Got "
                                         f"{params['solver']!r}.")]
        if params["solver"] == "lbfgs" and not params["positive"]:
            return [ParamError("solver", f"The 'solver' parameter of {self.title} can be "
                                         "'lbfgs' only when positive is true.")]
        return []


class LassoRegressionNode(LearnerNode):
    type_id = "lasso_regression"
    title = "Lasso Regression"
    doc = ("scikit-learn's Lasso: least squares with an L1 penalty, which sets some "
           "coefficients to exactly zero (a built-in feature selection).")
    estimator = "sklearn.linear_model.Lasso"
    task = "regression"
    example_params = {"alpha": 0.1}
    params = _coordinate_descent(l1_ratio=False)


class ElasticNetRegressionNode(LearnerNode):
    type_id = "elastic_net_regression"
    title = "Elastic Net Regression"
    doc = "scikit-learn's ElasticNet: least squares with a mix of L1 and L2 penalties."
    estimator = "sklearn.linear_model.ElasticNet"
    task = "regression"
    example_params = {"alpha": 0.1, "l1_ratio": 0.3}
    params = _coordinate_descent(l1_ratio=True)


class BayesianLinearRegressionNode(LearnerNode):
    type_id = "bayesian_linear_regression"
    title = "Bayesian Linear Regression"
    doc = ("scikit-learn's BayesianRidge: a linear regression whose penalty strength is learned "
           "from the data (Gamma priors on the noise and weight precisions).")
    estimator = "sklearn.linear_model.BayesianRidge"
    task = "regression"
    params = (
        Int("max_iter", 300, "Maximum iterations.", low=1, high=INF),
        Float("tol", 1e-3, "Stop when the weights change by less than this.", low=0.0,
              high=INF, closed="neither"),
        Float("alpha_1", 1e-6, "Shape of the Gamma prior over the noise precision alpha.",
              low=0.0, high=INF),
        Float("alpha_2", 1e-6, "Rate of the Gamma prior over alpha.", low=0.0, high=INF),
        Float("lambda_1", 1e-6, "Shape of the Gamma prior over the weight precision lambda.",
              low=0.0, high=INF),
        Float("lambda_2", 1e-6, "Rate of the Gamma prior over lambda.", low=0.0, high=INF),
        Float("alpha_init", None, "Initial alpha (null: 1 / variance of the label).",
              nullable=True, low=0.0, high=INF),
        Float("lambda_init", None, "Initial lambda (null: 1).", nullable=True, low=0.0,
              high=INF),
        Bool("compute_score", False, "Record the log marginal likelihood at each iteration."),
        _fit_intercept(),
    )


class PoissonRegressionNode(LearnerNode):
    type_id = "poisson_regression"
    title = "Poisson Regression"
    doc = ("scikit-learn's PoissonRegressor: a generalised linear model with a log link, for "
           "counts and other non-negative labels.")
    estimator = "sklearn.linear_model.PoissonRegressor"
    task = "regression"
    example_params = {"alpha": 0.1}
    params = (
        _alpha(1.0, "L2 penalty strength (0: none)."),
        _fit_intercept(),
        Choice("solver", "lbfgs", "The solver; 'newton-cholesky' suits few features with many "
               "rows.", options=("lbfgs", "newton-cholesky")),
        Int("max_iter", 100, "Maximum solver iterations.", low=1, high=INF),
        Float("tol", 1e-4, "Tolerance of the stopping criterion.", low=0.0, high=INF,
              closed="neither"),
    )


class QuantileRegressionNode(LearnerNode):
    type_id = "quantile_regression"
    title = "Quantile Regression"
    doc = ("scikit-learn's QuantileRegressor: a linear model of a quantile of the label (0.5: "
           "the median), with an L1 penalty. For a tree-based quantile model use Boosted Trees "
           "Regressor with loss 'quantile'.")
    estimator = "sklearn.linear_model.QuantileRegressor"
    task = "regression"
    example_params = {"quantile": 0.9, "alpha": 0.0}
    params = (
        Float("quantile", 0.5, "The quantile to predict.", low=0.0, high=1.0, closed="neither"),
        _alpha(1.0, "L1 penalty strength (0: none)."),
        _fit_intercept(),
        Choice("solver", "highs", "The linear-programming solver (SciPy's HiGHS).",
               options=("highs", "highs-ds", "highs-ipm")),
    )


NODE_TYPES = [SGDClassifierNode, AveragedPerceptronNode, RidgeRegressionNode,
              LassoRegressionNode, ElasticNetRegressionNode, BayesianLinearRegressionNode,
              PoissonRegressionNode, QuantileRegressionNode]
