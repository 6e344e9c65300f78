"""Non-linear learners beyond the core: decision trees, k-nearest neighbours, Gaussian naive Bayes,
support vector machines and neural networks (multi-layer perceptrons).

Hyperparameter names and defaults are scikit-learn 1.9's (random_state 0), as in nodes.learners.
"""
from __future__ import annotations

import math

from .learners import INF, IntList, LearnerNode, class_weight, random_state, split_size_params
from .params import AnyJson, Bool, Choice, Float, Int, Literal, ParamError, Union

__all__ = ["DecisionTreeClassifierNode", "DecisionTreeRegressorNode",
           "KNearestNeighborsClassifierNode", "KNearestNeighborsRegressorNode",
           "GaussianNaiveBayesNode", "SupportVectorMachineClassifierNode",
           "SupportVectorMachineRegressorNode", "NeuralNetworkClassifierNode",
           "NeuralNetworkRegressorNode", "NODE_TYPES"]


# -- decision trees --------------------------------------------------------------------------

def _tree_params(criteria):
    return (
        Choice("criterion", criteria[0], "How a split is scored.", options=criteria),
        Choice("splitter", "best", "'best' tries every threshold; 'random' draws one per "
               "feature.", options=("best", "random")),
        Int("max_depth", None, "Maximum depth of the tree (null: unlimited).", nullable=True,
            low=1, high=INF),
        *split_size_params(),
        Float("min_weight_fraction_leaf", 0.0, "Minimum fraction of the total weight in a "
              "leaf.", low=0.0, high=0.5),
        Union("max_features", None, "Features considered per split: a count, a fraction, "
              "'sqrt', 'log2' or null (all).", nullable=True,
              alternatives=(Int("max_features", low=1, high=INF, strict=True),
                            Float("max_features", low=0.0, high=1.0, closed="right", strict=True),
                            Literal("max_features", value="sqrt"),
                            Literal("max_features", value="log2"))),
        random_state(),
        Int("max_leaf_nodes", None, "Maximum leaves (null: unlimited).", nullable=True, low=2,
            high=INF),
        Float("min_impurity_decrease", 0.0, "Split only when impurity drops at least this much.",
              low=0.0, high=INF),
    )


_PRUNING = Float("ccp_alpha", 0.0, "Cost-complexity pruning strength (0: no pruning).", low=0.0,
                 high=INF)


class DecisionTreeClassifierNode(LearnerNode):
    type_id = "decision_tree_classifier"
    title = "Decision Tree Classifier"
    doc = ("scikit-learn's DecisionTreeClassifier: one tree of if-then splits on the features. "
           "Easy to read; limit max_depth or min_samples_leaf to keep it from overfitting.")
    estimator = "sklearn.tree.DecisionTreeClassifier"
    task = "classification"
    example_params = {"max_depth": 4, "min_samples_leaf": 5}
    params = _tree_params(("gini", "entropy", "log_loss")) + (class_weight(), _PRUNING)


class DecisionTreeRegressorNode(LearnerNode):
    type_id = "decision_tree_regressor"
    title = "Decision Tree Regressor"
    doc = ("scikit-learn's DecisionTreeRegressor: one tree of if-then splits; each leaf predicts "
           "the mean (or median, with 'absolute_error') of its rows.")
    estimator = "sklearn.tree.DecisionTreeRegressor"
    task = "regression"
    example_params = {"max_depth": 4}
    params = _tree_params(("squared_error", "absolute_error", "poisson")) + (_PRUNING,)


# -- k-nearest neighbours --------------------------------------------------------------------

_TREE_METRICS = ("minkowski", "euclidean", "manhattan", "chebyshev")


