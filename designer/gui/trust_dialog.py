"""Trust in the designer: the review dialog that shows untrusted script, database and URL nodes in
full before they run, the banner over the canvas when an opened file has such nodes, and the
gate the Run action passes through. Trust is recorded by designer/trust.py (the store `mlwire
trust` writes), so the designer and the command line agree."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QLabel,
                               QPlainTextEdit, QPushButton, QScrollArea, QToolButton,
                               QVBoxLayout, QWidget)

from designer.trust import GuardedNode, SessionTrust

from .inspector.code_editor import CodeEditor

__all__ = ["TrustDialog", "TrustGate", "TrustBanner"]

RISK = ("These nodes run code or reach outside your data files (a database, a web address, a "
        "file elsewhere) with your permissions: they can read, change or send anything you can. "
        "A pipeline or project file can come from anyone, so read them before trusting them.")
_LANGUAGES = {"code": "python", "query": "sql"}


def _content_view(name: str, value) -> QWidget:
    """One guarded parameter, read-only and in full: code in a code editor, the rest as text."""
    text = "" if value is None else str(value)
    if "\n" in text or name in _LANGUAGES:
        view = CodeEditor(text, _LANGUAGES.get(name, "python"))
        view.setReadOnly(True)
        lines = max(2, min(text.count("\n") + 2, 18))
        view.setFixedHeight(view.fontMetrics().lineSpacing() * lines + 14)
        return view
    view = QPlainTextEdit(text, readOnly=True)
    view.setFont(CodeEditor().font())
    view.setFixedHeight(view.fontMetrics().lineSpacing() * 2 + 12)
    return view


class TrustDialog(QDialog):
    """Lists each untrusted node with its content; Accept means 'trust these exact contents'."""

    def __init__(self, guarded: list[GuardedNode], source: str, accept_text: str = "Trust and run",
                 parent=None):
        super().__init__(parent)
        self.guarded = list(guarded)
        self.setWindowTitle("Review before running — MLWire")
        nodes = "node" if len(guarded) == 1 else "nodes"
        heading = QLabel(f"<b>{source}</b> has {len(guarded)} {nodes} that this computer has not "
                         "trusted yet.", wordWrap=True)
        heading.setProperty("role", "heading")
        risk = QLabel(RISK, wordWrap=True)
        page = QWidget()
        nodes = QVBoxLayout(page)
        nodes.setContentsMargins(0, 0, 0, 0)
        self.views: dict[str, dict[str, QWidget]] = {}
        for g in self.guarded:
            title = QLabel(f"<b>{g.title}</b> <span style='color:#6b7585'>({g.node_id}) · "
                           f"{g.type_id}</span>")
            nodes.addWidget(title)
            self.views[g.node_id] = {}
            for name, value in g.content.items():
                if name == "type":
                    continue
                nodes.addWidget(QLabel(name))
                view = _content_view(name, value)
                nodes.addWidget(view)
                self.views[g.node_id][name] = view
            nodes.addSpacing(8)
        nodes.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(page)
        note = QLabel("Trust is kept on this computer only, for exactly this content: if it "
                      "changes in the file, you are asked again.", wordWrap=True)
        note.setProperty("role", "muted")
        buttons = QDialogButtonBox()
        self.trust_button = buttons.addButton(accept_text, QDialogButtonBox.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.Cancel)
        self.cancel_button.setDefault(True)      # Enter does not trust by accident
        self.trust_button.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(risk)
        layout.addWidget(scroll, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(760, 560)

    def shown_text(self, node_id: str, name: str) -> str:
        return self.views[node_id][name].toPlainText()


class TrustBanner(QFrame):
    """A strip over the top of the canvas: 'this file has untrusted nodes', Review…, dismiss."""

    review_requested = Signal()

    def __init__(self, view: QWidget):
        super().__init__(view)
        self.setObjectName("trustBanner")
        self.setStyleSheet("QFrame#trustBanner { background: #fff6dd; border: 1px solid #f0c36d;"
                           " border-radius: 6px; } QFrame#trustBanner QLabel { border: none; }")
        self.text = QLabel(wordWrap=True)
        review = QPushButton("Review…")
        review.clicked.connect(self.review_requested)
        close = QToolButton(text="✕", toolTip="Hide this message", autoRaise=True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(review)
        layout.addWidget(close)
        view.installEventFilter(self)
        self.hide()

    def show_count(self, count: int) -> None:
        if count <= 0:
            self.hide()
            return
        what = ("1 node runs code or reaches outside your data files; it runs" if count == 1
                else f"{count} nodes run code or reach outside your data files; they run")
        self.text.setText(f"<b>This file came from elsewhere.</b> {what} only after you have "
                          "read and trusted the code, which Run shows first.")
        self._place()
        self.show()
        self.raise_()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Resize:
            self._place()
        return False

    def _place(self) -> None:
        parent = self.parentWidget()
        width = max(min(parent.width() - 24, 760), 200)
        self.setFixedWidth(width)
        self.setFixedHeight(max(self.layout().heightForWidth(width), 36))
        self.move((parent.width() - width) // 2, 10)


class TrustGate(QObject):
    """Between the Run action and the engine: the user's own script/database/URL nodes are
    trusted as they run; nodes from elsewhere are shown in the review dialog first."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.session: SessionTrust | None = None
        self.document = None
        self.banner = TrustBanner(window.view)
        self.banner.review_requested.connect(self.review)
        self.dialog: TrustDialog | None = None

    def set_document(self, document) -> None:
        """A document is shown: note which guarded nodes came with it; say so if any."""
        if self.session is not None:
            self.session.close()
        self.document = document
        self.session = SessionTrust(document.pipeline, document.base_dir)
        foreign, _ = self.session.pending(document.base_dir)
        self.banner.show_count(len(foreign))
        if foreign:     # after the caller's "Opened …" message, which would hide this one
            text = (f"{document.display_name} has {len(foreign)} untrusted script, database or "
                    "URL node(s): they are shown for review when you run.")
            QTimer.singleShot(0, lambda: self.window.show_message(text, 15000))

    def review(self) -> bool:
        """The banner's Review…: show every node from elsewhere; True when they were trusted."""
        return self._ask(None, "Trust")

    def allow_run(self, targets: list[str] | None = None) -> bool:
        """Before a run: True when every guarded node that will run is trusted (after asking)."""
        return self._ask(targets, "Trust and run")

    def _ask(self, targets, accept_text: str) -> bool:
        doc = self.document
        if doc is None or self.session is None:
            return True
        node_ids = None
        if targets:
            node_ids = set(targets)
            for target in targets:
                node_ids |= doc.pipeline.ancestors(target)
        foreign, own = self.session.pending(doc.base_dir, node_ids)
        if foreign:
            self.dialog = TrustDialog(foreign, doc.display_name, accept_text, self.window)
            answer = self.dialog.exec()
            self.dialog = None
            if answer != QDialog.Accepted:
                self.window.show_message("Nothing ran: the untrusted nodes were not trusted. "
                                         "Press Run again to review them.", 10000)
                return False
            self.session.accept(foreign, f"reviewed in the designer: {doc.display_name}")
        if own:      # written by this user in the designer: recorded so the CLI agrees
            self.session.accept(own, f"written in the designer: {doc.display_name}")
        remaining, _ = self.session.pending(doc.base_dir)
        self.banner.show_count(len(remaining))
        return True

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None
