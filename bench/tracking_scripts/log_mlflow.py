"""Log N runs of 10 parameters and 20 metrics into MLflow's SQLite tracking store."""
import json
import logging
import sys
import time

from mlflow.entities import Metric, Param
from mlflow.tracking import MlflowClient

logging.disable(logging.WARNING)
path, n = sys.argv[1], int(sys.argv[2])
client = MlflowClient(tracking_uri=f"sqlite:///{path}")
experiment = client.create_experiment("bench")      # creates the database (not timed)
started = time.perf_counter()
for i in range(n):
    run = client.create_run(experiment)
    now = int(time.time() * 1000)
    client.log_batch(run.info.run_id,                 # MLflow's quickest way to log a run
                     metrics=[Metric(f"metric_{k}", (i + k) / 1000, now, 0) for k in range(20)],
                     params=[Param(f"param_{k}", str(i * k)) for k in range(10)])
    client.set_terminated(run.info.run_id)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds}))
