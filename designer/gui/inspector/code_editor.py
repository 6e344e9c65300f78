"""A small code editor for script and SQL parameters: monospace, line numbers, syntax colours,
Tab = 4 spaces, Enter keeps the indentation, and one line marked as the error line."""
from __future__ import annotations

import keyword
import re

from PySide6.QtCore import QRect, QRegularExpression, QSize, Qt
from PySide6.QtGui import (QColor, QFont, QFontDatabase, QKeySequence, QPainter,
                           QSyntaxHighlighter, QTextCharFormat, QTextCursor, QTextFormat)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

__all__ = ["CodeEditor", "CodeHighlighter", "error_line_of"]

INDENT = " " * 4
_ERROR_BG = QColor("#fde2e2")
_ERROR_MARK = QColor("#e5484d")
_LINE_RE = re.compile(r"\bline (\d+)\b")

SQL_KEYWORDS = (
    "select from where group by order having limit offset join inner left right full outer "
    "cross on using as and or not in is null like ilike between case when then else end "
    "distinct union all except intersect with insert update delete create table view values "
    "asc desc cast over partition window qualify exists true false").split()


def error_line_of(message: str) -> int | None:
    """The script line a failure message names ('... line 7: ...'), if any."""
    found = _LINE_RE.search(message or "")
    return int(found.group(1)) if found else None


def _format(colour: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Bold)
    fmt.setFontItalic(italic)
    return fmt


class CodeHighlighter(QSyntaxHighlighter):
    """Keywords, builtins, numbers, strings and comments for Python or SQL (regex rules, plus a
    block state for Python's triple-quoted strings, which span lines)."""

    KEYWORD, BUILTIN, NUMBER = _format("#8a3ffc", bold=True), _format("#0f62fe"), \
        _format("#b45309")
    STRING, COMMENT, NAME = _format("#198038"), _format("#6f7782", italic=True), \
        _format("#0e6e8c", bold=True)

    def __init__(self, document, language: str = "python"):
        super().__init__(document)
        self.language = language
        self.rules: list[tuple[QRegularExpression, QTextCharFormat, int]] = []
        words = keyword.kwlist if language == "python" else SQL_KEYWORDS
        option = QRegularExpression.NoPatternOption if language == "python" else \
            QRegularExpression.CaseInsensitiveOption
        self._rule(r"\b(" + "|".join(words) + r")\b", self.KEYWORD, option=option)
        if language == "python":
            import builtins
            names = [n for n in dir(builtins) if not n.startswith("_")]
            self._rule(r"\b(" + "|".join(names) + r")\b", self.BUILTIN)
            self._rule(r"\b(?:def|class)\s+(\w+)", self.NAME, group=1)
            self._rule(r"^\s*@[\w.]+", self.BUILTIN)
        self._rule(r"\b[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?\b", self.NUMBER)
        self._rule(r"'[^'\\]*(?:\\.[^'\\]*)*'", self.STRING)
        self._rule(r'"[^"\\]*(?:\\.[^"\\]*)*"', self.STRING)
        self._rule(r"#[^\n]*" if language == "python" else r"--[^\n]*", self.COMMENT)

    def _rule(self, pattern: str, fmt: QTextCharFormat, group: int = 0,
              option=QRegularExpression.NoPatternOption) -> None:
        self.rules.append((QRegularExpression(pattern, option), fmt, group))

    def highlightBlock(self, text: str) -> None:
        for expression, fmt, group in self.rules:
            matches = expression.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                self.setFormat(match.capturedStart(group), match.capturedLength(group), fmt)
        if self.language == "python":
            self._triple_quotes(text)

    def _triple_quotes(self, text: str) -> None:
        """States 1 and 2: inside a ''' or a \"\"\" string that continues on the next line."""
        self.setCurrentBlockState(0)
        start, state = 0, self.previousBlockState()
        while True:
            if state in (1, 2):
                quote = "'''" if state == 1 else '"""'
                end = text.find(quote, start)
                if end < 0:
                    self.setFormat(start, len(text) - start, self.STRING)
                    self.setCurrentBlockState(state)
                    return
                self.setFormat(start, end + 3 - start, self.STRING)
                start, state = end + 3, 0
            opening = [(text.find(q, start), s) for q, s in (("'''", 1), ('"""', 2))]
            opening = [(i, s) for i, s in opening if i >= 0]
            if not opening:
                return
            index, state = min(opening)
            comment = text.find("#", start)
            if 0 <= comment < index:
                return
            self.setFormat(index, 3, self.STRING)
            start = index + 3


class _LineNumbers(QWidget):
    def __init__(self, editor: "CodeEditor"):
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.line_number_width(), 0)

    def paintEvent(self, event) -> None:
        self.editor.paint_line_numbers(event)