def _neighbour_params():
    return (
        Int("n_neighbors", 5, "Number of neighbours that vote (or are averaged).", low=1,
            high=INF),
        Choice("weights", "uniform", "'distance' gives closer neighbours more say.",
               options=("uniform", "distance")),
        Choice("algorithm", "auto", "How neighbours are searched; it changes speed, not the "
               "answer.", options=("auto", "ball_tree", "kd_tree", "brute")),
        Int("leaf_size", 30, "Leaf size of the ball or k-d tree (speed only).", low=1, high=INF),
        Float("p", 2, "Power of the Minkowski metric: 1 is Manhattan, 2 is Euclidean.", low=0.0,
              high=INF, closed="neither"),
        Choice("metric", "minkowski", "The distance between rows.",
               options=_TREE_METRICS + ("cosine",)),
    )


class _NeighboursNode(LearnerNode):
    def check_more(self, params):
        if params["metric"] not in _TREE_METRICS and params["algorithm"] in ("ball_tree",
                                                                             "kd_tree"):
            return [ParamError("algorithm", f"The 'algorithm' parameter of {self.title} must be "
                                            f"'auto' or 'brute' with metric "
                                            f"{params['metric']!r}. Got "
                                            f"{params['algorithm']!r}.")]
        return []


class KNearestNeighborsClassifierNode(_NeighboursNode):
    type_id = "k_nearest_neighbors_classifier"
    title = "K-Nearest Neighbors Classifier"
    doc = ("scikit-learn's KNeighborsClassifier: the class most common among the n_neighbors "
           "closest training rows. Scale the features first (Normalize Data): distances mix "
           "their units.")
    estimator = "sklearn.neighbors.KNeighborsClassifier"
    task = "classification"
    example_params = {"n_neighbors": 15, "weights": "distance"}
    params = _neighbour_params()


class KNearestNeighborsRegressorNode(_NeighboursNode):
    type_id = "k_nearest_neighbors_regressor"
    title = "K-Nearest Neighbors Regressor"
    doc = ("scikit-learn's KNeighborsRegressor: the mean label of the n_neighbors closest "
           "training rows. Scale the features first (Normalize Data).")
    estimator = "sklearn.neighbors.KNeighborsRegressor"
    task = "regression"
    example_params = {"n_neighbors": 10}
    params = _neighbour_params()


# -- naive Bayes -----------------------------------------------------------------------------

def _is_priors(value) -> bool:
    return (isinstance(value, list) and len(value) > 0
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
                    for v in value)
            and math.isclose(sum(value), 1.0, abs_tol=1e-8))


class GaussianNaiveBayesNode(LearnerNode):
    type_id = "gaussian_naive_bayes"
    title = "Gaussian Naive Bayes"
    doc = ("scikit-learn's GaussianNB: each feature normally distributed within each class, "
           "features independent given the class. Fast, needs few rows, gives probabilities.")
    estimator = "sklearn.naive_bayes.GaussianNB"
    task = "classification"
    example_params = {"priors": [0.9, 0.1]}
    params = (
        AnyJson("priors", None, "Prior probability of each class, in the sorted order of the "
                "classes (null: their frequencies in the training rows).", nullable=True,
                what="a list of non-negative numbers summing to 1, one per class",
                predicate=_is_priors),
        Float("var_smoothing", 1e-9, "Fraction of the largest feature variance added to every "
              "variance, for stability.", low=0.0, high=INF),
    )


# -- support vector machines -----------------------------------------------------------------

def _kernel_params():
    return (
        Choice("kernel", "rbf", "The kernel: 'linear', 'poly' (polynomial), 'rbf' (Gaussian) or "
               "'sigmoid'.", options=("linear", "poly", "rbf", "sigmoid")),
        Int("degree", 3, "Degree of the 'poly' kernel.", low=0, high=INF),
        Union("gamma", "scale", "Kernel coefficient of 'rbf', 'poly' and 'sigmoid': a number, "
              "'scale' (1 / (features x variance)) or 'auto' (1 / features).",
              alternatives=(Literal("gamma", value="scale"), Literal("gamma", value="auto"),
                            Float("gamma", low=0.0, high=INF))),
        Float("coef0", 0.0, "Constant term of the 'poly' and 'sigmoid' kernels."),
    )


