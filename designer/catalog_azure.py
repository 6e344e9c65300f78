"""Azure ML Designer's classic components and their MLWire counterparts, for docs/nodes.md.

One row per Azure component: its group, its name, the MLWire node types that do its job (by type
id; the docs link the registered ones) and a note, or the reason it has no place in a local,
tabular designer. Groups follow Azure's component reference.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AzureComponent", "AZURE_COMPONENTS", "OTHER_AZURE_GROUPS"]


@dataclass(frozen=True)
class AzureComponent:
    group: str
    name: str
    counterparts: tuple[str, ...] = ()
    note: str = ""


def _rows(group: str, *rows) -> list[AzureComponent]:
    return [AzureComponent(group, name, tuple(ids), note) for name, ids, note in rows]


_IO = "Data Input and Output"
_TRANSFORM = "Data Transformation"
_FEATURES = "Feature Selection"
_LEARNERS = "Machine Learning Algorithms"
_TRAIN = "Model Training"
_SCORE = "Model Scoring and Evaluation"

AZURE_COMPONENTS: list[AzureComponent] = [
    *_rows(
        _IO,
        ("Enter Data Manually", ["enter_data_manually"], "CSV text typed into the node."),
        ("Export Data", ["export_data"], "CSV, Parquet or a database table."),
        ("Import Data", ["import_csv", "import_parquet", "import_excel", "import_from_database",
                         "import_from_web_url", "sample_dataset"],
         "Azure's one node with a source switch is several nodes here; database passwords come "
         "from an environment variable or the OS keyring, never from the project file."),
    ),
    *_rows(
        _TRANSFORM,
        ("Add Columns", ["add_columns"], ""),
        ("Add Rows", ["add_rows"], ""),
        ("Apply Math Operation", ["apply_math_operation"], ""),
        ("Apply SQL Transformation", ["apply_sql_transformation"], "SQL over one to three "
                                                                   "tables."),
        ("Clean Missing Data", ["clean_missing_data"], ""),
        ("Clip Values", ["clip_values"], ""),
        ("Convert to CSV", ["export_data"], "Tables are pandas frames throughout; write a CSV "
                                            "file with Export Data."),
        ("Convert to Dataset", [], "Not needed: every table is already a pandas frame, and "
                                   "Azure's dataset registration has no local equivalent."),
        ("Convert to Indicator Values", ["encode_categorical"], "method 'onehot'."),
        ("Edit Metadata", ["edit_metadata"], ""),
        ("Group Data into Bins", ["group_data_into_bins"], ""),
        ("Join Data", ["join_data"], ""),
        ("Normalize Data", ["normalize_data"], ""),
        ("Partition and Sample", ["partition_and_sample"], ""),
        ("Remove Duplicate Rows", ["remove_duplicate_rows"], ""),
        ("SMOTE", ["smote"], ""),
        ("Select Columns Transform", [], "Not needed: a model keeps its training feature "
         "columns by name, and Score Model selects them itself."),
        ("Select Columns in Dataset", ["select_columns"], ""),
        ("Split Data", ["split_data", "filter_rows"], "Split Data's relative-expression and "
                                                      "regular-expression modes are Filter "
                                                      "Rows."),
        ("Summarize Data", ["group_by_aggregate"], "In Azure's Statistical Functions group; "
                                                   "per-column statistics also show in every "
                                                   "table viewer."),
    ),
    *_rows(
        _FEATURES,
        ("Filter Based Feature Selection", ["filter_based_feature_selection"], ""),
        ("Permutation Feature Importance", ["permutation_feature_importance"], ""),
    ),
    *_rows(
        _LEARNERS,
        ("Boosted Decision Tree Regression", ["boosted_trees_regressor"], ""),
        ("Decision Forest Regression", ["random_forest_regressor"], ""),
        ("Fast Forest Quantile Regression", ["boosted_trees_regressor", "quantile_regression"],
         "Boosted trees with loss 'quantile', or a linear quantile model."),
        ("Linear Regression", ["linear_regression", "ridge_regression", "lasso_regression",
                               "elastic_net_regression"],
         "Ordinary least squares is Linear Regression; Azure's L2 regularisation weight is "
         "Ridge Regression's alpha."),
        ("Bayesian Linear Regression", ["bayesian_linear_regression"], "In Azure Studio "
                                                                       "(classic)."),
        ("Neural Network Regression", ["neural_network_regressor"], ""),
        ("Poisson Regression", ["poisson_regression"], ""),
        ("K-Means Clustering", ["kmeans"], ""),
        ("Multiclass Boosted Decision Tree", ["boosted_trees_classifier"], ""),
        ("Multiclass Decision Forest", ["random_forest_classifier"], ""),
        ("Multiclass Logistic Regression", ["logistic_regression"], ""),
        ("Multiclass Neural Network", ["neural_network_classifier"], ""),
        ("One-vs-All Multiclass", ["one_vs_all_multiclass"], ""),
        ("One-vs-One Multiclass", ["one_vs_one_multiclass"], ""),
        ("Two-Class Averaged Perceptron", ["averaged_perceptron", "sgd_classifier"],
         "For two or more classes."),
        ("Two-Class Boosted Decision Tree", ["boosted_trees_classifier"], "The same node handles "
                                                                          "two or more classes."),
        ("Two-Class Decision Forest", ["random_forest_classifier"], "Likewise."),
        ("Two-Class Logistic Regression", ["logistic_regression"], "Likewise."),
        ("Two-Class Neural Network", ["neural_network_classifier"], "Likewise."),
        ("Two-Class Support Vector Machine", ["support_vector_machine_classifier"],
         "Kernel SVM for two or more classes; probabilities on request."),
        ("PCA-Based Anomaly Detection", ["isolation_forest"], "Azure's anomaly detector; "
         "MLWire's is Isolation Forest, trained with Train Anomaly Detection Model."),
    ),
    *_rows(
        _TRAIN,
        ("Train Model", ["train_model"], ""),
        ("Train Clustering Model", ["train_clustering_model"], ""),
        ("Train Anomaly Detection Model", ["train_anomaly_detection_model"], ""),
        ("Tune Model Hyperparameters", ["tune_model_hyperparameters"], ""),
        ("Train PyTorch Model", [], "Trains image networks (DenseNet, ResNet) on image "
                                    "directories: deep learning on images, not tabular data."),
    ),
    *_rows(
        _SCORE,
        ("Score Model", ["score_model"], "Also scores anomaly detectors (scored_label, "
                                         "anomaly_score)."),
        ("Assign Data to Clusters", ["score_model"], "Score Model on a clustering model gives "
                                                     "each row its cluster."),
        ("Apply Transformation", ["apply_transformation"], ""),
        ("Cross Validate Model", ["cross_validate_model"], ""),
        ("Evaluate Model", ["evaluate_model"], ""),
    ),
]

# Azure groups outside a tabular designer: (group, reason, MLWire nodes that still apply).
OTHER_AZURE_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Python Language (Create Python Model, Execute Python Script)",
     "Execute Python Script is a node here (`execute_python_script`); a custom model class is "
     "a plug-in node type (the `mlwire.nodes` entry point) rather than code in the pipeline.",
     ("execute_python_script",)),
    ("R Language (Execute R Script)", "MLWire is a Python tool; R code has no runtime here.",
     ()),
    ("Text Analytics (Preprocess Text, Extract N-Gram Features from Text, Convert Word to "
     "Vector, Latent Dirichlet Allocation, Feature Hashing, Vowpal Wabbit)",
     "Feature Hashing of a text column is a node (`feature_hashing`); the rest is natural "
     "language processing beyond tabular ML.", ("feature_hashing",)),
    ("Computer Vision (image transformations, image directories, DenseNet, ResNet, Score Image "
     "Model)", "Images, not tables.", ()),
    ("Recommendation (SVD and Wide & Deep recommenders)", "User-item rating matrices, not "
                                                          "feature tables.", ()),
    ("Web Service (Web Service Input and Output)", "Deployment, not pipeline nodes: MLWire "
                                                   "serves a registered model instead.", ()),
]
