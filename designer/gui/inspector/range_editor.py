"""The range editor of Tune Model Hyperparameters: one row per tunable hyperparameter of the
connected learner, from the learner's own declarations: low / high / log for numbers, a list of
values for choices (and for numbers, when wanted). Edits go through the undo stack like any
other parameter edit (the inspector pushes them)."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from .editors import ParamEditor

__all__ = ["RangeEditor", "is_ranges_param", "parse_values", "format_values"]

_NUMERIC = ("int", "float")


def is_ranges_param(node_type, param, value) -> bool:
    """Tune Model Hyperparameters' `ranges`, unless bound to a pipeline parameter ('$name')."""
    from designer.model import binding_name
    return node_type.type_id == "tune_model_hyperparameters" and param.name == "ranges" \
        and binding_name(value) is None


def parse_values(text: str) -> list:
    """'0.1, 1, sqrt, null' -> [0.1, 1, 'sqrt', None]: JSON where a token parses, else text."""
    out = []
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        try:
            out.append(json.loads(token))
        except ValueError:
            out.append(token.strip("'\""))
    return out


def format_values(values: list) -> str:
    return ", ".join(v if isinstance(v, str) else json.dumps(v) for v in values)


def _number(text: str, kind: str):
    value = float(text)
    return int(round(value)) if kind == "int" else value


class _Row:
    """The widgets of one hyperparameter: tune it?, range or values, and its bounds."""

    def __init__(self, spec: dict, grid: QGridLayout, line: int, changed):
        self.spec, self.name, self.kind = spec, spec["name"], spec["kind"]
        self.tune = QCheckBox(self.name)
        self.tune.setToolTip(f"{spec.get('doc', '')}\nAccepts {spec.get('accepts', '')}; "
                             f"default {json.dumps(spec.get('default'))}.")
        self.mode = QComboBox()
        self.mode.addItem("range", "range")
        self.mode.addItem("values", "values")
        self.mode.setVisible(self.kind in _NUMERIC)
        self.low, self.high = QLineEdit(placeholderText="low"), QLineEdit(placeholderText="high")
        for box in (self.low, self.high):
            box.setMaximumWidth(80)
        self.log = QCheckBox("log")
        self.log.setToolTip("Sample on a log scale (for values spanning decades)")
        options = [*spec.get("options", ()), *([None] if spec.get("nullable") else [])]
        hint = format_values(options) if options else \
            "true, false" if self.kind == "bool" else "values, comma-separated"
        self.values = QLineEdit(placeholderText=f"e.g. {hint}")
        grid.addWidget(self.tune, line, 0)
        grid.addWidget(self.mode, line, 1)
        grid.addWidget(self.low, line, 2)
        grid.addWidget(self.high, line, 3)
        grid.addWidget(self.log, line, 4)
        grid.addWidget(self.values, line, 2, 1, 3)
        self.tune.toggled.connect(lambda _: changed(False))
        self.mode.activated.connect(lambda _: (self._show_mode(), changed(False)))
        self.log.toggled.connect(lambda _: changed(False))
        for box in (self.low, self.high, self.values):
            box.textEdited.connect(lambda _: changed(True))
        self.show(None)

    def _show_mode(self) -> None:
        ranged = self.mode.currentData() == "range" and self.kind in _NUMERIC
        for w in (self.low, self.high, self.log):
            w.setVisible(ranged)
        self.values.setVisible(not ranged)
        enabled = self.tune.isChecked()
        for w in (self.mode, self.low, self.high, self.log, self.values):
            w.setEnabled(enabled)

    def show(self, value) -> None:
        """Show `value` (a list, a range dict, or None: not tuned, suggested values shown)."""
        widgets = (self.tune, self.mode, self.low, self.high, self.log, self.values)
        for w in widgets:
            w.blockSignals(True)
        shown = value if value is not None else self.spec.get("suggested")
        self.tune.setChecked(value is not None)
        ranged = isinstance(shown, dict) or (shown is None and self.kind in _NUMERIC)
        self.mode.setCurrentIndex(0 if ranged else 1)
        if isinstance(shown, dict):
            self.low.setText(json.dumps(shown.get("low")))
            self.high.setText(json.dumps(shown.get("high")))
            self.log.setChecked(bool(shown.get("log")))
        elif isinstance(shown, list):
            self.values.setText(format_values(shown))
        for w in widgets:
            w.blockSignals(False)
        self._show_mode()

    def value(self):
        """This row's range or values, None when not tuned; ValueError while half typed."""
        if not self.tune.isChecked():
            return None
        if self.mode.currentData() == "range" and self.kind in _NUMERIC:
            out = {"low": _number(self.low.text(), self.kind),
                   "high": _number(self.high.text(), self.kind), "log": self.log.isChecked()}
            return {**out, "int": True} if self.kind == "int" else out
        values = parse_values(self.values.text())
        if not values:
            raise ValueError(f"no values for {self.name}")
        return values


