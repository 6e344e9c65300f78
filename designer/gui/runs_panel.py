"""The Runs tab: the project's run history (a sortable, virtualised table), opening a past run's
pipeline, and comparing two runs."""
from __future__ import annotations

import math

from PySide6.QtCore import (QAbstractTableModel, QItemSelectionModel, QModelIndex,
                            QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from .run_compare import KEY_METRICS, flat_metrics, run_params, varied_params
from .style import STATE_COLOURS, icon

__all__ = ["RunsModel", "RunsPanel"]

RUN_STATUS_COLOURS = {"succeeded": STATE_COLOURS["done"], "failed": STATE_COLOURS["failed"],
                      "cancelled": STATE_COLOURS["cancelled"], "running": STATE_COLOURS["running"],
                      "interrupted": STATE_COLOURS["cancelled"]}
MAX_METRIC_COLUMNS = 4


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds:.1f} s" if seconds < 60 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


class RunsModel(QAbstractTableModel):
    """One row per run, newest first; sort values in Qt.UserRole."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.runs: list = []
        self.numbers: dict[str, int] = {}
        self.metric_columns: list[str] = []
        self.varied: list[str] = []
        self._metrics: list[dict] = []
        self._params: list[dict] = []

    def set_runs(self, runs: list) -> None:
        self.beginResetModel()
        self.runs = list(runs)
        # Run N counts from the oldest run of the project.
        self.numbers = {r.id: len(self.runs) - i for i, r in enumerate(self.runs)}
        self._metrics = [flat_metrics(r) for r in self.runs]
        self._params = [run_params(r) for r in self.runs]
        self.varied = varied_params(self.runs) if len(self.runs) > 1 else []
        names = {k for m in self._metrics for k in m}
        keyed = [k for key in KEY_METRICS for k in sorted(names)
                 if k == key or k.endswith("." + key)]
        self.metric_columns = keyed[:MAX_METRIC_COLUMNS]
        self.endResetModel()

    @property
    def headers(self) -> list[str]:
        return ["Run", "Status", "Started", "Duration", "Pipeline", "Parameters",
                *self.metric_columns]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.runs)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.headers[section]
        if orientation == Qt.Horizontal and role == Qt.ToolTipRole and section == 5:
            return "The parameters that differ between the runs listed here"
        return None

    def params_text(self, row: int) -> str:
        params = self._params[row]
        shown = self.varied or [k for k in params if k.startswith("$")]
        return ", ".join(f"{k}={_short(params.get(k, '—'))}" for k in shown)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        run, col = self.runs[index.row()], index.column()
        if role in (Qt.DisplayRole, Qt.UserRole, Qt.ToolTipRole):
            if col == 0:
                n = self.numbers[run.id]
                return n if role == Qt.UserRole else (f"{n}" if role == Qt.DisplayRole
                                                       else f"Run {n} (id {run.id})")
            if col == 1:
                return run.status if role != Qt.ToolTipRole else (run.error or run.status)
            if col == 2:
                local = run.started_at.astimezone() if run.started_at.tzinfo else run.started_at
                return run.started_at.timestamp() if role == Qt.UserRole \
                    else local.strftime("%Y-%m-%d %H:%M:%S")
            if col == 3:
                return (run.seconds or 0.0) if role == Qt.UserRole else _duration(run.seconds)
            if col == 4:
                return run.pipeline_name
            if col == 5:
                return self.params_text(index.row())
            value = self._metrics[index.row()].get(self.metric_columns[col - 6])
            if role == Qt.UserRole:
                return -math.inf if value is None or math.isnan(value) else value
            return "—" if value is None or math.isnan(value) else f"{value:.4f}"
        if role == Qt.ForegroundRole and col == 1:
            return QColor(RUN_STATUS_COLOURS.get(run.status, "#3b4452"))
        if role == Qt.TextAlignmentRole and (col in (0, 3) or col >= 6):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


class RunsPanel(QWidget):
    open_requested = Signal(str)              # run id: open its pipeline
    compare_requested = Signal(str, str)      # run ids, older first

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = RunsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.UserRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        self.caption = QLabel()
        self.caption.setProperty("role", "muted")
        self.open_button = QPushButton(icon("mdi6.file-restore-outline"), "Open pipeline")
        self.open_button.setToolTip("Open the pipeline exactly as this run ran it, as a new "
                                    "editable pipeline")
        self.compare_button = QPushButton(icon("mdi6.compare-horizontal"), "Compare")
        self.compare_button.setToolTip("Select two runs (Ctrl+click) to compare parameters, "
                                       "metrics and nodes side by side")
        self.open_button.clicked.connect(self._open)
        self.compare_button.clicked.connect(self._compare)
        self.table.doubleClicked.connect(lambda _index: self._open())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.open_button)
        bar.addWidget(self.compare_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.link = None
        self._update_buttons()

    def set_link(self, link) -> None:
        self.link = link
        self.refresh()

    def refresh(self, select_id: str | None = None) -> None:
        runs = self.link.runs() if self.link is not None else []
        self.model.set_runs(runs)
        where = self.link.path.name if self.link is not None and not self.link.scratch \
            else "this unsaved pipeline"
        self.caption.setText(f"{len(runs)} run(s) recorded in {where}." if runs else
                             "No runs yet. Press Run (F5): every run is recorded here with its "
                             "parameters and metrics.")
        if select_id is not None:
            self.select_runs([select_id])
        self._update_buttons()

    def select_runs(self, run_ids: list[str]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        for row, run in enumerate(self.model.runs):
            if run.id in run_ids:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                selection.select(index, QItemSelectionModel.Select | QItemSelectionModel.Rows)

    def selected_ids(self) -> list[str]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.runs[r].id for r in sorted(rows)]

    def number(self, run_id: str) -> int:
        return self.model.numbers.get(run_id, 0)

    def _update_buttons(self, *_args) -> None:
        ids = self.selected_ids()
        self.open_button.setEnabled(len(ids) == 1)
        self.compare_button.setEnabled(len(ids) == 2)

    def _open(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.open_requested.emit(ids[0])

    def _compare(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 2:
            older, newer = sorted(ids, key=self.number)
            self.compare_requested.emit(older, newer)
