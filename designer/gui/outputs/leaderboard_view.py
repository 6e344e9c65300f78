"""The leaderboard view of AutoML and Tune Model Hyperparameters: a sortable table of candidates,
the best score over time, the selected candidate's parameters and fold scores, and "Register
this candidate…" (a refit in a background thread, through designer.automl.candidates)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt, QThread, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
                               QPlainTextEdit, QPushButton, QSplitter, QTableView, QVBoxLayout,
                               QWidget)

from designer.automl.candidates import best_over_time, candidate_rows

from .. import theme

__all__ = ["LeaderboardView", "RegisterContext", "is_leaderboard"]

SORT_ROLE = Qt.UserRole + 1
ROW_ROLE = Qt.UserRole + 2
COLUMNS = ("Rank", "Candidate", "Learner", "Score (mean ± std)", "Fit s", "Trial", "Status")


def is_leaderboard(value) -> bool:
    """Whether an output value is an AutoML leaderboard or a tuning trials table."""
    details = getattr(value, "details", None)
    return isinstance(details, dict) and details.get("kind") in ("automl", "trials")


@dataclass
class RegisterContext:
    """Where a candidate is registered: the project (opened on demand, in the worker thread),
    the run that produced the leaderboard, and how that run resolved paths and cached outputs."""

    project: Callable[[], object]
    run_id: str
    base_dir: Path
    cache_dir: Path
    default_name: str = "model"


def _context_from_window(widget) -> RegisterContext | None:
    """The main window's document and last run (None when nothing has run and been recorded)."""
    window = widget.window()
    document = getattr(window, "document", None)
    run_view = getattr(window, "runs", None)   # the window's RunView
    result = getattr(run_view, "result", None)
    if document is None or result is None or getattr(document, "link", None) is None:
        return None
    link = document.link
    return RegisterContext(lambda: link.project(create=True), result.run_id,
                           Path(document.base_dir), Path(link.cache_dir),
                           document.pipeline.name or "model")


class _RegisterThread(QThread):
    registered = Signal(object)   # CandidateRegistration
    failed = Signal(str)

    def __init__(self, context: RegisterContext, node_id: str, trial: int, name: str):
        super().__init__()
        self.context, self.node_id, self.trial, self.name = context, node_id, trial, name

    def run(self) -> None:
        from designer.automl.candidates import register_candidate
        try:
            project = self.context.project()
            done = register_candidate(project, self.context.run_id, self.node_id, self.name,
                                      trial=self.trial, base_dir=self.context.base_dir,
                                      cache_dir=self.context.cache_dir)
        except Exception as exc:  # shown to the user; the project is left as it was
            self.failed.emit(str(exc) or type(exc).__name__)
            return
        self.registered.emit(done)


def _item(text: str, sort_value=None, align_right: bool = False) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    item.setData(sort_value if sort_value is not None else text, SORT_ROLE)
    if align_right:
        item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return item


def _score_text(row: dict) -> str:
    if row["score"] is None:
        return "–"
    std = row.get("score_std")
    return f"{row['score']:.4f}" + (f" ± {std:.4f}" if std is not None else "")