def _svm_common():
    return (
        Float("tol", 1e-3, "Tolerance of the stopping criterion.", low=0.0, high=INF,
              closed="neither"),
        Float("C", 1.0, "Inverse regularisation strength: smaller is stronger.", low=0.0,
              high=INF, closed="neither"),
    )


def _max_iter():
    return Int("max_iter", -1, "Maximum solver iterations (-1: no limit).", low=-1, high=INF)


class SupportVectorMachineClassifierNode(LearnerNode):
    type_id = "support_vector_machine_classifier"
    title = "Support Vector Machine Classifier"
    doc = ("scikit-learn's SVC: a kernel support vector machine (Azure's Two-Class Support "
           "Vector Machine, here for two or more classes). Scale the features first. With "
           "probability true it is wrapped as CalibratedClassifierCV(SVC(...), ensemble=False), "
           "scikit-learn 1.9's replacement for the deprecated SVC(probability=True): Platt "
           "scaling fitted by 5-fold cross-validation, so predictions follow the calibrated "
           "probabilities. Without it there are no probability columns, and ROC AUC and log "
           "loss are null.")
    estimator = "sklearn.svm.SVC"
    task = "classification"
    example_params = {"C": 10.0, "probability": True}
    params = (_svm_common()[1],) + _kernel_params() + (
        Bool("shrinking", True, "Use the shrinking heuristic (speed only)."),
        Bool("probability", False, "Give class probabilities (slower: five extra fits)."),
        _svm_common()[0],
        class_weight(),
        _max_iter(),
        Choice("decision_function_shape", "ovr", "Shape of the decision function with more "
               "than two classes: one-vs-rest or one-vs-one.", options=("ovr", "ovo")),
        Bool("break_ties", False, "Break ties by the decision function's confidence "
             "(decision_function_shape 'ovr' only)."),
        random_state(),
    )

    def check_more(self, params):
        if params["break_ties"] and params["decision_function_shape"] == "ovo":
            return [ParamError("break_ties", f"The 'break_ties' parameter of {self.title} can "
                                             "be true only with decision_function_shape "
                                             "'ovr'.")]
        return []

    def estimator_name(self, params):
        return "CalibratedClassifierCV" if params.get("probability") else "SVC"

    def arguments(self, params):
        return {k: v for k, v in params.items() if k != "probability"}

    def build(self, params):
        svc = super().build(params)
        if not params["probability"]:
            return svc
        from sklearn.calibration import CalibratedClassifierCV
        return CalibratedClassifierCV(svc, ensemble=False)

    def source(self, params):
        imports, expression = super().source(params)
        if not params["probability"]:
            return imports, expression
        return (imports + "from sklearn.calibration import CalibratedClassifierCV\n",
                f"CalibratedClassifierCV({expression}, ensemble=False)")


class SupportVectorMachineRegressorNode(LearnerNode):
    type_id = "support_vector_machine_regressor"
    title = "Support Vector Machine Regressor"
    doc = ("scikit-learn's SVR: kernel support vector regression; errors smaller than epsilon "
           "cost nothing. Scale the features (and a large label) first.")
    estimator = "sklearn.svm.SVR"
    task = "regression"
    example_params = {"kernel": "linear", "epsilon": 0.5}
    params = _kernel_params() + _svm_common() + (
        Float("epsilon", 0.1, "Half-width of the no-penalty tube around the prediction, in "
              "label units.", low=0.0, high=INF),
        Bool("shrinking", True, "Use the shrinking heuristic (speed only)."),
        _max_iter(),
    )


# -- neural networks -------------------------------------------------------------------------

