"""MLflow: log_model of a comparable scikit-learn Pipeline (timed, in-process)."""
import json
import logging
import statistics
import sys
import time
import warnings

import mlflow
import mlflow.sklearn
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

logging.disable(logging.WARNING)
warnings.simplefilter("ignore")
csv, db, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
df = pd.read_csv(csv)
X, y = df.drop(columns=["churned"]), df["churned"]
categorical = [c for c in X.columns if X[c].dtype == object or str(X[c].dtype) == "str"]
numeric = [c for c in X.columns if c not in categorical]
model = Pipeline([
    ("prepare", ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                              OneHotEncoder(handle_unknown="ignore")), categorical)])),
    ("estimator", HistGradientBoostingClassifier(random_state=0))]).fit(X, y)
mlflow.set_tracking_uri(f"sqlite:///{db}")
times = []
TRUSTED = ["numpy.dtype", "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]
for i in range(repeats):
    with mlflow.start_run():
        started = time.perf_counter()
        mlflow.sklearn.log_model(model, name="model", input_example=X.head(5),
                                 skops_trusted_types=TRUSTED)
        times.append(time.perf_counter() - started)
print(json.dumps({"log_model": statistics.median(times)}))
