"""A failed node's details: the message for people on top, the traceback below, copyable."""
from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton,
                               QVBoxLayout)

__all__ = ["FailureDialog"]


class FailureDialog(QDialog):
    def __init__(self, title: str, message: str, details: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"{title} failed — MLWire")
        heading = QLabel(f"<b>{title}</b> failed:")
        self.message = QLabel(message, wordWrap=True)
        self.message.setProperty("role", "error")
        self.message.setTextInteractionFlags(self.message.textInteractionFlags()
                                             | self.message.textInteractionFlags().TextSelectableByMouse)
        self.details = QPlainTextEdit(details or "(no traceback was recorded)", readOnly=True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.details.setLineWrapMode(QPlainTextEdit.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        copy = QPushButton("Copy details")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(
            f"{title} failed: {message}\n\n{details}"))
        buttons.addButton(copy, QDialogButtonBox.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Traceback (for bug reports and node authors):"))
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(820, 480)
