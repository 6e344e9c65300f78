"""Charts across the runs the Runs tab lists (pyqtgraph, imported only when a chart is shown):
a metric over runs (run number on x), or a parameter against a metric; clicking a point selects
that run in the table."""
from __future__ import annotations

import math

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout

__all__ = ["RunChartsDialog", "OVER_RUNS", "AGAINST"]

OVER_RUNS, AGAINST = "A metric over runs", "A parameter against a metric"
POINT_COLOUR, SELECTED_COLOUR = "#3b82f6", "#f08c2e"


def _number(value) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
        return float(value)
    return None


class RunChartsDialog(QDialog):
    """Follows the Runs tab: its filter decides which runs are plotted."""

    def __init__(self, panel, parent=None):
        super().__init__(parent)
        import pyqtgraph as pg  # lazily: start-up never pays for it
        from .theme import style_plots
        self.panel = panel
        self.setWindowTitle("Charts across runs — MLWire")
        self.kind = QComboBox()
        self.kind.addItems([OVER_RUNS, AGAINST])
        self.metric_combo = QComboBox()
        self.param_combo = QComboBox()
        self.param_combo.setToolTip("Parameters whose value differs between the runs listed")
        form = QFormLayout()
        form.addRow("Chart", self.kind)
        form.addRow("Metric (y)", self.metric_combo)
        form.addRow("Parameter (x)", self.param_combo)
        self.form = form
        self.caption = QLabel()
        self.caption.setProperty("role", "muted")
        self.caption.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        for side in ("left", "bottom"):     # values as they are, not rescaled as "x0.001"
            self.plot.getPlotItem().getAxis(side).enableAutoSIPrefix(False)
        self.points = pg.ScatterPlotItem(size=9, pen=None, brush=pg.mkBrush(POINT_COLOUR),
                                         hoverable=True, tip=None)
        self.selected = pg.ScatterPlotItem(size=15, brush=None,
                                           pen=pg.mkPen(SELECTED_COLOUR, width=2))
        self.plot.addItem(self.points)
        self.plot.addItem(self.selected)
        self.points.sigClicked.connect(self._clicked)
        style_plots([self.plot])
        top = QHBoxLayout()
        top.addLayout(form)
        top.addWidget(self.caption, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        self.kind.currentTextChanged.connect(self._kind_changed)
        self.metric_combo.currentTextChanged.connect(lambda _t: self.draw())
        self.param_combo.currentTextChanged.connect(lambda _t: self.draw())
        self.run_ids: list[str] = []
        self.xs: list[float] = []
        self.ys: list[float] = []
        self.resize(820, 540)
        self._kind_changed(self.kind.currentText())

    # -- filling ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Refill the choices from the runs listed (keeping the chosen ones) and redraw."""
        from designer.tracking.series import metric_names
        model = self.panel.model
        project = model.project
        metric, param = self.metric_combo.currentText(), self.param_combo.currentText()
        names = metric_names(project) if project is not None else []
        params = [p for p in model.varied if not p.startswith("$")]
        for combo, items, keep in ((self.metric_combo, names, metric), (self.param_combo, params, param)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(items)
            preferred = keep if keep in items else next(
                (m for m in model.metric_columns if m in items), None)
            if preferred:
                combo.setCurrentText(preferred)
            combo.blockSignals(False)
        self.draw()

    def _kind_changed(self, kind: str) -> None:
        against = kind == AGAINST
        self.form.setRowVisible(self.param_combo, against)
        self.draw()

    def draw(self) -> None:
        """Plot the chosen chart for the runs the Runs tab lists (one point per run that has
        the values)."""
        from designer.tracking.series import field_values
        model = self.panel.model
        metric, param = self.metric_combo.currentText(), self.param_combo.currentText()
        against = self.kind.currentText() == AGAINST
        self.run_ids, self.xs, self.ys = [], [], []
        self.categories: list[str] = []
        if model.project is None or not metric or (against and not param):
            self._show(metric, param, against, "Choose a metric" + (" and a parameter"
                                                                    if against else "") + ".")
            return
        fields = [f"metrics.{metric}"] + ([f"params.{param}"] if against else [])
        rows = field_values(model.project, fields, model.filter_text)
        raw_x = [row[2] for row in rows] if against else None
        if against and any(_number(v) is None and v is not None for v in raw_x):
            # text parameters (a column name, a strategy): one x position per value
            self.categories = sorted({str(v) for v in raw_x if v is not None})
        for i, row in enumerate(rows):
            y = _number(row[1])
            if against:
                value = raw_x[i]
                x = (float(self.categories.index(str(value))) if value is not None else None) \
                    if self.categories else _number(value)
            else:
                x = float(model.numbers.get(row[0], 0))
            if x is None or y is None:
                continue
            self.run_ids.append(row[0])
            self.xs.append(x)
            self.ys.append(y)
        missing = len(rows) - len(self.run_ids)
        self._show(metric, param, against,
                   f"{len(self.run_ids)} run(s) plotted" + (f"; {missing} without the values "
                                                            "left out" if missing else "")
                   + ". Click a point to select its run in the Runs tab.")

    def _show(self, metric: str, param: str, against: bool, caption: str) -> None:
        self.points.setData(self.xs, self.ys, data=self.run_ids)
        self.selected.setData([], [])
        item = self.plot.getPlotItem()
        item.setLabel("left", metric or "")
        item.setLabel("bottom", param if against else "run number")
        bottom = item.getAxis("bottom")
        bottom.setTicks([list(enumerate(self.categories))] if self.categories else None)
        item.setTitle(f"{metric} against {param}" if against and param and metric else
                      f"{metric} over runs" if metric else "", size="10pt")
        self.plot.autoRange()
        self.caption.setText(caption)

    # -- clicking -----------------------------------------------------------------------------
    def _clicked(self, _item, points, *_args) -> None:
        if len(points):
            self.select(points[0].data())

    def select(self, run_id: str) -> None:
        """Select the run in the Runs tab and ring its point."""
        self.panel.select_runs([run_id])
        i = self.run_ids.index(run_id) if run_id in self.run_ids else None
        self.selected.setData([] if i is None else [self.xs[i]],
                              [] if i is None else [self.ys[i]])
