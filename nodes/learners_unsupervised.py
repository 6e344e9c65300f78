"""Learners without a label: DBSCAN, agglomerative clustering and Gaussian mixtures (clustering),
and Isolation Forest (anomaly detection).

Clustering learners train with Train Clustering Model; Isolation Forest trains with Train Anomaly
Detection Model. Hyperparameter names and defaults are scikit-learn 1.9's (random_state 0).
"""
from __future__ import annotations

from .learners import INF, LearnerNode, random_state
from .params import Bool, Choice, Float, Int, Literal, ParamError, Union

__all__ = ["DBSCANNode", "AgglomerativeClusteringNode", "GaussianMixtureNode",
           "IsolationForestNode", "NODE_TYPES"]

_METRICS = ("euclidean", "manhattan", "chebyshev", "minkowski", "cosine")


class DBSCANNode(LearnerNode):
    type_id = "dbscan"
    title = "DBSCAN"
    doc = ("scikit-learn's DBSCAN: clusters are dense regions; a row with at least min_samples "
           "rows within eps is a core row, and rows reachable from core rows join its cluster. "
           "Rows in no cluster are noise, cluster -1. The number of clusters is found, not set. "
           "Score Model assigns a new row to the cluster of its nearest core row when that row "
           "is within eps, else to -1 (noise); the training rows keep DBSCAN's own labels from "
           "Train Clustering Model. Scale the features first: eps is a distance.")
    estimator = "sklearn.cluster.DBSCAN"
    task = "clustering"
    example_params = {"eps": 0.3, "min_samples": 10}
    params = (
        Float("eps", 0.5, "Neighbourhood radius: rows closer than this are neighbours.",
              low=0.0, high=INF, closed="neither"),
        Int("min_samples", 5, "Rows (itself included) within eps that make a row a core row.",
            low=1, high=INF),
        Choice("metric", "euclidean", "The distance between rows.", options=_METRICS),
        Choice("algorithm", "auto", "How neighbours are searched; it changes speed, not the "
               "answer.", options=("auto", "ball_tree", "kd_tree", "brute")),
        Int("leaf_size", 30, "Leaf size of the ball or k-d tree (speed only).", low=1, high=INF),
        Float("p", None, "Power of the 'minkowski' metric (null: 2, Euclidean).", nullable=True,
              low=0.0, high=INF, closed="neither"),
    )

    def check_more(self, params):
        if params["metric"] == "cosine" and params["algorithm"] in ("ball_tree", "kd_tree"):
            return [ParamError("algorithm", f"The 'algorithm' parameter of {self.title} must be "
                                            "'auto' or 'brute' with metric 'cosine'. Got "
                                            f"{params['algorithm']!r}.")]
        return []


class AgglomerativeClusteringNode(LearnerNode):
    type_id = "agglomerative_clustering"
    title = "Agglomerative Clustering"
    doc = ("scikit-learn's AgglomerativeClustering: hierarchical clustering that starts with "
           "one cluster per row and merges the closest two until n_clusters remain (or until "
           "clusters are further apart than distance_threshold). It labels the rows it is "
           "trained on (Train Clustering Model's data output) but cannot assign new rows: Score "
           "Model refuses such a model with a clear message; use K-Means, Gaussian Mixture or "
           "DBSCAN to score new rows.")
    estimator = "sklearn.cluster.AgglomerativeClustering"
    task = "clustering"
    example_params = {"n_clusters": 4, "linkage": "average"}
    params = (
        Int("n_clusters", 2, "Number of clusters (null when distance_threshold is set).",
            nullable=True, low=1, high=INF),
        Choice("metric", "euclidean", "The distance between rows; linkage 'ward' needs "
               "'euclidean'.", options=("euclidean", "manhattan", "cosine", "l1", "l2")),
        Union("compute_full_tree", "auto", "Build the whole merge tree rather than stop at "
              "n_clusters (speed only); 'auto' decides from the data.",
              alternatives=(Literal("compute_full_tree", value="auto"),
                            Bool("compute_full_tree"))),
        Choice("linkage", "ward", "Which clusters merge: 'ward' the least increase in variance, "
               "'complete' the smallest maximum distance, 'average' the smallest average "
               "distance, 'single' the smallest minimum distance.",
               options=("ward", "complete", "average", "single")),
        Float("distance_threshold", None, "Stop merging at this linkage distance (null: stop at "
              "n_clusters).", nullable=True, low=0.0, high=INF),
    )

    def check_more(self, params):
        n, threshold = params["n_clusters"], params["distance_threshold"]
        if (n is None) == (threshold is None):
            return [ParamError("n_clusters", f"The 'n_clusters' parameter of {self.title} must "
                                             "be null exactly when distance_threshold is set: "
                                             "set one of them, not both.")]
        if threshold is not None and params["compute_full_tree"] is False:
            return [ParamError("compute_full_tree", f"The 'compute_full_tree' parameter of "
                                                    f"{self.title} must be true or 'auto' when "
                                                    "distance_threshold is set.")]
        if params["linkage"] == "ward" and params["metric"] != "euclidean":
            return [ParamError("metric", f"The 'metric' parameter of {self.title} must be "
                                         "'euclidean' with linkage 'ward'. Got "
                                         f"{params['metric']!r}.")]
        return []