def _mlp_params():
    return (
        IntList("hidden_layer_sizes", [100], "Neurons in each hidden layer, e.g. [64, 32] for "
                "two layers."),
        Choice("activation", "relu", "Activation of the hidden layers.",
               options=("identity", "logistic", "tanh", "relu")),
        Choice("solver", "adam", "The weight optimiser; 'lbfgs' suits small data sets.",
               options=("lbfgs", "sgd", "adam")),
        Float("alpha", 1e-4, "L2 penalty strength.", low=0.0, high=INF),
        Union("batch_size", "auto", "Rows per minibatch ('auto': min(200, rows)); not used by "
              "'lbfgs'.", alternatives=(Literal("batch_size", value="auto"),
                                        Int("batch_size", low=1, high=INF))),
        Choice("learning_rate", "constant", "Step-size schedule of solver 'sgd'.",
               options=("constant", "invscaling", "adaptive")),
        Float("learning_rate_init", 1e-3, "Initial step size ('sgd' and 'adam').", low=0.0,
              high=INF, closed="neither"),
        Float("power_t", 0.5, "Exponent of the 'invscaling' schedule.", low=0.0, high=INF),
        Int("max_iter", 200, "Maximum epochs ('sgd', 'adam') or iterations ('lbfgs').", low=1,
            high=INF),
        Bool("shuffle", True, "Shuffle the rows each epoch ('sgd', 'adam')."),
        random_state(),
        Float("tol", 1e-4, "Minimum improvement that counts for stopping.", low=0.0, high=INF),
        Float("momentum", 0.9, "Momentum of solver 'sgd'.", low=0.0, high=1.0),
        Bool("nesterovs_momentum", True, "Use Nesterov's momentum (solver 'sgd')."),
        Bool("early_stopping", False, "Hold out validation_fraction of the rows and stop when "
             "their score stops improving ('sgd', 'adam')."),
        Float("validation_fraction", 0.1, "Rows held out for early stopping.", low=0.0,
              high=1.0, closed="left"),
        Float("beta_1", 0.9, "Decay of the first-moment estimate (solver 'adam').", low=0.0,
              high=1.0, closed="left"),
        Float("beta_2", 0.999, "Decay of the second-moment estimate (solver 'adam').", low=0.0,
              high=1.0, closed="left"),
        Float("epsilon", 1e-8, "Numerical stability term of solver 'adam'.", low=0.0, high=INF,
              closed="neither"),
        Int("n_iter_no_change", 10, "Epochs without tol improvement before stopping.", low=1,
            high=INF),
        Int("max_fun", 15000, "Maximum loss evaluations of solver 'lbfgs'.", low=1, high=INF),
    )


class NeuralNetworkClassifierNode(LearnerNode):
    type_id = "neural_network_classifier"
    title = "Neural Network Classifier"
    doc = ("scikit-learn's MLPClassifier: a fully connected feed-forward network (multi-layer "
           "perceptron) with a softmax output; Azure's Two-Class and Multiclass Neural Network. "
           "Scale the features first.")
    estimator = "sklearn.neural_network.MLPClassifier"
    task = "classification"
    example_params = {"hidden_layer_sizes": [64, 32], "early_stopping": True}
    params = _mlp_params()


class NeuralNetworkRegressorNode(LearnerNode):
    type_id = "neural_network_regressor"
    title = "Neural Network Regressor"
    doc = ("scikit-learn's MLPRegressor: a fully connected feed-forward network with a linear "
           "output; Azure's Neural Network Regression. Scale the features (and a large label) "
           "first.")
    estimator = "sklearn.neural_network.MLPRegressor"
    task = "regression"
    example_params = {"hidden_layer_sizes": [32], "alpha": 0.001}
    params = (Choice("loss", "squared_error", "The loss to minimise; 'poisson' for counts.",
                     options=("squared_error", "poisson")),) + _mlp_params()


NODE_TYPES = [DecisionTreeClassifierNode, DecisionTreeRegressorNode,
              KNearestNeighborsClassifierNode, KNearestNeighborsRegressorNode,
              GaussianNaiveBayesNode, SupportVectorMachineClassifierNode,
              SupportVectorMachineRegressorNode, NeuralNetworkClassifierNode,
              NeuralNetworkRegressorNode]
