"""The Output tab: picks the viewer for a port's value (table, metrics, model, anything else)."""
from __future__ import annotations

import pprint

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QStackedWidget, QVBoxLayout, QWidget

__all__ = ["OutputPanel"]


class OutputPanel(QWidget):
    register_requested = Signal(str, str, str)   # a shown Model's run id, node id, port
    candidate_registered = Signal(object)        # an AutoML/Tune candidate was registered

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel("Run the pipeline, then select a node to see its output.")
        self.title.setProperty("role", "muted")
        self.stack = QStackedWidget()
        self.text = QPlainTextEdit(readOnly=True)
        self._table = self._metrics = None   # built on first use: pyqtgraph loads then, not at start
        self._model_view = None
        self.stack.addWidget(self.text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        self.current = None

    @property
    def table(self):
        if self._table is None:
            from .table_view import TableViewer
            self._table = TableViewer()
            self.stack.addWidget(self._table)
        return self._table

    @property
    def model_view(self):
        if self._model_view is None:
            from .model_view import ModelViewer
            self._model_view = ModelViewer()
            self._model_view.register_requested.connect(self.register_requested)
            self.stack.addWidget(self._model_view)
        return self._model_view

    @property
    def metrics(self):
        if self._metrics is None:
            from .metrics_view import MetricsViewer
            self._metrics = MetricsViewer()
            self.stack.addWidget(self._metrics)
        return self._metrics

    def clear(self) -> None:
        self.current = None
        self.title.setText("Run the pipeline, then select a node to see its output.")
        self.text.setPlainText("")
        self.stack.setCurrentWidget(self.text)

    def show_text(self, text: str) -> None:
        self.text.setPlainText(text)
        self.stack.setCurrentWidget(self.text)

    def show_metrics_summary(self, metrics_by_node: dict) -> None:
        if metrics_by_node:
            lines = []
            for node_id, data in metrics_by_node.items():
                values = data.get("values", {}) if isinstance(data, dict) else {}
                lines.append(f"{node_id}: " + ", ".join(f"{k}={v:.4f}" if isinstance(v, float)
                                                      else f"{k}={v}" for k, v in values.items()))
            self.show_text("\n".join(lines))

    def show_leaderboard(self, value) -> None:
        if getattr(self, "leaderboard", None) is None:   # built on first use (pyqtgraph plots)
            from .leaderboard_view import LeaderboardView
            self.leaderboard = LeaderboardView()
            self.leaderboard.registered.connect(self.candidate_registered)
            self.stack.addWidget(self.leaderboard)
        self.leaderboard.set_value(value)
        self.stack.setCurrentWidget(self.leaderboard)

    def show_value(self, title: str, value, source: tuple[str, str, str] | None = None) -> None:
        """`source`: (run id, node id, port) of the recorded run it came from, if any."""
        from nodes.values import Learner, Metrics, Model, Table, Transform
        self.current = value
        self.title.setText(title)
        from .leaderboard_view import is_leaderboard
        if is_leaderboard(value):   # AutoML's leaderboard, tuning's trials: their own view
            self.show_leaderboard(value)
        elif isinstance(value, Table):
            self.table.set_frame(value.df, title)
            self.stack.setCurrentWidget(self.table)
        elif isinstance(value, Metrics):
            self.metrics.set_metrics(value)
            self.stack.setCurrentWidget(self.metrics)
        elif isinstance(value, Model):
            self.model_view.set_model(value, source)
            self.stack.setCurrentWidget(self.model_view)
        elif isinstance(value, Learner):
            self.show_text(f"Learner ({value.task}): {value.estimator!r}\n\n"
                           + pprint.pformat(value.estimator.get_params()))
        elif isinstance(value, Transform):
            self.show_text(f"Fitted transform from {value.step.title} ({value.step.step_id}):\n"
                           f"{value.step.estimator!r}\nInput columns: {value.step.input_columns}")
        else:
            self.show_text(pprint.pformat(value))
