"""One editor widget per parameter declaration kind (numbers, choices, booleans, paths, columns,
code, text/JSON); each emits `edited(value, merge)` and shows values set from outside."""
from __future__ import annotations

import json
from pathlib import Path as FilePath

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QHBoxLayout,
                               QLineEdit, QListWidget, QListWidgetItem, QSpinBox, QToolButton,
                               QVBoxLayout, QWidget)

from designer.model import binding_name
from nodes import params as P

from .code_editor import CodeEditor, error_line_of

__all__ = ["ParamEditor", "CodeParamEditor", "make_editor"]

_INT_LIMIT = 2 ** 31 - 1


class ParamEditor(QWidget):
    edited = Signal(object, bool)  # value, merge with the previous edit of this parameter

    def __init__(self, param, parent=None):
        super().__init__(parent)
        self.param = param
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)

    def set_value(self, value) -> None:
        raise NotImplementedError

    def set_columns(self, names: list[str] | None) -> None:
        """Column names known on the param's input port (None: not known before running)."""

    def set_problem(self, message: str) -> None:
        """The checker's (or the last run's) message about this parameter ('' when none)."""

    def _emit(self, value, merge: bool = True) -> None:
        self.edited.emit(value, merge)


class IntEditor(ParamEditor):
    def __init__(self, param, parent=None):
        super().__init__(param, parent)
        self.box = QSpinBox()
        low = -_INT_LIMIT if param.low is None else int(param.low)
        high = _INT_LIMIT if param.high is None else int(param.high)
        if param.low is not None and param.closed in ("right", "neither"):
            low += 1
        if param.high is not None and param.closed in ("left", "neither"):
            high -= 1
        self.box.setRange(max(low, -_INT_LIMIT), min(high, _INT_LIMIT))
        self.box.setAccelerated(True)
        self.layout_.addWidget(self.box)
        self.box.valueChanged.connect(lambda v: self._emit(int(v)))

    def set_value(self, value) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.box.blockSignals(True)
            self.box.setValue(int(value))
            self.box.blockSignals(False)


class _TrimmedSpinBox(QDoubleSpinBox):
    def textFromValue(self, value: float) -> str:
        return f"{value:.6f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"


class FloatEditor(ParamEditor):
    def __init__(self, param, parent=None):
        super().__init__(param, parent)
        self.box = _TrimmedSpinBox()
        self.box.setDecimals(6)
        self.box.setRange(-1e12 if param.low is None else param.low,
                          1e12 if param.high is None else param.high)
        span = (param.high - param.low) if param.low is not None and param.high is not None else 10
        self.box.setSingleStep(0.05 if span <= 1 else 0.1 if span <= 10 else 1.0)
        self.layout_.addWidget(self.box)
        self.box.valueChanged.connect(lambda v: self._emit(round(float(v), 6)))

    def set_value(self, value) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.box.blockSignals(True)
            self.box.setValue(float(value))
            self.box.blockSignals(False)


class BoolEditor(ParamEditor):
    def __init__(self, param, parent=None):
        super().__init__(param, parent)
        self.box = QCheckBox()
        self.layout_.addWidget(self.box)
        self.box.toggled.connect(lambda v: self._emit(bool(v), False))

    def set_value(self, value) -> None:
        self.box.blockSignals(True)
        self.box.setChecked(bool(value))
        self.box.blockSignals(False)


class ChoiceEditor(ParamEditor):
    def __init__(self, param, parent=None):
        super().__init__(param, parent)
        self.box = QComboBox()
        if param.nullable:
            self.box.addItem("(none)", None)
        for option in param.options:
            self.box.addItem(str(option), option)
        self.layout_.addWidget(self.box)
        self.box.activated.connect(lambda i: self._emit(self.box.itemData(i), False))

    def set_value(self, value) -> None:
        index = next((i for i in range(self.box.count()) if self.box.itemData(i) == value
                      and type(self.box.itemData(i)) is type(value)), -1)
        self.box.blockSignals(True)
        self.box.setCurrentIndex(index)
        self.box.blockSignals(False)


class TextEditor(ParamEditor):
    """Free text: strings as typed, other kinds parsed like the CLI's --set (JSON where it parses)."""

    def __init__(self, param, parent=None):
        super().__init__(param, parent)
        self.line = QLineEdit()
        self.line.setPlaceholderText(param.full_description())
        self.layout_.addWidget(self.line)
        self.line.textEdited.connect(self._typed)

    def _typed(self, text: str) -> None:
        if text.strip() == "" and self.param.nullable:
            self._emit(None)
        elif binding_name(text) is not None:
            self._emit(text)
        else:
            self._emit(self.param.parse_text(text))

    def set_value(self, value) -> None:
        if value is None:
            text = ""
        elif isinstance(value, str):
            text = value
        else:
            text = json.dumps(value)
        if self.line.text() != text:
            self.line.setText(text)


