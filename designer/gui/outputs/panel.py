"""The Output tab: picks the viewer for a port's value (table, metrics, model, anything else)."""
from __future__ import annotations

import pprint

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QStackedWidget, QVBoxLayout, QWidget

from .metrics_view import MetricsViewer
from .table_view import TableViewer

__all__ = ["OutputPanel"]


class OutputPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel("Run the pipeline, then select a node to see its output.")
        self.title.setProperty("role", "muted")
        self.stack = QStackedWidget()
        self.text = QPlainTextEdit(readOnly=True)
        self.table = TableViewer()
        self.metrics = MetricsViewer()
        for w in (self.text, self.table, self.metrics):
            self.stack.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        self.current = None

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

    def show_value(self, title: str, value) -> None:
        from nodes.values import Learner, Metrics, Model, Table, Transform
        self.current = value
        self.title.setText(title)
        if isinstance(value, Table):
            self.table.set_frame(value.df, title)
            self.stack.setCurrentWidget(self.table)
        elif isinstance(value, Metrics):
            self.metrics.set_metrics(value)
            self.stack.setCurrentWidget(self.metrics)
        elif isinstance(value, Model):
            steps = "\n".join(f"  {name}: {type(step).__name__}" for name, step in value.pipeline.steps)
            estimator = value.pipeline.steps[-1][1]
            importances = getattr(estimator, "feature_importances_", None)
            text = (f"Task: {value.task}\nLabel: {value.label}\nClasses: {value.classes}\n"
                    f"Input signature: {value.signature}\nFeatures: {value.features}\n"
                    f"Inference pipeline:\n{steps}")
            if importances is not None:
                ranked = sorted(zip(value.features, importances), key=lambda kv: -kv[1])
                text += "\nFeature importances:\n" + "\n".join(f"  {n}: {v:.4f}" for n, v in ranked)
            self.show_text(text)
        elif isinstance(value, Learner):
            self.show_text(f"Learner ({value.task}): {value.estimator!r}\n\n"
                           + pprint.pformat(value.estimator.get_params()))
        elif isinstance(value, Transform):
            self.show_text(f"Fitted transform from {value.step.title} ({value.step.step_id}):\n"
                           f"{value.step.estimator!r}\nInput columns: {value.step.input_columns}")
        else:
            self.show_text(pprint.pformat(value))
