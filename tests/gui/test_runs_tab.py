"""The Runs tab over a real project file: history, sorting, compare, opening a past run's pipeline
(runs recorded by the store's RunRecorder from engine-shaped events, so no worker is needed)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from designer.engine.events import NodeFinished, RunFinished, RunStarted
from designer.store import NewRun, Project, RunRecorder
from designer.tracking import compare, parse_filter

from .conftest import example_pipeline
from .test_main_window import window  # noqa: F401  (fixture)


def _metrics(accuracy: float) -> dict:
    return {"task": "classification", "values": {"accuracy": accuracy, "f1": accuracy - 0.05},
            "curves": {"roc": {"virginica": {"fpr": [0, 0.2, 1], "tpr": [0, 0.9, 1]}}},
            "tables": {"confusion_matrix": {"labels": ["a", "b"], "matrix": [[5, 1], [2, 7]]}}}


def _cells(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


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
    assert [model.numbers[r] for r in model.run_ids] == [2, 1]   # newest first
    headers = model.headers
    assert "accuracy" in headers and "f1" in headers
    # the Parameters column shows what differs between the runs
    assert model.params_text(0) == "split.fraction=0.6"
    # sortable by a metric (sorted in the project file): ascending accuracy puts run 1 first
    panel.table.sortByColumn(headers.index("accuracy"), Qt.AscendingOrder)
    assert model.index(0, 0).data() == "1"
    assert model.index(0, headers.index("accuracy")).data() == "0.8100"
    # compare the two runs: the dialog shows designer.tracking.compare's comparison
    panel.select_runs(["run-one", "run-two"])
    assert panel.compare_button.isEnabled() and not panel.open_button.isEnabled()
    panel.compare_button.click()
    dialog = window.compare_dialog
    qtbot.addWidget(dialog)
    with Project.open(path, read_only=True) as project:
        expected = compare(project, "run-one", "run-two")
    assert dialog.comparison == expected
    assert _cells(dialog.graph_table) == [["node split", "changed", "fraction: 0.8000 → 0.6000"]]
    accuracy = next(row for row in _cells(dialog.metrics_table) if row[0] == "accuracy")
    assert accuracy == ["accuracy", "0.8100", "0.9300", "+0.1200"]
    assert _cells(dialog.data_table) == [["(same files, same content)", "", ""]]
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


START = datetime(2026, 3, 1, tzinfo=timezone.utc)


def _logged(i: int, accuracy: float, fraction: float, label: str = "species",
            inputs: dict | None = None) -> NewRun:
    return NewRun(f"r{i:05d}", {"name": "study", "nodes": []},
                  params={"split": {"fraction": fraction}, "train": {"label_column": label}},
                  metrics={"evaluate": {"accuracy": accuracy}}, started_at=START + timedelta(
                      seconds=i), seconds=1.0, inputs=inputs or {})


def _open_runs(window, path, runs: list[NewRun]):
    with Project.open(path, create=True) as project:
        project.runs.log_many(runs)
    assert window.open_file(path)
    window.tabs.setCurrentWidget(window.runs_panel)
    return window.runs_panel


def _listed(panel) -> list[str]:
    return list(panel.model.run_ids)


def test_filter_applies_on_enter_and_an_invalid_filter_is_explained(window, tmp_path):  # noqa: F811
    runs = [_logged(i, acc, frac, label) for i, (acc, frac, label) in enumerate(
        [(0.95, 0.8, "species"), (0.70, 0.8, "species"), (0.92, 0.6, "target"),
         (0.99, 0.6, "species")])]
    panel = _open_runs(window, tmp_path / "f.mlw", runs)
    assert _listed(panel) == ["r00003", "r00002", "r00001", "r00000"]
    text = 'metrics.accuracy > 0.9 and params.train.label_column = "species"'
    panel.filter_edit.setText(text)
    assert len(_listed(panel)) == 4                  # typing alone does not filter
    QTest.keyClick(panel.filter_edit, Qt.Key_Return)
    assert _listed(panel) == ["r00003", "r00000"]
    assert panel.caption.text().startswith("2 of 4 run(s)")
    assert not panel.filter_error.isVisible()
    # an expression the language cannot read: the parser's message, inline; rows stay
    bad = "metrics.accuracy > and status"
    with pytest.raises(ValueError) as parser:
        parse_filter(bad)
    panel.filter_edit.setText(bad)
    QTest.keyClick(panel.filter_edit, Qt.Key_Return)
    assert panel.filter_error.isVisible() and panel.filter_error.text() == str(parser.value)
    assert "position 20" in panel.filter_error.text()
    assert _listed(panel) == ["r00003", "r00000"]
    # sorting still works on the filtered rows; clearing lists every run again
    panel.filter_edit.setText("metrics.accuracy > 0.9")
    QTest.keyClick(panel.filter_edit, Qt.Key_Return)
    panel.table.sortByColumn(panel.model.headers.index("accuracy"), Qt.DescendingOrder)
    assert _listed(panel) == ["r00003", "r00000", "r00002"]
    panel.filter_edit.clear()
    assert sorted(_listed(panel)) == ["r00000", "r00001", "r00002", "r00003"]
    assert not panel.filter_error.isVisible()


def test_many_runs_are_read_a_page_at_a_time(window, tmp_path):  # noqa: F811
    from designer.gui.runs_panel import PAGE
    runs = [_logged(i, (i % 97) / 97, 0.5 + (i % 3) / 10) for i in range(2500)]
    panel = _open_runs(window, tmp_path / "many.mlw", runs)
    model = panel.model
    assert model.rowCount() == 2500
    assert len(model._rows) <= PAGE                  # only what the view has shown
    last = model.index(2499, model.headers.index("accuracy")).data()
    assert last == f"{runs[0].metrics['evaluate']['accuracy']:.4f}"    # the oldest run
    assert model.index(2499, 0).data() == "1"
    assert len(model._rows) <= 2 * PAGE


def test_charts_plot_one_point_per_run_and_a_click_selects_it(window, qtbot, tmp_path):  # noqa: F811
    runs = [_logged(i, acc, frac) for i, (acc, frac) in enumerate(
        [(0.81, 0.6), (0.86, 0.7), (0.93, 0.8), (0.90, 0.9)])]
    panel = _open_runs(window, tmp_path / "c.mlw", runs)
    panel.charts_button.click()
    charts = panel.charts
    qtbot.addWidget(charts)
    charts.metric_combo.setCurrentText("accuracy")
    numbers = {r.id: panel.number(r.id) for r in runs}
    accuracy = {r.id: r.metrics["evaluate"]["accuracy"] for r in runs}
    x, y = charts.points.getData()
    assert sorted(zip(x, y)) == sorted((numbers[r], accuracy[r]) for r in accuracy)
    assert sorted(zip(charts.run_ids, charts.ys)) == sorted(accuracy.items())
    # a parameter against the metric
    charts.kind.setCurrentText("A parameter against a metric")
    assert charts.param_combo.currentText() == "split.fraction"
    x, y = charts.points.getData()
    assert sorted(zip(x, y)) == sorted((r.params["split"]["fraction"],
                                        r.metrics["evaluate"]["accuracy"]) for r in runs)
    # a click on the point of run r00002 (0.8, 0.93) selects that run in the table
    charts.show()
    qtbot.waitExposed(charts)
    view = charts.plot.getPlotItem().vb
    where = charts.plot.mapFromScene(view.mapViewToScene(QPointF(0.8, 0.93)))
    QTest.mouseClick(charts.plot.viewport(), Qt.LeftButton, pos=where)
    assert panel.selected_ids() == ["r00002"]
    # the charts follow the Runs tab's filter
    panel.set_filter("metrics.accuracy >= 0.9")
    assert sorted(charts.run_ids) == ["r00002", "r00003"]


def test_data_asset_shows_the_runs_that_used_it(window, qtbot, tmp_path):  # noqa: F811
    data = tmp_path / "iris.csv"
    data.write_text("a,b\n1,2\n3,4\n")
    sha = hashlib.sha256(data.read_bytes()).hexdigest()
    other = hashlib.sha256(b"something else").hexdigest()
    runs = [_logged(0, 0.8, 0.7, inputs={"load": {str(data): sha}}),
            _logged(1, 0.9, 0.7, inputs={"load": {"/elsewhere/other.csv": other}}),
            _logged(2, 0.7, 0.7, inputs={"load": {"/copied/iris.csv": sha}})]
    path = tmp_path / "a.mlw"
    with Project.open(path, create=True) as project:
        project.assets.add("iris", data)
    panel = _open_runs(window, path, runs)
    expected = [u.run_id for u in panel.project().assets.runs_using("iris")]
    panel.assets_button.click()
    assets = panel.assets
    qtbot.addWidget(assets)
    assert _cells(assets.assets_table) == [["iris", "1", "1", "2", "2", str(data)]]
    assets.runs_button.click()
    assert panel.filter_edit.text() == 'asset = "iris"'
    assert _listed(panel) == expected == ["r00002", "r00000"]
    assets.versions_table.selectRow(0)
    assets.runs_button.click()
    assert panel.filter_edit.text() == 'asset = "iris:1"'
    assert _listed(panel) == expected
