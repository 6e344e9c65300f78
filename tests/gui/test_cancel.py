"""Cancel during a long-running node: the node shows cancelled within 2 s, the run is recorded as
cancelled, and none of the engine's worker processes is left behind."""
from __future__ import annotations

import time

from designer.model import Edge, Node, Pipeline

from .conftest import process_gone
from .test_main_window import window  # noqa: F401  (fixture)


def long_pipeline(registry) -> Pipeline:
    p = Pipeline("long", registry=registry)
    p.add_node(Node("data", "sample_dataset", {"name": "iris"}, (0, 0)))
    p.add_node(Node("gbt", "boosted_trees_classifier",
                    {"max_iter": 1_000_000, "early_stopping": False, "learning_rate": 0.001},
                    (300, 0)))
    p.add_node(Node("train", "train_model", {"label_column": "target"}, (150, 200)))
    p.connect(Edge("data", "data", "train", "data"))
    p.connect(Edge("gbt", "learner", "train", "learner"))
    return p


def test_cancel_stops_a_long_node_within_two_seconds(window, qtbot, registry,  # noqa: F811
                                                     tmp_path):
    from designer.gui.document import Document
    doc = Document(long_pipeline(registry), tmp_path / "long.pipeline.json")
    window.set_document(doc)
    train = doc.scene.nodes["train"]
    assert window.runs.run()
    qtbot.waitUntil(lambda: train.state == "running", timeout=60_000)
    qtbot.wait(300)      # well inside the fit
    pids = window.runs.controller.worker_pids()
    assert pids
    started = time.perf_counter()
    with qtbot.waitSignal(window.runs.controller.finished, timeout=10_000) as blocker:
        window.actions_["cancel"].trigger()
        qtbot.waitUntil(lambda: train.state == "cancelled", timeout=2_000)
    assert time.perf_counter() - started < 2.0
    assert blocker.args[0].status == "cancelled"
    qtbot.waitUntil(lambda: not window.runs.running)
    assert all(process_gone(pid) for pid in pids), "a cancelled worker is still running"
    assert window.actions_["run"].isEnabled() and not window.actions_["cancel"].isEnabled()
    runs = doc.link.runs()
    assert [r.status for r in runs] == ["cancelled"]
    assert window.runs_panel.model.data(window.runs_panel.model.index(0, 1)) == "cancelled"
