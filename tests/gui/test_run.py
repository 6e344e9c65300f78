"""Running from the window: live node states, a responsive event loop, outputs in the Output tab."""
from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from designer.model import Pipeline

from .conftest import example_pipeline
from .test_main_window import window  # noqa: F401  (fixture)


def test_run_shows_states_and_metrics(window, qtbot, registry, tmp_path):  # noqa: F811
    from designer.gui.document import Document
    doc = Document(example_pipeline(registry), tmp_path / "example.pipeline.json")
    window.set_document(doc)
    gaps, last = [], [time.perf_counter()]

    def beat():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
    heartbeat = QTimer(interval=50, timeout=beat)
    heartbeat.start()
    with qtbot.waitSignal(window.runs.controller.finished, timeout=90_000) as blocker:
        assert window.runs.run()
        assert not window.actions_["run"].isEnabled() and window.actions_["cancel"].isEnabled()
    heartbeat.stop()
    result = blocker.args[0]
    assert result.status == "succeeded", result.errors
    qtbot.waitUntil(lambda: not window.runs.running)
    for node_id, item in doc.scene.nodes.items():
        assert item.state in ("done", "cached"), (node_id, item.state)
    assert max(gaps[1:], default=0) < 0.5  # the window kept painting during the run
    # row counts on wires
    labels = [e.label for e in doc.scene.edges.values() if e.label]
    assert any("rows" in label for label in labels)
    # the evaluate node's metrics in the Output tab
    doc.scene.select_nodes(["evaluate"])
    values = window.output.metrics.values()
    assert "accuracy" in values and 0.5 < float(values["accuracy"]) <= 1.0
    # a table output: the split's train rows with column statistics
    doc.scene.select_nodes(["split"])
    assert window.output.table.model.rowCount() == 120  # 80% of iris
    assert window.output.table.stats.rowCount() == 5
    assert window.actions_["run"].isEnabled()