class GaussianMixtureNode(LearnerNode):
    type_id = "gaussian_mixture"
    title = "Gaussian Mixture"
    doc = ("scikit-learn's GaussianMixture: the rows as a mixture of n_components normal "
           "distributions fitted by expectation-maximisation; each row goes to its most likely "
           "component. Unlike K-Means, clusters may be elongated and of different sizes.")
    estimator = "sklearn.mixture.GaussianMixture"
    task = "clustering"
    example_params = {"n_components": 3}
    params = (
        Int("n_components", 1, "Number of mixture components (clusters).", low=1, high=INF),
        Choice("covariance_type", "full", "Shape of each component: 'full' its own covariance "
               "matrix, 'tied' one shared matrix, 'diag' axis-aligned, 'spherical' round.",
               options=("full", "tied", "diag", "spherical")),
        Float("tol", 1e-3, "Stop when the likelihood improves by less than this.", low=0.0,
              high=INF),
        Float("reg_covar", 1e-6, "Added to the covariance diagonals, for stability.", low=0.0,
              high=INF),
        Int("max_iter", 100, "Maximum EM iterations per initialisation.", low=0, high=INF),
        Int("n_init", 1, "Initialisations to try; the best is kept.", low=1, high=INF),
        Choice("init_params", "kmeans", "How the first responsibilities are set.",
               options=("kmeans", "k-means++", "random", "random_from_data")),
        random_state(),
    )


class IsolationForestNode(LearnerNode):
    type_id = "isolation_forest"
    title = "Isolation Forest"
    doc = ("scikit-learn's IsolationForest, for anomaly detection (Azure's PCA-Based Anomaly "
           "Detection fills the same role): random trees isolate each row; rows isolated in few "
           "splits are anomalies. Train it with Train Anomaly Detection Model; Score Model then "
           "adds 'scored_label' (1: anomaly, 0: normal) and 'anomaly_score' (higher is more "
           "anomalous: the opposite of score_samples, the score of Liu et al. in (0, 1]). With "
           "contamination 'auto' rows scoring above 0.5 are anomalies; with a fraction, that "
           "share of the training rows is.")
    estimator = "sklearn.ensemble.IsolationForest"
    task = "anomaly"
    example_params = {"contamination": 0.01}
    params = (
        Int("n_estimators", 100, "Number of trees.", low=1, high=INF),
        Union("max_samples", "auto", "Rows drawn per tree: a count, a fraction, or 'auto' "
              "(min(256, rows)).",
              alternatives=(Literal("max_samples", value="auto"),
                            Int("max_samples", low=1, high=INF, strict=True),
                            Float("max_samples", low=0.0, high=1.0, closed="right",
                                  strict=True))),
        Union("contamination", "auto", "Expected share of anomalies, which sets the threshold "
              "of scored_label: a fraction up to 0.5, or 'auto' (the threshold of the original "
              "paper).",
              alternatives=(Literal("contamination", value="auto"),
                            Float("contamination", low=0.0, high=0.5, closed="right"))),
        Union("max_features", 1.0, "Features drawn per tree: a count, or a fraction.",
              alternatives=(Int("max_features", low=1, high=INF, strict=True),
                            Float("max_features", low=0.0, high=1.0, closed="right",
                                  strict=True))),
        Bool("bootstrap", False, "Draw the rows of each tree with replacement."),
        random_state(),
    )


NODE_TYPES = [DBSCANNode, AgglomerativeClusteringNode, GaussianMixtureNode, IsolationForestNode]
