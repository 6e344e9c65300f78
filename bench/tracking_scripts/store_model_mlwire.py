"""Store a trained churn model with its run and environment, then register it (timed, in-process)."""
import json
import statistics
import sys
import time
from pathlib import Path

from designer.artifacts import dump_model, sha256_of
from designer.engine import Engine
from designer.engine.events import NodeFinished, RunFinished, RunStarted
from designer.engine.environment import environment
from designer.model import load_pipeline
from designer.store import Project, RunRecorder

def main() -> None:
    folder, repeats = Path(sys.argv[1]), int(sys.argv[2])
    engine = Engine(None, workers=1)
    try:
        pipeline = load_pipeline(folder / "churn.pipeline.json")
        assert engine.run(pipeline, folder).status == "succeeded"
        model = engine.output("train", "model")
    finally:
        engine.close()
    data = dump_model(model)                 # done by the worker at training time
    store, register = [], []
    with Project.open(folder / "models.mlw", create=True) as project:
        for i in range(repeats):
            run_id = f"model{i}"
            started = time.perf_counter()
            recorder = RunRecorder(project)
            recorder(RunStarted(run_id, pipeline.to_json(), {}, {}, environment(), ["train"]))
            recorder(NodeFinished("train", 1.0, {"model": {"type": "Model",
                                                           "artifact_sha256": sha256_of(data)}},
                                  {}, {"model": data}))
            recorder(RunFinished(run_id, "succeeded", 1.0))
            store.append(time.perf_counter() - started)
            started = time.perf_counter()
            project.registry.register(run_id, "train", "churn")
            register.append(time.perf_counter() - started)
    print(json.dumps({"store": statistics.median(store), "register": statistics.median(register),
                      "bytes": len(data)}))


if __name__ == "__main__":     # the engine starts worker processes (spawn)
    main()
