"""Two runs side by side: the parameters that differ, the metrics with their change, which nodes
changed, and both runs' evaluation plots next to each other."""
from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView,
                               QLabel, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from .outputs.metrics_view import MetricsViewer
from .run_compare import RunDiff, compare_runs

__all__ = ["CompareDialog"]

CHANGE_COLOURS = {"added": "#2fa85a", "removed": "#e5484d", "parameters changed": "#e8a317",
                  "type changed": "#e5484d", "rewired": "#e8a317"}


def _text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.4f}"
    return str(value)


def _table(headers: list[str], rows: list[list], colours: dict[int, str] | None = None):
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.NoEditTriggers)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.Stretch)
    header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = _text(value)
            if c == 3 and isinstance(value, float) and not math.isnan(value):
                text = f"{value:+.4f}"      # the change column
            item = QTableWidgetItem(text)
            item.setToolTip(_text(value))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            colour = (colours or {}).get(r)
            if c == 1 and colours is not None:
                item.setForeground(QColor(colour or "#8a93a3"))
            table.setItem(r, c, item)
    return table


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 0)
    label = QLabel(title)
    label.setProperty("role", "heading")
    layout.addWidget(label)
    layout.addWidget(widget, 1)
    return box


class CompareDialog(QDialog):
    def __init__(self, project, run_a: str, run_b: str, numbers: dict[str, int], parent=None):
        super().__init__(parent)
        self.a, self.b = project.runs.get(run_a), project.runs.get(run_b)
        na, nb = numbers.get(run_a, run_a), numbers.get(run_b, run_b)
        self.label_a, self.label_b = f"Run {na}", f"Run {nb}"
        self.setWindowTitle(f"Compare run {na} and run {nb} — MLWire")
        self.diff: RunDiff = compare_runs(self.a, self.b)
        tabs = QTabWidget()
        tabs.addTab(self._summary(), "Parameters, metrics and nodes")
        self.plots = self._plots(project)
        if self.plots is not None:
            tabs.addTab(self.plots, "Evaluation side by side")
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        head = QLabel(f"<b>{self.label_a}</b> ({self.a.pipeline_name}, {self.a.status}) ⟷ "
                      f"<b>{self.label_b}</b> ({self.b.pipeline_name}, {self.b.status}) — "
                      f"{len(self.diff.params)} parameter(s) and "
                      f"{len(self.diff.changed_nodes)} node(s) changed")
        layout.addWidget(head)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)
        self.resize(1100, 680)

    def _summary(self) -> QWidget:
        d = self.diff
        params = _table(["Parameter", self.label_a, self.label_b],
                        [[k, a, b] for k, a, b in d.params] or [["(no differences)", "", ""]])
        rows = []
        for name, a, b in d.metrics:
            delta = (b - a) if isinstance(a, float) and isinstance(b, float) else None
            rows.append([name, a, b, delta])
        metrics = _table(["Metric", self.label_a, self.label_b, "Change"], rows)
        nodes = _table(["Node", "Change", f"{self.label_a} state", f"{self.label_b} state"],
                       [list(n) for n in d.nodes],
                       {i: CHANGE_COLOURS.get(n[1], "") for i, n in enumerate(d.nodes)})
        self.params_table, self.metrics_table, self.nodes_table = params, metrics, nodes
        left = QSplitter(Qt.Vertical)
        left.addWidget(_titled("Parameters that differ", params))
        left.addWidget(_titled("Metrics", metrics))
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(_titled("Nodes", nodes))
        split.setSizes([620, 440])
        return split

    def _plots(self, project) -> QWidget | None:
        from nodes.values import Metrics
        details_a = project.runs.metric_details(self.a.id)
        details_b = project.runs.metric_details(self.b.id)
        common = [n for n in details_a if n in details_b]
        if not common:
            return None
        page = QWidget()
        layout = QVBoxLayout(page)
        chooser = QComboBox()
        chooser.addItems(common)
        chooser.setVisible(len(common) > 1)
        self.viewer_a, self.viewer_b = MetricsViewer(), MetricsViewer()
        row = QHBoxLayout()
        for label, viewer in ((self.label_a, self.viewer_a), (self.label_b, self.viewer_b)):
            row.addWidget(_titled(label, viewer), 1)
        layout.addWidget(chooser)
        layout.addLayout(row, 1)

        def show(node_id: str) -> None:
            self.viewer_a.set_metrics(Metrics.from_json(details_a[node_id].to_json()))
            self.viewer_b.set_metrics(Metrics.from_json(details_b[node_id].to_json()))
        chooser.currentTextChanged.connect(show)
        show(common[0])
        return page