class LeaderboardView(QWidget):
    registered = Signal(object)     # CandidateRegistration, after a successful registration

    def __init__(self, parent=None):
        super().__init__(parent)
        self.details: dict = {}
        self.rows: list[dict] = []
        self.context_provider: Callable[[], RegisterContext | None] = \
            lambda: _context_from_window(self)
        self.name_asker: Callable[[str], str | None] = self._ask_name
        self._thread: _RegisterThread | None = None
        self.summary = QLabel(wordWrap=True)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.notes = QLabel(wordWrap=True)
        self.notes.setProperty("role", "muted")
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.table.doubleClicked.connect(lambda *_: self.register_selected())
        self.register_button = QPushButton("Register this candidate…")
        self.register_button.setToolTip("Refit the selected candidate on the run's training rows "
                                        "and add it to the model registry")
        self.register_button.clicked.connect(self.register_selected)
        self.status = QLabel(wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.candidate_text = QPlainTextEdit(readOnly=True)
        self.candidate_text.setMaximumHeight(170)
        self._build_plots()
        self._lay_out()

    # -- layout -------------------------------------------------------------------------------
    def _build_plots(self) -> None:
        import pyqtgraph as pg  # lazily: only when a leaderboard is first shown
        self.plot = pg.PlotWidget(background=theme.current().plot_bg)
        self.plot.setTitle("Best score so far", size="9pt")
        self.plot.setLabel("bottom", "seconds into the search")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.getAxis("left").enableAutoSIPrefix(False)   # scores as they are: 0.995
        self.curve = self.plot.plot([], [], pen=pg.mkPen("#3b82f6", width=2))
        self.points = pg.ScatterPlotItem(size=8, brush=pg.mkBrush("#3b82f6"), pen=None)
        self.marker = pg.ScatterPlotItem(size=13, brush=None, pen=pg.mkPen("#f08c2e", width=2))
        self.plot.addItem(self.points)
        self.plot.addItem(self.marker)
        self.folds_plot = pg.PlotWidget(background=theme.current().plot_bg)
        self.folds_plot.setTitle("Selected candidate: score per fold", size="9pt")
        self.folds_plot.setMaximumHeight(150)
        self.folds_plot.getAxis("left").enableAutoSIPrefix(False)
        self.folds_plot.setLabel("bottom", "fold")

    def _lay_out(self) -> None:
        right = QSplitter(Qt.Vertical)
        right.addWidget(self.plot)
        below = QWidget()
        box = QVBoxLayout(below)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.candidate_text)
        box.addWidget(self.folds_plot)
        right.addWidget(below)
        right.setSizes([220, 300])
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setSizes([640, 380])
        buttons = QHBoxLayout()
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

    # -- what it shows ------------------------------------------------------------------------
    def set_value(self, value) -> None:
        """Show a leaderboard (AutoML) or trials table (tuning): a Table with `details`."""
        self.details = dict(value.details)
        self.rows = candidate_rows(self.details)
        self.status.setText("")
        self._fill_summary()
        self.model.setRowCount(0)
        for row in self.rows:
            fit = row.get("fit_seconds")
            items = [_item(str(row["rank"]), row["rank"], True),
                     _item(row["candidate"]),   # the full text in its tooltip
                     _item(row.get("learner") or ""),
                     _item(_score_text(row), self._sortable_score(row), True),
                     _item("" if fit is None else f"{fit:.2f}", fit if fit is not None else -1.0,
                           True),
                     _item(str(row["trial"]), row["trial"], True),
                     _item(row["status"])]
            items[0].setData(row["rank"] - 1, ROW_ROLE)
            items[1].setToolTip(row["candidate"])
            if row["status"] == "best":
                font = items[1].font()
                font.setBold(True)
                for item in items:
                    item.setFont(font)
            self.model.appendRow(items)
        self.table.sortByColumn(-1, Qt.AscendingOrder)   # the leaderboard's own order
        self.proxy.sort(-1)
        self._plot_best()
        if self.rows:
            self.table.selectRow(0)
        self._show_selected()

    def _sortable_score(self, row: dict) -> float:
        # Sorted as numbers; a failed trial sorts below every score whichever way.
        if row["score"] is None:
            return float("-inf") if self.details.get("greater_is_better", True) else float("inf")
        return float(row["score"])

    def _fill_summary(self) -> None:
        d = self.details
        metric = d.get("metric") or "score"
        if d.get("kind") == "trials":
            what = (f"<b>Tune Model Hyperparameters</b> · {d.get('search', '')} search · "
                    f"{metric} ({'higher' if d.get('greater_is_better', True) else 'lower'} is "
                    f"better) · {len(self.rows)} trials")
        elif d.get("pinned"):
            what = "<b>AutoML</b> · a pinned candidate, refitted without searching"
        else:
            what = (f"<b>AutoML</b> · {metric} by {d.get('validation', '')} · "
                    f"{len(d.get('trials') or [])} trials in {d.get('elapsed_seconds', 0):.1f} s "
                    f"of {d.get('budget_seconds', 0):g} s · stopped: {d.get('stopped', '')}")
        self.summary.setText(what)
        notes = [g.get("message", "") for g in d.get("guardrails") or []]
        if d.get("winner_reason"):
            notes.append(d["winner_reason"])
        self.notes.setText("\n".join(f"• {n}" for n in notes if n))
        self.notes.setVisible(bool(self.notes.text()))

    def plot_points(self) -> list[tuple[float, float, int]]:
        """(seconds, best score, trial) of each improvement: what the plot shows."""
        return best_over_time(self.rows, self.details.get("greater_is_better", True))

    def _plot_best(self) -> None:
        points = self.plot_points()
        metric = self.details.get("metric") or "score"
        self.plot.setLabel("left", f"best {metric}")
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        if points:  # a step line that holds each best until the next improvement
            end = max(xs[-1], max((r.get("finished_at") or 0.0) for r in self.rows))
            self.curve.setData(*_steps(xs + [end], ys + [ys[-1]]))
        else:
            self.curve.setData([], [])
        self.points.setData(xs, ys, data=[p[2] for p in points])
        self.marker.setData([], [])

    # -- selection ----------------------------------------------------------------------------
    def selected_row(self) -> dict | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        source = self.proxy.mapToSource(index.siblingAtColumn(0))
        position = self.model.item(source.row(), 0).data(ROW_ROLE)
        return self.rows[position] if position is not None else None

    def select_rank(self, rank: int) -> None:
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(SORT_ROLE) == rank:
                self.table.selectRow(r)
                return

    def _show_selected(self) -> None:
        row = self.selected_row()
        registrable = row is not None and row["status"] in ("ok", "best", "pinned")
        self.register_button.setEnabled(registrable and self._thread is None)
        self.folds_plot.clear()
        if row is None:
            self.candidate_text.setPlainText("Select a candidate to see its parameters.")
            self.marker.setData([], [])
            return
        self.candidate_text.setPlainText(_describe(row, self.details))
        folds = [s for s in row.get("fold_scores") or [] if s is not None]
        if folds:
            import pyqtgraph as pg
            self.folds_plot.addItem(pg.BarGraphItem(x=list(range(1, len(folds) + 1)),
                                                    height=folds, width=0.6, brush="#3b82f6"))
            self.folds_plot.getAxis("bottom").setTicks(
                [[(i, str(i)) for i in range(1, len(folds) + 1)]])
            low = min(folds)
            self.folds_plot.setYRange(low - (max(folds) - low) * 0.5 - 1e-3, max(folds) + 1e-3)
        if row.get("finished_at") is not None and row["score"] is not None:
            self.marker.setData([row["finished_at"]], [row["score"]])
        else:
            self.marker.setData([], [])

    # -- registering --------------------------------------------------------------------------
    def _ask_name(self, suggestion: str) -> str | None:
        name, ok = QInputDialog.getText(self, "Register this candidate",
                                        "Model name (a new version if it exists):",
                                        text=suggestion)
        return name.strip() if ok and name.strip() else None

    def register_selected(self) -> bool:
        """Ask for a model name and register the selected candidate in the background."""
        row = self.selected_row()
        if row is None or self._thread is not None:
            return False
        if row["status"] not in ("ok", "best", "pinned"):
            self._say(f"Trial {row['trial']} {row['status']}: only validated candidates can be "
                      "registered.", error=True)
            return False
        node_id = self.details.get("node_id")
        context = self.context_provider()
        if context is None or not node_id:
            self._say("Run the pipeline in a saved or scratch project first: a candidate is "
                      "refitted from a recorded run.", error=True)
            return False
        suggestion = re.sub(r"[^A-Za-z0-9_.\- ]", "-", f"{context.default_name}-"
                            f"{row.get('learner') or 'candidate'}").strip("-") or "model"
        name = self.name_asker(suggestion)
        if not name:
            return False
        return self.register(row, name, context)

    def register(self, row: dict, name: str, context: RegisterContext) -> bool:
        node_id = self.details.get("node_id")
        self._thread = _RegisterThread(context, node_id, row["trial"], name)
        self._thread.registered.connect(self._registered)
        self._thread.failed.connect(lambda message: self._say(
            f"Could not register candidate {row['rank']}: {message}", error=True))
        self._thread.finished.connect(self._thread_done)
        self.register_button.setEnabled(False)
        self._say(f"Refitting candidate {row['rank']} (trial {row['trial']}) on the run's "
                  "training rows…")
        self._thread.start()
        return True

    def _registered(self, done) -> None:
        v = done.version
        self._say(f"Registered {v.model} version {v.version} (refit run {done.refit_run}); "
                  "serve it with `mlwire serve PROJECT --model "
                  f"{v.model}:{v.version}`." + "".join(f"\n{w}" for w in done.warnings))
        self.registered.emit(done)

    def _thread_done(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.deleteLater()
        self._show_selected()

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setProperty("role", "error" if error else "")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(text)


def _steps(xs: list[float], ys: list[float]) -> tuple[list[float], list[float]]:
    """A staircase through the points: each value held until the next one."""
    sx, sy = [], []
    for i, (x, y) in enumerate(zip(xs, ys)):
        if i:
            sx.append(x)
            sy.append(ys[i - 1])
        sx.append(x)
        sy.append(y)
    return sx, sy


def _describe(row: dict, details: dict) -> str:
    metric = details.get("metric") or "score"
    lines = [f"Rank {row['rank']} · trial {row['trial']} · {row['status']}", row["candidate"], ""]
    if row["score"] is not None:
        lines.append(f"{metric}: {_score_text(row)}")
    folds = row.get("fold_scores") or []
    if folds:
        lines.append("per fold: " + ", ".join("–" if s is None else f"{s:.4f}" for s in folds))
    if row.get("fit_seconds") is not None:
        lines.append(f"fit time: {row['fit_seconds']:.3f} s per fit")
    if row.get("error"):
        lines.append(f"error: {row['error']}")
    if row.get("params"):
        lines += ["", "Hyperparameters:"] + [f"  {k} = {json.dumps(v)}"
                                             for k, v in sorted(row["params"].items())]
    if row.get("prep"):
        lines += ["Preprocessing:"] + [f"  {k} = {json.dumps(v)}"
                                       for k, v in sorted(row["prep"].items())]
    if row.get("default"):
        lines.append("(the learner's default settings)")
    return "\n".join(lines)
