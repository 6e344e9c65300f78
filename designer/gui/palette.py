"""The node palette: node types by category with a search box; drag onto the canvas, or
double-click / Enter to add at the view centre; the hovered node's documentation below."""
from __future__ import annotations

from PySide6.QtCore import QMimeData, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QTreeView, QVBoxLayout, QWidget

from nodes.base import CATEGORIES

from .canvas.view import NODE_MIME
from .style import category_icon

__all__ = ["PaletteWidget", "TYPE_ROLE"]

TYPE_ROLE = Qt.UserRole + 1


class _NodeTypeModel(QStandardItemModel):
    def mimeTypes(self) -> list[str]:
        return [NODE_MIME]

    def mimeData(self, indexes) -> QMimeData:
        mime = QMimeData()
        type_ids = [i.data(TYPE_ROLE) for i in indexes if i.data(TYPE_ROLE)]
        if type_ids:
            mime.setData(NODE_MIME, type_ids[0].encode())
        return mime


class _Filter(QSortFilterProxyModel):
    def filterAcceptsRow(self, row, parent) -> bool:
        text = self.filterRegularExpression().pattern().lower()
        if not text:
            return True
        index = self.sourceModel().index(row, 0, parent)
        if not index.data(TYPE_ROLE):  # a category: shown when one of its types matches
            return any(self.filterAcceptsRow(r, index)
                       for r in range(self.sourceModel().rowCount(index)))
        haystack = f"{index.data(Qt.DisplayRole)} {index.data(TYPE_ROLE)} {index.data(Qt.ToolTipRole)}"
        return all(word in haystack.lower() for word in text.split())


class PaletteWidget(QWidget):
    add_requested = Signal(str)  # type id

    def __init__(self, registry, parent=None):
        super().__init__(parent)
        self.registry = registry
        self.search = QLineEdit(placeholderText="Search nodes…")
        self.search.setClearButtonEnabled(True)
        self.model = _NodeTypeModel(self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragOnly)
        self.tree.setMouseTracking(True)
        self.tree.setIndentation(12)
        self.tree.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.doc = QLabel(wordWrap=True)
        self.doc.setProperty("role", "muted")
        self.doc.setMinimumHeight(60)
        self.doc.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.doc)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._add_first_match)
        self.tree.doubleClicked.connect(self._activated)
        self.tree.entered.connect(self._show_doc)
        self.tree.activated.connect(self._activated)  # Enter on a selected type
        self.populate()

    def populate(self) -> None:
        self.model.clear()
        try:
            types = self.registry.all()
        except Exception as exc:  # a broken node library must not stop the designer
            self.doc.setText(f"The node library could not be loaded: {exc}")
            types = []
        order = {c: i for i, c in enumerate(CATEGORIES)}
        categories: dict[str, QStandardItem] = {}
        for node_type in sorted(types, key=lambda t: (order.get(t.category, 99), t.category,
                                                      t.title)):
            parent = categories.get(node_type.category)
            if parent is None:
                parent = QStandardItem(category_icon(node_type.category), node_type.category)
                parent.setDragEnabled(False)
                parent.setSelectable(False)
                font = parent.font()
                font.setBold(True)
                parent.setFont(font)
                categories[node_type.category] = parent
                self.model.appendRow(parent)
            item = QStandardItem(node_type.title)
            item.setData(node_type.type_id, TYPE_ROLE)
            item.setToolTip(_doc_html(node_type))
            item.setDragEnabled(True)
            parent.appendRow(item)
        self.tree.expandAll()

    def type_ids(self) -> list[str]:
        """Type ids currently shown (after the search filter), in order."""
        out = []
        for row in range(self.proxy.rowCount()):
            parent = self.proxy.index(row, 0)
            out += [self.proxy.index(r, 0, parent).data(TYPE_ROLE)
                    for r in range(self.proxy.rowCount(parent))]
        return out

    def _filter(self, text: str) -> None:
        self.proxy.setFilterRegularExpression(text.strip())
        self.tree.expandAll()

    def _add_first_match(self) -> None:
        shown = self.type_ids()
        text = self.search.text().strip().lower()
        exact = [t for t in shown if self.registry.get(t).title.lower() == text]
        if shown:
            self.add_requested.emit((exact or shown)[0])

    def _activated(self, index) -> None:
        type_id = index.data(TYPE_ROLE)
        if type_id:
            self.add_requested.emit(type_id)

    def _show_doc(self, index) -> None:
        type_id = index.data(TYPE_ROLE)
        self.doc.setText(index.data(Qt.ToolTipRole) if type_id else "")

    def mime_for(self, type_id: str) -> QMimeData:
        """What a drag of this type carries (for tests and the canvas drop)."""
        for row in range(self.model.rowCount()):
            parent = self.model.item(row)
            for r in range(parent.rowCount()):
                if parent.child(r).data(TYPE_ROLE) == type_id:
                    return self.model.mimeData([parent.child(r).index()])
        raise KeyError(type_id)


def _doc_html(node_type) -> str:
    doc = (node_type.doc or "").strip().split("\n\n")[0]
    ins = ", ".join(f"{p.name} ({p.type.value})" for p in node_type.inputs) or "none"
    outs = ", ".join(f"{p.name} ({p.type.value})" for p in node_type.outputs) or "none"
    return (f"<b>{node_type.title}</b><br>{doc}<br><span style='color:#6b7585'>"
            f"In: {ins}<br>Out: {outs}</span>")