class CodeEditor(QPlainTextEdit):
    """A QPlainTextEdit for code: line numbers on the left and `set_error_line` to mark one."""

    def __init__(self, text: str = "", language: str = "python", parent=None):
        super().__init__(parent)
        font = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        font.setPointSize(max(font.pointSize(), 10))
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 4)
        self.highlighter = CodeHighlighter(self.document(), language)
        self.error_line: int | None = None
        self.numbers = _LineNumbers(self)
        self.blockCountChanged.connect(self._update_margin)
        self.updateRequest.connect(self._scroll_numbers)
        self._update_margin()
        self.setPlainText(text)
        self.setUndoRedoEnabled(False)   # the undo stack of the document keeps the history

    # -- the error line ---------------------------------------------------------------------
    def set_error_line(self, line: int | None) -> None:
        """Mark 1-based `line` (None: clear); the line-number margin shows it in red too."""
        if line is not None and not 1 <= line <= self.blockCount():
            line = None
        self.error_line = line
        selections = []
        if line is not None:
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(_ERROR_BG)
            selection.format.setProperty(QTextFormat.FullWidthSelection, True)
            selection.cursor = QTextCursor(self.document().findBlockByNumber(line - 1))
            selection.cursor.clearSelection()
            selections.append(selection)
        self.setExtraSelections(selections)
        self.numbers.update()

    # -- typing -----------------------------------------------------------------------------
    def event(self, event) -> bool:
        # Ctrl+Z / Ctrl+Shift+Z go to the window's undo stack (where every edit is a command),
        # not to the text widget's private history.
        if event.type() == event.Type.ShortcutOverride and (
                event.matches(QKeySequence.Undo) or event.matches(QKeySequence.Redo)):
            event.ignore()
            return False
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        cursor = self.textCursor()
        if event.key() == Qt.Key_Tab and not event.modifiers() & Qt.ControlModifier:
            if cursor.hasSelection() and "\u2029" in cursor.selectedText():
                self._shift_lines(indent=True)
            else:
                cursor.insertText(INDENT[: 4 - cursor.positionInBlock() % 4 or 4])
            return
        if event.key() == Qt.Key_Backtab:
            self._shift_lines(indent=False)
            return
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not event.modifiers():
            line = cursor.block().text()[: cursor.positionInBlock()]
            indent = line[: len(line) - len(line.lstrip(" "))]
            if line.rstrip().endswith(":"):
                indent += INDENT
            cursor.insertText("\n" + indent)
            self.ensureCursorVisible()
            return
        super().keyPressEvent(event)

    def _shift_lines(self, indent: bool) -> None:
        """Tab / Shift+Tab on the selected lines (or the current one): add or remove 4 spaces."""
        cursor = self.textCursor()
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart()).blockNumber()
        last = doc.findBlock(cursor.selectionEnd()).blockNumber()
        cursor.beginEditBlock()
        for number in range(first, last + 1):
            block = doc.findBlockByNumber(number)
            edit = QTextCursor(block)
            if indent:
                edit.insertText(INDENT)
            else:
                spaces = len(block.text()) - len(block.text().lstrip(" "))
                for _ in range(min(4, spaces)):
                    edit.deleteChar()
        cursor.endEditBlock()

    # -- the line-number margin -------------------------------------------------------------
    def line_number_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 14 + self.fontMetrics().horizontalAdvance("9") * max(digits, 2)

    def _update_margin(self, *_args) -> None:
        self.setViewportMargins(self.line_number_width(), 0, 0, 0)

    def _scroll_numbers(self, rect, dy) -> None:
        if dy:
            self.numbers.scroll(0, dy)
        else:
            self.numbers.update(0, rect.y(), self.numbers.width(), rect.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self.numbers.setGeometry(QRect(area.left(), area.top(), self.line_number_width(),
                                       area.height()))

    def paint_line_numbers(self, event) -> None:
        painter = QPainter(self.numbers)
        painter.fillRect(event.rect(), QColor("#f1f3f6"))
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = round(self.blockBoundingRect(block).height())
        width = self.numbers.width() - 6
        while block.isValid() and top <= event.rect().bottom():
            number = block.blockNumber() + 1
            if block.isVisible() and top + height >= event.rect().top():
                error = number == self.error_line
                painter.setPen(_ERROR_MARK if error else QColor("#8a93a2"))
                font = painter.font()
                font.setBold(error)
                painter.setFont(font)
                painter.drawText(0, top, width, height, Qt.AlignRight | Qt.AlignVCenter,
                                 str(number))
            block = block.next()
            top += height
            height = round(self.blockBoundingRect(block).height())
        painter.end()
