"""The Runs tab: the project's run history as a virtualised table that filters and sorts in the
project file (10,000 runs stay instant), opening a past run's pipeline, comparing two runs, and
the doors to the charts across runs and the data assets."""
from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from .style import STATE_COLOURS, icon

__all__ = ["RunsModel", "RunsPanel", "KEY_METRICS"]

RUN_STATUS_COLOURS = {"succeeded": STATE_COLOURS["done"], "failed": STATE_COLOURS["failed"],
                      "cancelled": STATE_COLOURS["cancelled"], "running": STATE_COLOURS["running"],
                      "interrupted": STATE_COLOURS["cancelled"]}
# The metrics the run history shows as columns, in this order, when runs have them.
KEY_METRICS = ("accuracy", "roc_auc", "f1", "r2", "rmse", "mae", "silhouette")
MAX_METRIC_COLUMNS = 4
PAGE = 200          # rows read from the project at a time, when the view first shows them
FIXED_HEADERS = ["Run", "Status", "Started", "Duration", "Pipeline", "Parameters"]
# Column -> the filter language's sort key (the Parameters column sorts by its first parameter).
SORT_KEYS = {0: "started_at", 1: "status", 2: "started_at", 3: "seconds", 4: "pipeline"}
FILTER_HINT = ('Filter runs, e.g. metrics.accuracy > 0.9 and params.train.label_column = "species"'
               ' — Enter applies')


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


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class RunsModel(QAbstractTableModel):
    """One row per matching run. Only the ids are read up front; each page of PAGE rows is read
    (metrics, parameters) the first time the view asks for one of its cells."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.project = None
        self.run_ids: list[str] = []
        self.numbers: dict[str, int] = {}          # run id -> N, counted from the oldest run
        self.total = 0                              # runs in the project, matching or not
        self.metric_columns: list[str] = []
        self.varied: list[str] = []
        self.filter_text = ""
        self.sort_text = ""
        self._rows: dict[str, tuple] = {}           # run id -> (RunSummary, params)
        self._row_of: dict[str, int] = {}

    # -- loading ------------------------------------------------------------------------------
    def load(self, project, filter_text: str | None = None) -> None:
        """Read the runs matching `filter_text` (FilterError when it cannot be read; the model
        then keeps what it showed)."""
        filter_text = (self.filter_text if filter_text is None else filter_text).strip()
        if project is not None:     # the tracking queries load the store: not at app start
            from designer.tracking.series import metric_names, run_ids, varied_params
        ids = run_ids(project, filter_text, self.sort_text) if project is not None else []
        self.beginResetModel()
        self.project, self.filter_text, self.run_ids = project, filter_text, ids
        self._row_of = {run_id: row for row, run_id in enumerate(ids)}
        self._rows = {}
        if project is not None:
            everything = run_ids(project)
            self.total = len(everything)
            self.numbers = {r: self.total - i for i, r in enumerate(everything)}
            names = metric_names(project)
            keyed = [k for key in KEY_METRICS for k in names
                     if k == key or k.endswith("." + key)]
            self.metric_columns = keyed[:MAX_METRIC_COLUMNS]
            self.varied = varied_params(project, filter_text) if len(ids) > 1 else []
        else:
            self.total, self.numbers, self.metric_columns, self.varied = 0, {}, [], []
        self.endResetModel()

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        key = self.sort_key(column)
        if key is None:
            return
        self.sort_text = f"{key} {'desc' if order == Qt.DescendingOrder else 'asc'}"
        if self.project is not None:
            self.layoutAboutToBeChanged.emit()
            from designer.tracking.series import run_ids
            self.run_ids = run_ids(self.project, self.filter_text, self.sort_text)
            self._row_of = {run_id: row for row, run_id in enumerate(self.run_ids)}
            self.layoutChanged.emit()

    def sort_key(self, column: int) -> str | None:
        if column in SORT_KEYS:
            return SORT_KEYS[column]
        if column == 5:
            node_params = [k for k in self.varied if not k.startswith("$")]
            return f"params.{node_params[0]}" if node_params else None
        if 6 <= column < 6 + len(self.metric_columns):
            return f"metrics.{self.metric_columns[column - 6]}"
        return None

    def _row(self, row: int) -> tuple:
        """(RunSummary, params) of a row, reading its page on first use."""
        run_id = self.run_ids[row]
        found = self._rows.get(run_id)
        if found is None:
            from designer.tracking.series import run_params, run_summaries
            start = row - row % PAGE
            page = self.run_ids[start:start + PAGE]
            summaries, params = run_summaries(self.project, page), run_params(self.project, page)
            for rid in page:
                self._rows[rid] = (summaries.get(rid), params.get(rid, {}))
            found = self._rows[run_id]
        return found

    # -- reading ------------------------------------------------------------------------------
    @property
    def headers(self) -> list[str]:
        return [*FIXED_HEADERS, *self.metric_columns]

    def row_of(self, run_id: str) -> int | None:
        return self._row_of.get(run_id)

    def summary(self, row: int):
        return self._row(row)[0]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.run_ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.headers[section]
        if orientation == Qt.Horizontal and role == Qt.ToolTipRole and section == 5:
            return "The parameters that differ between the runs listed here"
        return None

    def params_text(self, row: int) -> str:
        params = self._row(row)[1]
        shown = self.varied or [k for k in params if k.startswith("$")]
        return ", ".join(f"{k}={_short(params.get(k, '—'))}" for k in shown)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or role not in (Qt.DisplayRole, Qt.ToolTipRole,
                                               Qt.ForegroundRole, Qt.TextAlignmentRole):
            return None
        col = index.column()
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignRight | Qt.AlignVCenter) if col in (0, 3) or col >= 6 else None
        run = self.summary(index.row())
        if run is None:            # deleted since the listing was read
            return None
        if role == Qt.ForegroundRole:
            return QColor(RUN_STATUS_COLOURS.get(run.status, "#3b4452")) if col == 1 else None
        tip = role == Qt.ToolTipRole
        if col == 0:
            n = self.numbers.get(run.id, "?")
            return f"Run {n} (id {run.id})" if tip else f"{n}"
        if col == 1:
            return (run.error or run.status) if tip else run.status
        if col == 2:
            return run.started_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if col == 3:
            return _duration(run.seconds)
        if col == 4:
            return run.pipeline_name
        if col == 5:
            return self.params_text(index.row())
        value = run.metric(self.metric_columns[col - 6])
        return "—" if _missing(value) else (repr(value) if tip else f"{value:.4f}")


class RunsPanel(QWidget):
    open_requested = Signal(str)              # run id: open its pipeline
    compare_requested = Signal(str, str)      # run ids, older first

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = RunsModel(self)
        self.proxy = self.model      # (kept for callers that map indexes: nothing to map now)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # Fixed row heights and interactive column widths: the view never measures 10,000 rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setResizeContentsPrecision(40)   # fit columns to the first rows, never all
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(FILTER_HINT)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("The filter language of `mlwire runs --filter`: fields "
                                    "status, pipeline, started_at, seconds, metrics.NAME, "
                                    "params.NODE.PARAM, parameters.NAME, tags.KEY, asset; "
                                    "and, or, not, in, like. Press Enter to apply.")
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(self._filter_edited)
        self.filter_error = QLabel()
        self.filter_error.setWordWrap(True)
        self.filter_error.setStyleSheet(f"color: {STATE_COLOURS['failed']};")
        self.filter_error.hide()
        self.caption = QLabel()
        self.caption.setProperty("role", "muted")
        self.open_button = QPushButton(icon("mdi6.file-restore-outline"), "Open pipeline")
        self.open_button.setToolTip("Open the pipeline exactly as this run ran it, as a new "
                                    "editable pipeline")
        self.compare_button = QPushButton(icon("mdi6.compare-horizontal"), "Compare")
        self.compare_button.setToolTip("Select two runs (Ctrl+click) to compare parameters, "
                                       "metrics, graph and data side by side")
        self.charts_button = QPushButton(icon("mdi6.chart-scatter-plot"), "Charts")
        self.charts_button.setToolTip("A metric over the runs listed, or a parameter against a "
                                      "metric; click a point to select its run")
        self.assets_button = QPushButton(icon("mdi6.database-outline"), "Data assets")
        self.assets_button.setToolTip("The project's registered data sets, and which runs "
                                      "used each")
        self.open_button.clicked.connect(self._open)
        self.compare_button.clicked.connect(self._compare)
        self.charts_button.clicked.connect(self.show_charts)
        self.assets_button.clicked.connect(self.show_assets)
        self.table.doubleClicked.connect(lambda _index: self._open())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.filter_edit, 1)
        for button in (self.open_button, self.compare_button, self.charts_button,
                       self.assets_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.filter_error)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        self.link = None
        self.charts = None
        self.assets = None
        self._update_buttons()

    # -- loading ------------------------------------------------------------------------------
    def set_link(self, link) -> None:
        self.link = link
        self.refresh()

    def project(self):
        """The open project, or None when nothing was recorded yet (and no need to load it)."""
        if self.link is None or not self.link.path.exists():
            return None
        from designer.store import ProjectError
        try:
            return self.link.project()
        except ProjectError:
            return None

    def refresh(self, select_id: str | None = None) -> None:
        self._load(self.model.filter_text)
        if select_id is not None:
            self.select_runs([select_id])
        self._update_buttons()

    def apply_filter(self) -> bool:
        """Apply the filter text (Enter); a text the filter language cannot read is shown
        under the field, and the table keeps what it listed."""
        return self._load(self.filter_edit.text())

    def set_filter(self, text: str) -> bool:
        self.filter_edit.setText(text)
        return self.apply_filter()

    def _filter_edited(self, text: str) -> None:
        if not text.strip() and self.model.filter_text:    # cleared: list every run again
            self.apply_filter()

    def _load(self, filter_text: str) -> bool:
        project = self.project()
        if project is None:         # nothing recorded yet: no need to load the tracking code
            self.model.load(None, filter_text)
            return self._loaded()
        from designer.tracking import FilterError
        try:
            self.model.load(project, filter_text)
        except FilterError as exc:
            self.filter_error.setText(str(exc))
            self.filter_error.show()
            return False
        return self._loaded()

    def _loaded(self) -> bool:
        self.filter_error.hide()
        self.table.resizeColumnsToContents()
        self._update_caption()
        self._update_buttons()
        if self.charts is not None and self.charts.isVisible():
            self.charts.reload()
        return True

    def _update_caption(self) -> None:
        model = self.model
        where = self.link.path.name if self.link is not None and not self.link.scratch \
            else "this unsaved pipeline"
        if not model.total:
            text = ("No runs yet. Press Run (F5): every run is recorded here with its "
                    "parameters and metrics.")
        elif model.filter_text:
            text = f"{len(model.run_ids)} of {model.total} run(s) in {where} match the filter."
        else:
            text = f"{model.total} run(s) recorded in {where}."
        self.caption.setText(text)

    # -- selection ------------------------------------------------------------------------------
    def select_runs(self, run_ids: list[str]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        rows = [r for r in map(self.model.row_of, run_ids) if r is not None]
        for row in rows:
            selection.select(self.model.index(row, 0),
                             QItemSelectionModel.Select | QItemSelectionModel.Rows)
        if rows:
            self.table.scrollTo(self.model.index(rows[0], 0))

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.run_ids[r] for r in rows]

    def number(self, run_id: str) -> int:
        return self.model.numbers.get(run_id, 0)

    def _update_buttons(self, *_args) -> None:
        ids = self.selected_ids()
        self.open_button.setEnabled(len(ids) == 1)
        self.compare_button.setEnabled(len(ids) == 2)
        self.charts_button.setEnabled(len(self.model.run_ids) > 0)

    def _open(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.open_requested.emit(ids[0])

    def _compare(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 2:
            older, newer = sorted(ids, key=self.number)
            self.compare_requested.emit(older, newer)

    # -- charts and data assets -----------------------------------------------------------------
    def show_charts(self) -> None:
        from .run_charts import RunChartsDialog     # pyqtgraph loads only now
        if self.charts is None:
            self.charts = RunChartsDialog(self, self.window())
        _reload_and_raise(self.charts)

    def show_assets(self) -> None:
        from .assets_panel import AssetsDialog
        if self.assets is None:
            self.assets = AssetsDialog(self, self.window())
        _reload_and_raise(self.assets)


def _reload_and_raise(dialog) -> None:
    """Show a kept dialog with fresh contents, in front."""
    dialog.reload()
    dialog.show()
    dialog.raise_()
