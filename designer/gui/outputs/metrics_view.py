"""The metrics viewer: the metrics table and ROC / precision-recall / confusion / residual plots
(pyqtgraph); a second data set (Evaluate Model's data_b) side by side; plots export to PNG."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from .. import theme
from ..style import icon

__all__ = ["MetricsViewer"]

COLOURS = ["#3b82f6", "#f08c2e", "#2fa85a", "#9b51e0", "#e5484d"]
SET_NAMES = ("data", "data_b")
# (x key, y key, x label, y label) of each curve kind the evaluate node produces
CURVE_AXES = {"roc": ("fpr", "tpr", "False positive rate", "True positive rate"),
              "pr": ("recall", "precision", "Recall", "Precision"),
              "residuals": ("predicted", "residual", "Predicted", "Residual (actual − predicted)")}
CURVE_TITLES = {"roc": "ROC", "pr": "Precision-recall", "residuals": "Residuals"}


def _series(kind: str, data) -> dict[str, tuple]:
    """label -> (xs, ys) for one curve entry: either {x, y} itself or {label: {x, y}}."""
    xk, yk = CURVE_AXES.get(kind, ("x", "y", "", ""))[:2]
    if not isinstance(data, dict):
        return {}
    for a, b in ((xk, yk), ("x", "y")):
        if a in data and b in data:
            return {"": (data[a], data[b])}
    out = {}
    for label, curve in data.items():
        if isinstance(curve, dict):
            for a, b in ((xk, yk), ("x", "y")):
                if a in curve and b in curve:
                    out[str(label)] = (curve[a], curve[b])
                    break
    return out


class MetricsViewer(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumWidth(260)
        self.table.setMaximumWidth(400)
        self.plots = QTabWidget()
        self.export_button = QPushButton(icon("mdi6.image-outline"), "Export PNG…")
        self.export_button.setToolTip("Save the plot shown as a PNG image")
        self.export_button.clicked.connect(self._ask_export)
        self.note = QLabel()
        self.note.setProperty("role", "muted")
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.note, 1)
        top.addWidget(self.export_button)
        right.addLayout(top)
        right.addWidget(self.plots, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(right, 1)
        self.metrics = None

    def values(self, which: str = "data") -> dict[str, str]:
        """What the table shows for one data set: metric name -> text (for tests and copy)."""
        column = 1 + SET_NAMES.index(which)
        if column >= self.table.columnCount():
            return {}
        return {self.table.item(r, 0).text(): self.table.item(r, column).text()
                for r in range(self.table.rowCount())}

    def plot_titles(self) -> list[str]:
        return [self.plots.tabText(i) for i in range(self.plots.count())]

    # -- filling ----------------------------------------------------------------------------
    def set_metrics(self, metrics) -> None:
        self.metrics = metrics
        sets = [metrics] + ([metrics.b] if getattr(metrics, "b", None) is not None else [])
        self._fill_table(sets)
        while self.plots.count():
            widget = self.plots.widget(0)
            self.plots.removeTab(0)
            widget.deleteLater()
        kinds = []
        for m in sets:
            kinds += [k for k in (getattr(m, "curves", None) or {}) if k not in kinds]
        for kind in kinds:
            plot = self._curve_plot(kind, [(name, getattr(m, "curves", {}).get(kind))
                                           for name, m in zip(SET_NAMES, sets)], len(sets) > 1)
            if plot is not None:
                self.plots.addTab(plot, CURVE_TITLES.get(kind, kind.replace("_", " ").capitalize()))
        matrices = [((getattr(m, "tables", None) or {}).get("confusion_matrix"), name)
                    for name, m in zip(SET_NAMES, sets)]
        if any(matrix is not None for matrix, _ in matrices):
            self.plots.addTab(self._confusions(matrices, len(sets) > 1), "Confusion matrix")
        task = getattr(metrics, "task", "")
        self.note.setText(f"{task.capitalize()} metrics" + (" — data and data_b side by side"
                                                            if len(sets) > 1 else ""))
        self.export_button.setEnabled(self.plots.count() > 0)

    def _fill_table(self, sets) -> None:
        names = []
        for m in sets:
            names += [k for k in m.values if k not in names]
        self.table.setColumnCount(1 + len(sets))
        self.table.setHorizontalHeaderLabels(["Metric", *(("data", "data_b") if len(sets) > 1
                                                          else ("Value",))])
        self.table.setRowCount(len(names))
        for r, name in enumerate(names):
            self.table.setItem(r, 0, QTableWidgetItem(name))
            for c, m in enumerate(sets, start=1):
                value = m.values.get(name)
                text = "—" if value is None else (f"{value:.4f}" if isinstance(value, float)
                                                  else str(value))
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)

    def _curve_plot(self, kind: str, entries, two: bool):
        plot = pg.PlotWidget(background=theme.current().plot_bg)
        plot.showGrid(x=True, y=True, alpha=0.2)
        plot.addLegend(offset=(-10, 10) if kind == "roc" else (10, 10))
        axes = CURVE_AXES.get(kind)
        if axes:
            plot.setLabel("bottom", axes[2])
            plot.setLabel("left", axes[3])
        scatter = kind.startswith("resid")
        drawn = 0
        for set_index, (set_name, data) in enumerate(entries):
            for label, (xs, ys) in _series(kind, data).items():
                colour = COLOURS[drawn % len(COLOURS)]
                name = " · ".join(p for p in ((set_name if two else ""), label) if p) or set_name
                xs, ys = np.asarray(xs, float), np.asarray(ys, float)
                if scatter:
                    plot.plot(xs, ys, name=name, pen=None, symbol="o", symbolSize=5,
                              symbolPen=None, symbolBrush=pg.mkColor(colour + "b0"))
                else:
                    plot.plot(xs, ys, name=name, pen=pg.mkPen(colour, width=2,
                                                              style=Qt.DashLine if set_index
                                                              else Qt.SolidLine))
                drawn += 1
        if not drawn:
            plot.deleteLater()
            return None
        if kind == "roc":
            plot.plot([0, 1], [0, 1], pen=pg.mkPen("#b8c0cc", style=Qt.DotLine))
        if scatter:
            plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#6b7585", style=Qt.DashLine)))
        return plot

    def _confusions(self, matrices, two: bool) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        for matrix, name in matrices:
            if matrix is not None:
                plot = self._confusion(matrix)
                if two:
                    plot.setTitle(name, size="9pt")
                row.addWidget(plot)
        return box

    def _confusion(self, matrix):
        if isinstance(matrix, dict):
            labels, values = matrix.get("labels", []), matrix.get("matrix", [])
        else:
            labels, values = [], matrix
        values = np.asarray(values, float)
        plot = pg.PlotWidget(background=theme.current().plot_bg)
        image = pg.ImageItem(values.T)
        image.setColorMap(pg.colormap.get("Blues", source="matplotlib")
                          if _has_matplotlib() else pg.colormap.get("viridis"))
        plot.addItem(image)
        plot.invertY(True)
        top = values.max() if values.size else 0
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                text = pg.TextItem(f"{int(values[i, j])}", anchor=(0.5, 0.5),
                                   color="w" if top and values[i, j] > top * 0.6 else "k")
                text.setPos(j + 0.5, i + 0.5)
                plot.addItem(text)
        if labels:
            ticks = [(k + 0.5, str(l)) for k, l in enumerate(labels)]
            plot.getAxis("bottom").setTicks([ticks])
            plot.getAxis("left").setTicks([ticks])
        plot.setLabel("bottom", "Predicted")
        plot.setLabel("left", "Actual")
        return plot

    # -- PNG --------------------------------------------------------------------------------
    def export_png(self, path: str | Path) -> Path:
        """Save the plot tab shown now as a PNG (what is on screen, at screen resolution)."""
        widget = self.plots.currentWidget()
        if widget is None:
            raise ValueError("There is no plot to export.")
        path = Path(path)
        if not widget.grab().save(str(path), "PNG"):
            raise OSError(f"Could not write {path}.")
        return path

    def _ask_export(self) -> None:
        name = self.plots.tabText(self.plots.currentIndex()).lower().replace(" ", "-")
        path, _ = QFileDialog.getSaveFileName(self, "Export plot", f"{name}.png", "PNG (*.png)")
        if path:
            try:
                self.export_png(path)
            except OSError as exc:
                from PySide6.QtWidgets import QMessageBox
                QMessageBox.warning(self, "Cannot export", str(exc))


def _has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
        return True
    except ImportError:
        return False
