"""The inspector: the selected node's title, comment, parameter form (generated from its
declarations, with column pickers from the propagated schemas), inline errors, reset, docs."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QScrollArea,
                               QToolButton, QVBoxLayout, QWidget)

from designer.engine.schemas import propagate_schemas
from designer.model import (EdgeAdded, EdgeRemoved, NodeCommentChanged, NodeRemoved,
                            NodeTitleChanged, ParamChanged, Pipeline)

from .. import commands
from ..style import category_icon
from .editors import ParamEditor, make_editor
from .range_editor import RangeEditor, is_ranges_param

__all__ = ["InspectorPanel"]


class _ParamRow(QWidget):
    def __init__(self, param, editor: ParamEditor, parent=None):
        super().__init__(parent)
        self.param, self.editor = param, editor
        self.reset = QToolButton(text="↺", toolTip=f"Reset to the default"
                                 + ("" if param.required else f" ({param.default!r})"))
        self.reset.setAutoRaise(True)
        self.error = QLabel(wordWrap=True)
        self.error.setProperty("role", "error")
        self.error.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(editor, 1)
        top.addWidget(self.reset)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(top)
        box.addWidget(self.error)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))


class InspectorPanel(QScrollArea):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        self.document = None
        self.node_id: str | None = None
        self.rows: dict[str, _ParamRow] = {}
        self._unsubscribe = None
        self._pushing: str | None = None
        self.failure_box = None
        self._refresh = QTimer(self, singleShot=True, interval=120)
        self._refresh.timeout.connect(self.refresh_checks)
        self._show_empty()

    # -- what it shows ----------------------------------------------------------------------
    def set_document(self, document) -> None:
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
        self.document = document
        if document is not None:
            self._unsubscribe = document.pipeline.events.subscribe(self._on_event)
        self.set_node(None)

    def set_node(self, node_id: str | None) -> None:
        self.node_id = node_id if self.document and node_id in self.document.pipeline else None
        if self.node_id is None:
            self._show_empty()
        else:
            self._build()

    def _show_empty(self) -> None:
        self.rows = {}
        self._outer = None
        label = QLabel("Select a node to see and edit its parameters.")
        label.setProperty("role", "muted")
        label.setAlignment(Qt.AlignCenter)
        label.setWordWrap(True)
        self.setWidget(label)

    def _build(self) -> None:
        self.failure_box = None
        pipeline: Pipeline = self.document.pipeline
        node = pipeline.node(self.node_id)
        node_type = pipeline.node_type(self.node_id)
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(10, 10, 10, 10)
        header = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(category_icon(node_type.category).pixmap(22, 22))
        heading = QLabel(node_type.title)
        heading.setProperty("role", "heading")
        header.addWidget(icon)
        header.addWidget(heading, 1)
        outer.addLayout(header)
        ident = QLabel(f"id: {self.node_id} · {node_type.category}")
        ident.setProperty("role", "muted")
        ident.setTextInteractionFlags(Qt.TextSelectableByMouse)
        outer.addWidget(ident)
        self._outer = outer
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.title_edit = QLineEdit(node.title, placeholderText=node_type.title)
        self.title_edit.editingFinished.connect(self._title_edited)
        self.comment_edit = QLineEdit(node.comment, placeholderText="a note shown on the card")
        self.comment_edit.editingFinished.connect(self._comment_edited)
        form.addRow("Title", self.title_edit)
        form.addRow("Comment", self.comment_edit)
        outer.addLayout(form)
        params_label = QLabel("Parameters" if node_type.params else "This node has no parameters.")
        params_label.setProperty("role", "heading" if node_type.params else "muted")
        outer.addWidget(params_label)
        pform = QFormLayout()
        pform.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.rows = {}
        for param in node_type.params:
            value = node.params.get(param.name, None if param.required else param.default)
            if is_ranges_param(node_type, param, value):   # Tune's ranges: a table, not JSON
                editor = RangeEditor(param)
                editor.set_value(value)
            else:
                editor = make_editor(param, value, self.document.base_dir)
            editor.edited.connect(lambda v, merge, name=param.name: self._edited(name, v, merge))
            row = _ParamRow(param, editor)
            row.reset.clicked.connect(lambda _=False, name=param.name: self._reset(name))
            row.reset.setEnabled(param.name in node.params and not param.required)
            label = QLabel(param.title + (" *" if param.required else ""))
            label.setToolTip(f"{param.doc}\n\nAccepts {param.full_description()}."
                             if param.doc else f"Accepts {param.full_description()}.")
            if getattr(editor, "wide", False):     # code: the label above, the full width below
                pform.addRow(label)
                pform.addRow(row)
            else:
                pform.addRow(label, row)
            self.rows[param.name] = row
        outer.addLayout(pform)
        if node_type.doc:
            doc = QLabel(node_type.doc.strip())
            doc.setWordWrap(True)
            doc.setProperty("role", "muted")
            doc.setTextFormat(Qt.MarkdownText)
            outer.addSpacing(8)
            about = QLabel("About this node")
            about.setProperty("role", "heading")
            outer.addWidget(about)
            outer.addWidget(doc)
        outer.addStretch(1)
        self.setWidget(page)
        self.refresh_checks()

    def show_failure(self, message: str, on_details) -> None:
        """A failed node's message above its form, with the traceback one click away."""
        if self.node_id is None or getattr(self, "_outer", None) is None:
            return
        box = QFrame(objectName="failure")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 6, 8, 6)
        text = QLabel(f"<b>This node failed in the last run.</b><br>{message}", wordWrap=True)
        text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        details = QToolButton(text="Show details and traceback…")
        details.setAutoRaise(True)
        details.clicked.connect(on_details)
        layout.addWidget(text)
        layout.addWidget(details, 0, Qt.AlignLeft)
        self._outer.insertWidget(2, box)
        box.show()
        self.failure_box = box
        for row in self.rows.values():      # e.g. a script's failing line, marked in its code
            row.editor.set_problem(message)

    # -- edits go to the undo stack ---------------------------------------------------------
    def _edited(self, name: str, value, merge: bool) -> None:
        self._pushing = name
        try:
            commands.set_param(self.document.undo_stack, self.document.pipeline, self.node_id,
                               name, value, merge)
        finally:
            self._pushing = None

    def _reset(self, name: str) -> None:
        commands.set_param(self.document.undo_stack, self.document.pipeline, self.node_id, name,
                           Pipeline.UNSET, merge=False)

    def _title_edited(self) -> None:
        text = self.title_edit.text().strip()
        if self.node_id and text != self.document.pipeline.node(self.node_id).title:
            self.document.undo_stack.push(commands.SetTitle(self.document.pipeline, self.node_id, text))

    def _comment_edited(self) -> None:
        text = self.comment_edit.text()
        if self.node_id and text != self.document.pipeline.node(self.node_id).comment:
            self.document.undo_stack.push(
                commands.SetComment(self.document.pipeline, self.node_id, text))

    # -- the model changed ------------------------------------------------------------------
    def _on_event(self, event) -> None:
        if self.node_id is None:
            return
        if isinstance(event, NodeRemoved) and event.node_id == self.node_id:
            self.set_node(None)
            return
        if isinstance(event, ParamChanged) and event.node_id == self.node_id:
            row = self.rows.get(event.name)
            if row is not None:
                node = self.document.pipeline.node(self.node_id)
                row.reset.setEnabled(event.name in node.params and not row.param.required)
                if event.name != self._pushing:
                    default = None if row.param.required else row.param.default
                    row.editor.set_value(node.params.get(event.name, default))
        elif isinstance(event, NodeTitleChanged) and event.node_id == self.node_id:
            if self.title_edit.text() != event.title:
                self.title_edit.setText(event.title)
        elif isinstance(event, NodeCommentChanged) and event.node_id == self.node_id:
            if self.comment_edit.text() != event.comment:
                self.comment_edit.setText(event.comment)
        if isinstance(event, (ParamChanged, EdgeAdded, EdgeRemoved)):
            self._refresh.start()

    def refresh_checks(self) -> None:
        """Column lists from the schemas propagated to this node, and each parameter's error."""
        if self.node_id is None or not self.rows:
            return
        pipeline = self.document.pipeline
        try:
            info = propagate_schemas(pipeline, self.document.base_dir).get(self.node_id)
        except Exception:  # e.g. a cycle: the checker reports it; the form stays usable
            info = None
        errors: dict[str, str] = {}
        if info is not None:
            for error in info.param_errors:
                errors.setdefault(error.param, str(error))
            if info.infer_error is not None and getattr(info.infer_error, "param", None):
                errors.setdefault(info.infer_error.param, str(info.infer_error))
        for name, row in self.rows.items():
            port = getattr(row.param, "port", None)
            if port is not None and info is not None:
                schema = info.inputs.get(port)
                row.editor.set_columns(list(schema.names) if hasattr(schema, "names") else None)
            if hasattr(row.editor, "set_input_schemas"):   # the range editor: learner's params
                row.editor.set_input_schemas(info.inputs if info is not None else {})
            row.show_error(errors.get(name, ""))
            if name in errors or self.failure_box is None:
                row.editor.set_problem(errors.get(name, ""))