class RangeEditor(ParamEditor):
    """Edits Tune Model Hyperparameters' `ranges` ({name: [values] or {low, high, log, int}})."""

    wide = True   # a table of its own: the inspector gives it the form's full width

    def __init__(self, param, parent=None):
        super().__init__(param, parent)
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel(wordWrap=True)
        self.note.setProperty("role", "muted")
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.raw = QLineEdit(placeholderText="{} (suggested ranges), or e.g. {\"alpha\": [0.1, 1]}")
        self.raw.textEdited.connect(self._raw_typed)
        box.addWidget(self.note)
        box.addWidget(self.grid_host)
        box.addWidget(self.raw)
        self.layout_.addLayout(box)
        self.estimator: str | None = None
        self.rows: dict[str, _Row] = {}
        self.value: dict = {}
        self._build()

    # -- the connected learner ----------------------------------------------------------------
    def set_input_schemas(self, inputs: dict) -> None:
        """The schemas on the node's inputs: the learner's estimator decides the rows."""
        learner = (inputs or {}).get("learner")
        estimator = getattr(learner, "estimator", None) or None
        if estimator != self.estimator:
            self.estimator = estimator
            self._build()

    def _build(self) -> None:
        from nodes.tuning import range_editor_spec
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        specs = range_editor_spec(self.estimator) if self.estimator else []
        self.rows = {}
        for line, spec in enumerate(specs):
            self.rows[spec["name"]] = _Row(spec, self.grid, line, self._changed)
        self.grid_host.setVisible(bool(self.rows))
        self.raw.setVisible(not self.rows)   # no learner known: the ranges as JSON text
        self._show()

    # -- value in and out ---------------------------------------------------------------------
    def set_value(self, value) -> None:
        self.value = dict(value) if isinstance(value, dict) else {}
        self._show()

    def _show(self) -> None:
        for name, row in self.rows.items():
            row.show(self.value.get(name))
        self._update_note()

    def _update_note(self) -> None:
        unknown = [n for n in self.value if n not in self.rows]
        if not self.rows:
            self.note.setText("Connect a learner to pick its hyperparameters here; meanwhile "
                              "the ranges can be typed as JSON.")
        elif not self.value:
            self.note.setText(f"Tuning the suggested ranges for {self.estimator} (shown, "
                              "unticked). Tick a hyperparameter to choose its ranges yourself.")
        else:
            self.note.setText(f"Ticked hyperparameters of {self.estimator} are searched; the "
                              "others keep the learner's setting."
                              + (f" Not a hyperparameter of it: {', '.join(unknown)}."
                                 if unknown else ""))
        text = json.dumps(self.value) if self.value else ""
        if self.raw.text() != text and not self.raw.hasFocus():
            self.raw.setText(text)

    def _changed(self, merge: bool) -> None:
        value = {n: v for n, v in self.value.items() if n not in self.rows}  # keep foreign keys
        try:
            for name, row in self.rows.items():
                ranged = row.value()
                if ranged is not None:
                    value[name] = ranged
        except ValueError:
            return   # half-typed number: wait for the rest
        for row in self.rows.values():
            row._show_mode()
        self.value = value
        self._update_note()   # not the rows: they hold what is being typed
        self._emit(value, merge)

    def _raw_typed(self, text: str) -> None:
        value = self.param.parse_text(text) if text.strip() else {}
        self.value = value if isinstance(value, dict) else self.value
        self._emit(value)
