"""Writes fixtures/schema-0002.mlw; it was run ONCE with the code of schema revision 0002
(`git archive db27d92 | tar -x -C OLD && cd OLD && python tests/store/make_fixture_0002.py OUT`).

Contents: pipelines 'iris-species' (store_events.PIPELINE) and 'iris-tiny' (store_models.TINY);
runs a1b2c3d4e5f6 (succeeded, accuracy 0.9333, tag stage=dev, notes 'baseline'), f00dfeed0001
(failed) and m0de1000beef (with a model file, accuracy 0.9); the registered model 'iris' version 1
from m0de1000beef's train node with alias 'champion'; the data asset 'flowers' (one version).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from designer.store import Project, RunRecorder          # noqa: E402
from store_events import PIPELINE, failed_run, succeeded_run   # noqa: E402
from store_models import TINY, model_bytes, run_with_model     # noqa: E402


def main(target: str) -> None:
    path = Path(target)
    csv = path.with_name("flowers.csv")
    csv.write_text("sepal,petal,species\n5.1,1.4,setosa\n6.2,4.5,versicolor\n")
    with Project.open(path, create=True) as project:
        project.pipelines.save("iris-species", PIPELINE)
        project.pipelines.save("iris-tiny", TINY)
        recorder = RunRecorder(project)
        for event in (succeeded_run() + failed_run()
                      + run_with_model("m0de1000beef", model_bytes(), accuracy=0.9)):
            recorder(event)
        project.runs.set_tag("a1b2c3d4e5f6", "stage", "dev")
        project.runs.set_notes("a1b2c3d4e5f6", "baseline")
        project.registry.register("m0de1000beef", "train", "iris")
        project.registry.set_alias("iris", "champion", 1)
        project.assets.add("flowers", csv)
    csv.unlink()


if __name__ == "__main__":
    main(sys.argv[1])