class CodeParamEditor(ParamEditor):
    """Code (a String declared with `code="python"` or `"sql"`): every keystroke is an edit,
    merged into one undo step while typing; the line a problem names is marked."""

    wide = True   # the inspector gives it the form's full width

    def __init__(self, param, parent=None):
        super().__init__(param, parent)
        self.editor = CodeEditor(language=param.code)
        self.editor.setMinimumHeight(220)
        self.editor.setToolTip(f"{param.code.upper() if param.code == 'sql' else 'Python'} code."
                               " Tab indents by 4 spaces; Ctrl+Z undoes edits like any other.")
        self.layout_.addWidget(self.editor)
        self._setting = False
        self._lines = self.editor.blockCount()
        self.editor.textChanged.connect(self._typed)

    def _typed(self) -> None:
        if self._setting:
            return
        # Typing within a line merges into one undo step; a line break (added or removed) is a
        # step of its own, and the typing after it the next one.
        lines = self.editor.blockCount()
        merge, self._lines = lines == self._lines, lines
        self._emit(self.editor.toPlainText(), merge)

    def set_value(self, value) -> None:
        text = "" if value is None else str(value)
        if self.editor.toPlainText() == text:
            return
        cursor = self.editor.textCursor()
        position = cursor.position()
        self._setting = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._setting = False
        self._lines = self.editor.blockCount()
        cursor = self.editor.textCursor()
        cursor.setPosition(min(position, len(text)))
        self.editor.setTextCursor(cursor)

    def set_problem(self, message: str) -> None:
        self.editor.set_error_line(error_line_of(message))


class PathEditor(TextEditor):
    def __init__(self, param, parent=None, base_dir=None):
        super().__init__(param, parent)
        self.base_dir = base_dir
        button = QToolButton(text="…", toolTip="Choose a file")
        self.layout_.addWidget(button)
        button.clicked.connect(self._browse)

    def _browse(self) -> None:
        start = str(self.base_dir or FilePath.cwd())
        path, _ = QFileDialog.getOpenFileName(self, f"Choose {self.param.title}", start,
                                              self.param.file_filter or "All files (*)")
        if path:
            chosen = FilePath(path)
            if self.base_dir is not None:
                try:
                    chosen = chosen.relative_to(self.base_dir)
                except ValueError:
                    pass
            self.line.setText(str(chosen))
            self._emit(str(chosen), False)


class ColumnEditor(ParamEditor):
    """An editable combo of the input's column names (known before running from the schemas)."""

    def __init__(self, param, parent=None):
        super().__init__(param, parent)
        self.box = QComboBox()
        self.box.setEditable(True)
        self.box.setInsertPolicy(QComboBox.NoInsert)
        self.box.lineEdit().setPlaceholderText("column name")
        self.layout_.addWidget(self.box)
        self.box.lineEdit().textEdited.connect(self._typed)
        self.box.activated.connect(lambda i: self._typed(self.box.itemText(i), False))

    def _typed(self, text: str, merge: bool = True) -> None:
        self._emit(None if (text == "" and self.param.nullable) else text, merge)

    def set_columns(self, names) -> None:
        text = self.box.currentText()
        self.box.blockSignals(True)
        self.box.clear()
        self.box.addItems(names or [])
        self.box.setEditText(text)
        self.box.blockSignals(False)

    def set_value(self, value) -> None:
        text = "" if value is None else str(value)
        if self.box.currentText() != text:
            self.box.blockSignals(True)
            self.box.setEditText(text)
            self.box.blockSignals(False)


class ColumnsEditor(ParamEditor):
    """Checkable column names when the input's columns are known, and the list as text."""

    def __init__(self, param, parent=None):
        super().__init__(param, parent)
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setMaximumHeight(110)
        self.line = QLineEdit(placeholderText="empty: the node's default (comma-separated names)")
        box.addWidget(self.list)
        box.addWidget(self.line)
        self.layout_.addLayout(box)
        self.value: list[str] = []
        self.list.itemChanged.connect(self._checked)
        self.line.textEdited.connect(lambda text: self._emit(self.param.parse_text(text)
                                                             if text.strip() else []))
        self.list.hide()

    def set_columns(self, names) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        shown = list(names or []) + [v for v in self.value if v not in (names or [])]
        for name in shown:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if name in self.value else Qt.Unchecked)
            if names is not None and name not in names:
                item.setForeground(Qt.red)
                item.setToolTip("Not a column of the input table")
            self.list.addItem(item)
        self.list.setVisible(bool(shown))
        self.list.blockSignals(False)

    def _checked(self, _item) -> None:
        checked = [self.list.item(i).text() for i in range(self.list.count())
                   if self.list.item(i).checkState() == Qt.Checked]
        self.value = checked
        self.line.setText(", ".join(checked))
        self._emit(checked, False)

    def set_value(self, value) -> None:
        self.value = list(value) if isinstance(value, (list, tuple)) else []
        text = ", ".join(self.value) if isinstance(value, (list, tuple)) else json.dumps(value)
        if self.line.text() != text and not self.line.hasFocus():
            self.line.setText(text)
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(Qt.Checked if item.text() in self.value else Qt.Unchecked)
        self.list.blockSignals(False)


def make_editor(param, value, base_dir=None) -> ParamEditor:
    """The editor for a declaration; values bound to a pipeline parameter ('$name') get text."""
    if binding_name(value) is not None:
        editor = TextEditor(param)
    elif isinstance(param, P.Bool):
        editor = BoolEditor(param)
    elif isinstance(param, P.Choice):
        editor = ChoiceEditor(param)
    elif isinstance(param, P.Int) and not param.nullable:
        editor = IntEditor(param)
    elif isinstance(param, P.Float) and not param.nullable:
        editor = FloatEditor(param)
    elif isinstance(param, P.Path):
        editor = PathEditor(param, base_dir=base_dir)
    elif isinstance(param, P.Column):
        editor = ColumnEditor(param)
    elif isinstance(param, P.Columns):
        editor = ColumnsEditor(param)
    elif isinstance(param, P.String) and param.code:
        editor = CodeParamEditor(param)
    else:
        editor = TextEditor(param)
    editor.set_value(value)
    return editor
