"""The Runs tab over a real project file: history, sorting, compare, opening a past run's pipeline
(runs recorded by the store's RunRecorder from engine-shaped events, so no worker is needed)."""
from __future__ import annotations

from PySide6.QtCore import Qt

from designer.engine.events import NodeFinished, RunFinished, RunStarted
from designer.store import Project, RunRecorder

from .conftest import example_pipeline
from .test_main_window import window  # noqa: F401  (fixture)


def _metrics(accuracy: float) -> dict:
    return {"task": "classification", "values": {"accuracy": accuracy, "f1": accuracy - 0.05},
            "curves": {"roc": {"virginica": {"fpr": [0, 0.2, 1], "tpr": [0, 0.9, 1]}}},
            "tables": {"confusion_matrix": {"labels": ["a", "b"], "matrix": [[5, 1], [2, 7]]}}}


def record_run(project, pipeline, run_id: str, accuracy: float, status: str = "succeeded"):
    """Feed a RunRecorder the events a run of `pipeline` produces."""
    recorder = RunRecorder(project)
    doc = pipeline.to_json()
    params = {n.id: dict(n.params) for n in pipeline.nodes}
    recorder(RunStarted(run_id, doc, {}, params, {}, [n.id for n in pipeline.nodes]))
    for node in pipeline.nodes:
        outputs = {"metrics": {"type": "Metrics", "metrics": _metrics(accuracy)}} \
            if node.id == "evaluate" else {"data": {"type": "Table", "rows": 10}}
        recorder(NodeFinished(node.id, 0.5, outputs))
    recorder(RunFinished(run_id, status, 3.0, {"evaluate": _metrics(accuracy)}))


def test_history_compare_and_open_a_past_run(window, qtbot, registry, tmp_path):  # noqa: F811
    pipeline = example_pipeline(registry)
    path = tmp_path / "study.mlw"
    with Project.open(path, create=True) as project:
        project.pipelines.save(pipeline.name, pipeline.to_json())
        record_run(project, pipeline, "run-one", 0.81)
        pipeline.set_param("split", "fraction", 0.6)
        record_run(project, pipeline, "run-two", 0.93)
    assert window.open_file(path)
    panel = window.runs_panel
    model = panel.model
    assert model.rowCount() == 2
    assert [model.numbers[r.id] for r in model.runs] == [2, 1]   # newest first
    headers = model.headers
    assert "accuracy" in headers and "f1" in headers
    # the Parameters column shows what differs between the runs
    assert model.params_text(0) == "split.fraction=0.6"
    # sortable by a metric: ascending accuracy puts run 1 first
    panel.table.sortByColumn(headers.index("accuracy"), Qt.AscendingOrder)
    first = panel.proxy.index(0, 0).data()
    assert first == "1"
    # compare the two runs
    panel.select_runs(["run-one", "run-two"])
    assert panel.compare_button.isEnabled() and not panel.open_button.isEnabled()
    panel.compare_button.click()
    dialog = window.compare_dialog
    qtbot.addWidget(dialog)
    assert [(k, a, b) for k, a, b in dialog.diff.params] == [("split.fraction", 0.8, 0.6)]
    assert dialog.diff.changed_nodes == ["split"]
    metrics = {name: (a, b) for name, a, b in dialog.diff.metrics}
    assert metrics["accuracy"] == (0.81, 0.93)
    assert dialog.viewer_a.values()["accuracy"] == "0.8100"
    assert dialog.viewer_b.values()["accuracy"] == "0.9300"
    assert "ROC" in dialog.viewer_b.plot_titles()
    dialog.close()
    # open run 1's pipeline: an editable copy, unsaved, in the same project
    panel.select_runs(["run-one"])
    panel.open_button.click()
    doc = window.document
    assert doc.pipeline.name == "example (from run 1)"
    assert doc.pipeline.node("split").params["fraction"] == 0.8
    assert doc.modified and doc.path == path
    assert window.runs_panel.model.rowCount() == 2   # the same project's history
    from designer.gui import files
    assert files.save(window)
    with Project.open(path, read_only=True) as project:
        assert project.pipelines.names() == ["example", "example (from run 1)"]
