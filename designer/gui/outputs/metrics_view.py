"""The metrics viewer: the metrics table and ROC / precision-recall / confusion / residual plots."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHeaderView, QHBoxLayout, QTableWidget, QTableWidgetItem,
                               QTabWidget, QWidget)

__all__ = ["MetricsViewer"]


class MetricsViewer(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Metric", "Value"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.setMaximumWidth(360)
        self.plots = QTabWidget()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.plots, 1)

    def values(self) -> dict[str, str]:
        """What the table shows: metric name -> text (for tests and copy)."""
        return {self.table.item(r, 0).text(): self.table.item(r, 1).text()
                for r in range(self.table.rowCount())}

    def set_metrics(self, metrics) -> None:
        flat = metrics.flat() if hasattr(metrics, "flat") else dict(metrics)
        self.table.setRowCount(len(flat))
        for r, (name, value) in enumerate(flat.items()):
            self.table.setItem(r, 0, QTableWidgetItem(name))
            text = f"{value:.4f}" if isinstance(value, float) else str(value)
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.table.setItem(r, 1, item)
        while self.plots.count():
            widget = self.plots.widget(0)
            self.plots.removeTab(0)
            widget.deleteLater()
        curves = getattr(metrics, "curves", {}) or {}
        tables = getattr(metrics, "tables", {}) or {}
        for name, data in curves.items():
            plot = self._curve_plot(name, data)
            if plot is not None:
                self.plots.addTab(plot, name.replace("_", " ").upper() if len(name) <= 3
                                  else name.replace("_", " ").capitalize())
        matrix = tables.get("confusion_matrix")
        if matrix is not None:
            self.plots.addTab(self._confusion(matrix), "Confusion matrix")

    def _curve_plot(self, name: str, data):
        plot = pg.PlotWidget(background="w")
        plot.showGrid(x=True, y=True, alpha=0.2)
        plot.addLegend()
        series = data if isinstance(data, dict) else {}
        if "x" in series and "y" in series:
            series = {name: series}
        colours = ["#3b82f6", "#f08c2e", "#2fa85a", "#9b51e0", "#e5484d"]
        drawn = 0
        for i, (label, curve) in enumerate(series.items()):
            if not isinstance(curve, dict):
                continue
            xs = curve.get("x") or curve.get("fpr") or curve.get("recall") or curve.get("predicted")
            ys = curve.get("y") or curve.get("tpr") or curve.get("precision") or curve.get("residual")
            if xs is None or ys is None:
                continue
            scatter = "resid" in name
            plot.plot(np.asarray(xs, float), np.asarray(ys, float), name=str(label),
                      pen=None if scatter else pg.mkPen(colours[i % 5], width=2),
                      symbol="o" if scatter else None, symbolSize=4,
                      symbolBrush=colours[i % 5] if scatter else None)
            drawn += 1
        return plot if drawn else None

    def _confusion(self, matrix):
        if isinstance(matrix, dict):
            labels, values = matrix.get("labels", []), matrix.get("matrix", [])
        else:
            labels, values = [], matrix
        values = np.asarray(values, float)
        plot = pg.PlotWidget(background="w")
        image = pg.ImageItem(values.T)
        image.setColorMap(pg.colormap.get("Blues", source="matplotlib")
                          if _has_matplotlib() else pg.colormap.get("viridis"))
        plot.addItem(image)
        plot.invertY(True)
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                text = pg.TextItem(f"{int(values[i, j])}", color="k", anchor=(0.5, 0.5))
                text.setPos(j + 0.5, i + 0.5)
                plot.addItem(text)
        if labels:
            ticks = [(k + 0.5, str(l)) for k, l in enumerate(labels)]
            plot.getAxis("bottom").setTicks([ticks])
            plot.getAxis("left").setTicks([ticks])
        plot.setLabel("bottom", "Predicted")
        plot.setLabel("left", "Actual")
        return plot


def _has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
        return True
    except ImportError:
        return False
