"""The inspector's code editor: typing is a parameter edit on the undo stack (one step per line),
Ctrl+Z undoes it through the window, Tab indents by 4 spaces, and the error line is marked."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from designer.gui.inspector.code_editor import CodeEditor, error_line_of
from designer.gui.inspector.editors import CodeParamEditor

from .test_main_window import add_from_palette, window  # noqa: F401  (fixture)


def _code_editor(win, type_id: str) -> tuple[str, CodeParamEditor]:
    node_id = add_from_palette(win, type_id)
    win.document.scene.select_nodes([node_id])
    name = "code" if type_id == "execute_python_script" else "query"
    editor = win.inspector.rows[name].editor
    assert isinstance(editor, CodeParamEditor)
    return node_id, editor


def _to_end(editor: CodeEditor) -> None:
    editor.setFocus()
    editor.moveCursor(QTextCursor.End)


def test_typing_is_undoable_one_line_at_a_time(window, qtbot):  # noqa: F811
    node_id, param_editor = _code_editor(window, "execute_python_script")
    editor, doc = param_editor.editor, window.document
    original = editor.toPlainText()
    assert "def run(data, data_b=None)" in original and editor.blockCount() > 3
    steps = doc.undo_stack.count()
    _to_end(editor)
    QTest.keyClicks(editor, "x = 1")
    code = lambda: doc.pipeline.node(node_id).params["code"]  # noqa: E731
    assert code() == original + "x = 1"                     # every keystroke reaches the model
    assert doc.undo_stack.count() == steps + 1              # ... merged into one step
    QTest.keyClick(editor, Qt.Key_Return)
    QTest.keyClicks(editor, "y = 2")
    assert code() == original + "x = 1\ny = 2"
    assert doc.undo_stack.count() == steps + 3              # the line break, then the new line
    QTest.keyClick(editor, Qt.Key_Z, Qt.ControlModifier)   # the window's Undo, not the widget's
    assert code() == original + "x = 1\n" and editor.toPlainText() == code()
    QTest.keyClick(editor, Qt.Key_Z, Qt.ControlModifier)
    QTest.keyClick(editor, Qt.Key_Z, Qt.ControlModifier)
    assert "code" not in doc.pipeline.node(node_id).params   # back to the default code
    assert editor.toPlainText() == original
    QTest.keyClick(editor, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert code() == original + "x = 1" and editor.toPlainText() == code()


def test_tab_enter_and_the_error_line(window, qtbot):  # noqa: F811
    node_id, param_editor = _code_editor(window, "execute_python_script")
    editor, doc = param_editor.editor, window.document
    editor.selectAll()
    QTest.keyClicks(editor, "def run(data, data_b=None):")
    QTest.keyClick(editor, Qt.Key_Return)               # Enter after ':' indents
    QTest.keyClicks(editor, "if data")                  # column 11
    QTest.keyClick(editor, Qt.Key_Tab)                  # Tab: spaces to column 12
    QTest.keyClicks(editor, "is None:")
    assert doc.pipeline.node(node_id).params["code"] == \
        "def run(data, data_b=None):\n    if data is None:"
    # a syntax error names its line: the checker's message marks it in the editor
    window.inspector.refresh_checks()
    assert window.inspector.rows["code"].error.text().startswith("line 2")
    assert editor.error_line == 2
    QTest.keyClicks(editor, " return data")
    window.inspector.refresh_checks()
    assert editor.error_line is None
    # a run failure's message ("... line 7: ...") marks that line too
    param_editor.set_problem("Execute Python Script: line 1: ZeroDivisionError: division by zero")
    assert editor.error_line == 1


def test_sql_is_shown_in_the_code_editor(window, qtbot):  # noqa: F811
    node_id, param_editor = _code_editor(window, "apply_sql_transformation")
    assert param_editor.editor.highlighter.language == "sql"
    assert param_editor.editor.toPlainText() == "SELECT * FROM t1"
    _to_end(param_editor.editor)
    QTest.keyClicks(param_editor.editor, " WHERE x > 1")
    assert window.document.pipeline.node(node_id).params["query"] == \
        "SELECT * FROM t1 WHERE x > 1"


def test_error_line_of_messages():
    assert error_line_of("Execute Python Script: line 12: NameError: x") == 12
    assert error_line_of("The script printed too much.") is None
