"""The Serve dialog's test form: one typed editor per model input column, and the row it holds.

RowForm is built from designer.serving.snippets.form_fields(schema). What the editors show is
exactly what is sent: an empty number field is null, "(missing)" in a list is null, integers
stay whole numbers. `training_row(...)` finds a realistic first row in the file the model's run
read, so the form starts from real data rather than zeros.
"""
from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

__all__ = ["RowForm", "training_row", "MISSING"]

MISSING = "(missing)"
_INTEGER = QRegularExpression(r"-?\d{0,19}")
_NUMBER = QRegularExpression(r"-?(\d+\.?\d*|\.\d*)?([eE][-+]?\d*)?")


class RowForm(QWidget):
    """Editors for one input row; `row()` is the JSON-ready row, `problems()` what blocks it."""

    changed = Signal()

    def __init__(self, fields, parent=None):
        super().__init__(parent)
        self.fields = list(fields)
        self.editors: dict[str, QWidget] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        for field in self.fields:
            editor = self._editor(field)
            editor.setObjectName(f"field_{field.name}")
            editor.setToolTip(f"{field.name}: {field.dtype}"
                              + (", may be missing" if field.nullable else ", required"))
            self.editors[field.name] = editor
            label = QLabel(f"{field.name} <span style='color:#6b7585'>{field.dtype}</span>")
            label.setBuddy(editor)
            layout.addRow(label, editor)
        self.set_row({f.name: f.default for f in self.fields})

    def _editor(self, field) -> QWidget:
        if field.kind == "boolean" or field.choices:
            box = QComboBox()
            box.addItems(["true", "false"] if field.kind == "boolean"
                         else [str(c) for c in field.choices])
            if field.nullable:
                box.addItem(MISSING)
            box.setEditable(field.kind == "text")      # to try a value the model never saw
            box.currentTextChanged.connect(self.changed)
            return box
        edit = QLineEdit()
        if field.kind in ("integer", "number"):
            pattern = _INTEGER if field.kind == "integer" else _NUMBER
            edit.setValidator(QRegularExpressionValidator(pattern, edit))
        edit.setPlaceholderText("empty = missing" if field.nullable else "required")
        edit.textChanged.connect(self.changed)
        return edit

    # -- values ----------------------------------------------------------------------------------
    def set_row(self, row: dict) -> None:
        for field in self.fields:
            value = row.get(field.name)
            editor = self.editors[field.name]
            if isinstance(editor, QComboBox):
                text = MISSING if value is None else (
                    ("true" if value else "false") if field.kind == "boolean" else str(value))
                editor.setCurrentText(text)
            else:
                editor.setText("" if value is None else _text(value))

    def row(self) -> dict:
        """The row as sent to /predict (values that do not parse are sent as typed, so that the
        server names the column and the rule)."""
        return {field.name: self._value(field) for field in self.fields}

    def _value(self, field):
        editor = self.editors[field.name]
        text = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        if (text == MISSING and isinstance(editor, QComboBox)) or (
                text.strip() == "" and (field.nullable or field.kind in ("integer", "number"))):
            return None
        if field.kind == "boolean":
            return text == "true"
        try:
            if field.kind == "integer":
                return int(text)
            if field.kind == "number":
                return float(text)
        except ValueError:
            return text
        return text

    def problems(self) -> list[str]:
        """Fields that cannot be sent as they are, each naming the column and the fix."""
        out = []
        for field in self.fields:
            value = self._value(field)
            if value is None and not field.nullable:
                out.append(f"'{field.name}' is required: the model was trained without missing "
                           "values there.")
            elif field.kind == "integer" and isinstance(value, str):
                out.append(f"'{field.name}' needs a whole number, like 3.")
            elif field.kind == "number" and (isinstance(value, str) or (
                    isinstance(value, float) and not math.isfinite(value))):
                out.append(f"'{field.name}' needs a number, like 2.5.")
        return out


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    return str(value)


def training_row(project_path, model_ref: str, schema: dict):
    """(row, where it came from) from the first CSV/Parquet file the model's run read that has
    every input column, preferring a row without missing values; None when no such file is
    reachable. Plain Python values, ready for JSON."""
    from designer.store import Project
    with Project.open(project_path, read_only=True) as project:
        run = project.runs.get(project.registry.get(model_ref).run_id)
    names = [c["name"] for c in schema["columns"]]
    for node_id, files in (run.inputs or {}).items():
        params = (run.params or {}).get(node_id, {})
        for name in files:
            path = Path(name) if Path(name).is_absolute() else Path(project_path).parent / name
            frame = _head(path, params)
            if frame is None or not set(names) <= set(frame.columns):
                continue
            rows = [_plain_row(record, schema) for record in
                    frame[names].to_dict(orient="records")]
            rows = [r for r in rows if r is not None]
            if rows:
                complete = [r for r in rows if all(v is not None for v in r.values())]
                return (complete or rows)[0], path.name
    return None


def _head(path: Path, params: dict, rows: int = 200):
    if not path.is_file():
        return None
    import pandas as pd
    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path, nrows=rows, sep=params.get("separator") or ",",
                               encoding=params.get("encoding") or "utf-8")
        if path.suffix.lower() in (".parquet", ".pq"):
            import pyarrow.parquet as pq
            return next(pq.ParquetFile(path).iter_batches(batch_size=rows)).to_pandas()
    except Exception:       # an unreadable file only means: no training row to offer
        return None
    return None


def _plain_row(record: dict, schema: dict) -> dict | None:
    """The record as the schema's kinds want it, or None when it breaks a non-null column."""
    import pandas as pd
    row = {}
    for column in schema["columns"]:
        value = record[column["name"]]
        if value is None or pd.isna(value):
            if not column.get("nullable"):
                return None
            row[column["name"]] = None
            continue
        kind = column["kind"]
        try:
            row[column["name"]] = (int(value) if kind == "integer" else float(value)
                                   if kind == "number" else bool(value) if kind == "boolean"
                                   else str(value))
        except (TypeError, ValueError):
            return None
    return row
