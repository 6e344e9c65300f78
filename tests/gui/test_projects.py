"""A bundled example from the welcome screen: run it with a responsive window, look at the
result, take a screenshot, save it as a project, close, reopen: same pipeline, same history."""
from __future__ import annotations

import time

from PySide6.QtCore import QSettings, QTimer

from .conftest import process_gone
from .test_main_window import window  # noqa: F401  (fixture)


class Heartbeat:
    """A QTimer every 50 ms recording the largest gap between its ticks."""

    def __init__(self):
        self.largest, self._last = 0.0, None
        self.timer = QTimer(interval=50, timeout=self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.largest = max(self.largest, now - self._last)
        self._last = now

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.stop()


def test_example_run_screenshot_save_and_reopen(window, qtbot, registry, tmp_path,  # noqa: F811
                                                _private_data_dir):
    from designer.gui import files
    from designer.gui.main_window import MainWindow
    # the welcome screen is what a new window shows; an example card opens a runnable copy
    assert window.centre.currentWidget() is window.welcome
    window.welcome.example_buttons["iris-clusters"].click()
    doc = window.document
    assert doc.path == _private_data_dir / "examples" / "iris-clusters.pipeline.json"
    assert (_private_data_dir / "examples" / "iris.csv").exists()   # its data came along
    assert window.centre.currentWidget() is window.view
    # the libraries for showing results load in the background just after start; a run
    # started after that must never stall the window
    from designer.gui.preload import wait_until_loaded
    qtbot.waitUntil(lambda: wait_until_loaded(0), timeout=120_000)
    with Heartbeat() as heartbeat:
        with qtbot.waitSignal(window.runs.controller.finished, timeout=120_000) as blocker:
            assert window.runs.run()
        pids = window.runs.controller.worker_pids()
    result = blocker.args[0]
    assert result.status == "succeeded", result.errors
    assert heartbeat.largest <= 0.2, f"the event loop stalled {heartbeat.largest:.3f} s"
    qtbot.waitUntil(lambda: not window.runs.running)
    assert all(item.state == "done" for item in doc.scene.nodes.values())
    # the run is in the Runs tab, recorded in the project beside the pipeline file
    assert window.runs_panel.model.rowCount() == 1
    assert (_private_data_dir / "examples" / "iris-clusters.mlw").exists()
    # the evaluate node's metrics; the clustered table with its statistics
    doc.scene.select_nodes(["evaluate"])
    values = window.output.metrics.values()
    assert 0.3 < float(values["silhouette"]) <= 1.0
    # a click on the clustering node's "data" output port shows that table
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from .test_canvas import port_pos, vp
    window.view.resetTransform()
    window.view.centerOn(port_pos(doc, "cluster", "data", True))
    QTest.mouseClick(window.view.viewport(), Qt.LeftButton, Qt.NoModifier,
                     vp(window.view, port_pos(doc, "cluster", "data", True)))
    assert doc.scene.last_wire_result == "clicked"
    assert window.output.table.model.rowCount() == 150
    assert "cluster" in [window.output.table.stats.item(r, 0).text()
                         for r in range(window.output.table.stats.rowCount())]
    # a screenshot of the main window after the run
    window.view.fit_view()
    shot = tmp_path / "screenshots" / "designer-after-run.png"
    shot.parent.mkdir()
    assert window.grab().save(str(shot))
    assert shot.stat().st_size > 20_000
    # save as a project: the run history comes along
    project = tmp_path / "clusters-study.mlw"
    assert files._write(window, project)
    saved_json = window.document.pipeline.to_json()
    history = [(r.id, r.status, r.metrics) for r in window.document.link.runs()]
    assert len(history) == 1
    window.close()
    assert all(process_gone(pid) for pid in pids), "a worker process outlived the window"
    # reopen in a new window
    again = MainWindow(registry, QSettings(str(tmp_path / "s2.ini"), QSettings.IniFormat))
    qtbot.addWidget(again)
    try:
        assert again.open_file(project)
        assert again.document.pipeline.to_json() == saved_json
        assert not again.document.modified
        assert [(r.id, r.status, r.metrics) for r in again.document.link.runs()] == history
        assert again.runs_panel.model.rowCount() == 1
        assert "clusters-study.mlw" in again.windowTitle()
    finally:
        again.close()
