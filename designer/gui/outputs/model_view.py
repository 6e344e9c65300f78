"""The Model output viewer: task, label, classes, the input signature, the inference pipeline's
steps and feature importances, whether it takes raw rows, and "Register model…" (recorded runs)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ..style import icon
from ..tables import read_only_table

__all__ = ["ModelViewer", "importances", "describe_step"]


def importances(model) -> list[tuple[str, float]]:
    """(feature, importance) largest first: the estimator's feature_importances_, else the mean
    absolute coefficient of a linear model; [] when it has neither."""
    import numpy as np
    estimator = model.pipeline.steps[-1][1]
    values = getattr(estimator, "feature_importances_", None)
    if values is None and getattr(estimator, "coef_", None) is not None:
        coef = np.abs(np.atleast_2d(estimator.coef_))
        values = coef.mean(axis=0)
    if values is None or len(values) != len(model.features):
        return []
    return sorted(zip(map(str, model.features), map(float, values)), key=lambda kv: -kv[1])


def describe_step(name: str, step, model) -> str:
    """What one step of the inference pipeline does, in a few words."""
    if name == "features":
        return f"selects the {len(model.features)} feature column(s)"
    if name == "estimator":
        params = step.get_params(deep=False)
        defaults = type(step)().get_params(deep=False) if _constructible(step) else {}
        changed = [f"{k}={v!r}" for k, v in params.items()
                   if k in defaults and _differs(v, defaults[k])]
        return f"{type(step).__name__}({', '.join(changed[:4])}{', …' if len(changed) > 4 else ''})"
    transformer = getattr(step, "transformer", None)
    columns = list(getattr(step, "columns", ()) or ())
    if transformer is not None and columns:      # MLWire's per-column step (nodes.ops.ColumnStep)
        what = "passes through" if transformer == "passthrough" else type(transformer).__name__
        return f"{what} on {len(columns)} column(s): {', '.join(map(str, columns[:4]))}" \
            + (", …" if len(columns) > 4 else "")
    return type(step).__name__


def _constructible(step) -> bool:
    try:
        type(step)()
        return True
    except Exception:   # an estimator with required arguments: list none
        return False


def _differs(value, default) -> bool:
    try:
        return bool(value != default)
    except Exception:   # arrays and the like: not comparable as one truth value
        return True


def _fill(table: QTableWidget, rows: list[tuple]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(f"{value:.4f}" if isinstance(value, float) else str(value))
            item.setToolTip(item.text())
            if isinstance(value, float):
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            table.setItem(r, c, item)


class ModelViewer(QWidget):
    """One trained model; `source` (run id, node id, port) when its run was recorded."""

    register_requested = Signal(str, str, str)     # run id, node id, port

    def __init__(self, parent=None):
        super().__init__(parent)
        self.task, self.label, self.classes = QLabel(), QLabel(), QLabel()
        self.classes.setWordWrap(True)
        self.inference = QLabel()
        self.inference.setWordWrap(True)
        self.register_button = QPushButton(icon("mdi6.bookmark-plus-outline"), "Register model…")
        self.register_button.clicked.connect(self._register)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Task:", self.task)
        form.addRow("Label:", self.label)
        form.addRow("Classes:", self.classes)
        form.addRow("Inference:", self.inference)
        head = QHBoxLayout()
        head.addLayout(form, 1)
        head.addWidget(self.register_button, 0, Qt.AlignTop)
        self.signature = read_only_table(["Input column", "Type"], row_height=20)
        self.steps = read_only_table(["Step", "What it does"], row_height=20)
        self.importances = read_only_table(["Feature", "Importance"], row_height=20)
        tables = QHBoxLayout()
        for title, table in (("Takes rows with (the signature)", self.signature),
                             ("Inference pipeline", self.steps),
                             ("Feature importances", self.importances)):
            box = QVBoxLayout()
            caption = QLabel(title)
            caption.setProperty("role", "muted")
            box.addWidget(caption)
            box.addWidget(table, 1)
            tables.addLayout(box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addLayout(tables, 1)
        self.model = None
        self.source: tuple[str, str, str] | None = None

    def set_model(self, model, source: tuple[str, str, str] | None = None) -> None:
        self.model, self.source = model, source
        self.task.setText(model.task)
        self.label.setText(model.label or "— (none)")
        self.classes.setText(", ".join(map(str, model.classes)) if model.classes else "—")
        _fill(self.signature, [(c, t) for c, t in model.signature])
        _fill(self.steps, [(name, describe_step(name, step, model))
                           for name, step in model.pipeline.steps])
        ranked = importances(model)
        _fill(self.importances, ranked or [("—", "this estimator reports none")])
        by_coefficients = not hasattr(model.pipeline.steps[-1][1], "feature_importances_")
        self.importances.setHorizontalHeaderLabels(
            ["Feature", "Mean |coefficient|" if by_coefficients and ranked else "Importance"])
        self.inference.setText(self._inference_text(model))
        self.register_button.setEnabled(source is not None)
        self.register_button.setToolTip(
            "Register this model in the project's model registry, as a new version of a named "
            "model" if source is not None else
            "Only the model of a recorded run can be registered: run the pipeline (F5) first.")

    @staticmethod
    def _inference_text(model) -> str:
        from designer.serving.inference import InferenceError, check_inference
        try:
            report = check_inference(model)
        except InferenceError as exc:
            return str(exc)
        if report.ok:
            return "takes raw rows with the input columns below (ready to register and serve)"
        return report.message

    def values(self) -> dict[str, str]:
        """What the form shows, by field (for tests and screen readers alike)."""
        return {"task": self.task.text(), "label": self.label.text(),
                "classes": self.classes.text(), "inference": self.inference.text()}

    def _register(self) -> None:
        if self.source is not None:
            self.register_requested.emit(*self.source)
