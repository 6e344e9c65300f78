"""Log N runs of 10 parameters and 20 metrics into a new MLWire project, one transaction each."""
import json
import sys
import time

from designer.store import NewRun, Project

path, n = sys.argv[1], int(sys.argv[2])
pipeline = {"format": "mlwire.pipeline/1", "name": "bench", "nodes": []}
with Project.open(path, create=True) as project:
    started = time.perf_counter()
    for i in range(n):
        project.runs.log(NewRun(      # one durable (synchronous=FULL) transaction per run
            f"run{i:05d}", pipeline,
            params={"model": {f"param_{k}": i * k for k in range(10)}},
            metrics={"evaluate": {f"metric_{k}": (i + k) / 1000 for k in range(20)}}))
    seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds}))
