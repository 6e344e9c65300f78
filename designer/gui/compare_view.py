"""Two runs side by side, from designer.tracking.compare (the same comparison as `mlwire
compare`): metric deltas, parameter diff, graph diff, changed data, environment, and both runs'
evaluation plots next to each other."""
from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView,
                               QLabel, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from designer.tracking.compare import RunComparison, compare_runs

from .outputs.metrics_view import MetricsViewer

__all__ = ["CompareDialog", "graph_rows"]

CHANGE_COLOURS = {"added": "#2fa85a", "removed": "#e5484d", "changed": "#e8a317"}


def _text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.4f}"
    if isinstance(value, str):
        return value
    return repr(value)


def _table(headers: list[str], rows: list[list], colours: list[str] | None = None,
           empty: str = "(no differences)") -> QTableWidget:
    rows = rows or [[empty] + [""] * (len(headers) - 1)]
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
            item = QTableWidgetItem(value if isinstance(value, str) else _text(value))
            item.setToolTip(_text(value))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            if colours and colours[r] and c == 1:
                item.setForeground(QColor(colours[r]))
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


def _delta(value: float | None) -> str:
    return "—" if value is None else f"{value:+.4f}"


def graph_rows(c: RunComparison) -> list[tuple[str, str, str]]:
    """(what, change, detail) rows of the graph diff, as the Graph table shows them."""
    g = c.graph
    rows = [(f"node {n}", "added", t) for n, t in g.nodes_added]
    rows += [(f"node {n}", "removed", t) for n, t in g.nodes_removed]
    for ch in g.nodes_changed:
        details = [f"{p.name}: {_text(p.before)} → {_text(p.after)}" for p in ch.params]
        if ch.type_before != ch.type_after:
            details.insert(0, f"type {ch.type_before} → {ch.type_after}")
        if ch.comment_before != ch.comment_after:
            details.append("comment changed")
        rows.append((f"node {ch.node_id}", "changed", "; ".join(details)))
    rows += [(f"edge {e}", "added", "") for e in g.edges_added]
    rows += [(f"edge {e}", "removed", "") for e in g.edges_removed]
    rows += [(f"pipeline parameter {p.name}", "changed", f"{_text(p.before)} → {_text(p.after)}")
             for p in g.parameters]
    return rows


class CompareDialog(QDialog):
    def __init__(self, project, run_a: str, run_b: str, numbers: dict[str, int], parent=None):
        super().__init__(parent)
        self.a, self.b = project.runs.get(run_a), project.runs.get(run_b)
        na, nb = numbers.get(run_a, run_a), numbers.get(run_b, run_b)
        self.label_a, self.label_b = f"Run {na}", f"Run {nb}"
        self.setWindowTitle(f"Compare run {na} and run {nb} — MLWire")
        self.comparison = compare_runs(self.a, self.b)
        c = self.comparison
        tabs = QTabWidget()
        tabs.addTab(self._summary(), "Metrics and parameters")
        tabs.addTab(self._graph(), f"Graph ({len(graph_rows(c))} change(s))")
        tabs.addTab(self._data(), "Data and environment")
        self.plots = self._plots(project)
        if self.plots is not None:
            tabs.addTab(self.plots, "Evaluation side by side")
        self.tabs = tabs
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        changed = len([m for m in c.metrics if m.changed])
        head = QLabel(f"<b>{self.label_a}</b> ({self.a.pipeline_name}, {self.a.status}) → "
                      f"<b>{self.label_b}</b> ({self.b.pipeline_name}, {self.b.status}): "
                      f"{len(c.params)} parameter(s), {len(graph_rows(c))} graph change(s), "
                      f"{changed} metric(s) and {len(c.data)} input file(s) differ. "
                      "Changes read from A to B, the same as <tt>mlwire compare</tt>.")
        head.setWordWrap(True)
        layout.addWidget(head)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)
        self.resize(1100, 680)

    def _summary(self) -> QWidget:
        c = self.comparison
        single = len({m.node_id for m in c.metrics}) == 1
        self.metrics_table = _table(
            ["Metric", self.label_a, self.label_b, "Change (B − A)"],
            [[m.name if single else f"{m.node_id}.{m.name}", m.a, m.b, _delta(m.delta)]
             for m in c.metrics], empty="(no metrics)")
        self.params_table = _table(["Parameter", self.label_a, self.label_b],
                                   [[f"{p.node_id}.{p.name}", p.before, p.after]
                                    for p in c.params])
        split = QSplitter(Qt.Horizontal)
        split.addWidget(_titled("Metrics", self.metrics_table))
        split.addWidget(_titled("Parameters that differ (nodes in both runs)", self.params_table))
        split.setSizes([560, 500])
        return split

    def _graph(self) -> QWidget:
        rows = graph_rows(self.comparison)
        self.graph_table = _table(["Node or edge", "Change", "Details"],
                                  [list(r) for r in rows],
                                  [CHANGE_COLOURS.get(r[1], "") for r in rows],
                                  empty="(the same graph)")
        return _titled("Nodes added, removed or changed, and edges", self.graph_table)

    def _data(self) -> QWidget:
        c = self.comparison

        def files(found: dict[str, str]) -> str:
            return ", ".join(f"{path} (sha256 {sha[:12]})" for path, sha in found.items()) \
                or "(none)"
        self.data_table = _table(["Node", self.label_a, self.label_b],
                                 [[d.node_id, files(d.a), files(d.b)] for d in c.data],
                                 empty="(same files, same content)")
        self.environment_table = _table(["Environment", self.label_a, self.label_b],
                                        [[e.name, e.before, e.after] for e in c.environment],
                                        empty="(same environment)")
        split = QSplitter(Qt.Vertical)
        split.addWidget(_titled("Input data whose fingerprint changed", self.data_table))
        split.addWidget(_titled("Environment", self.environment_table))
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
