"""The quick-add search at the cursor (Ctrl+Space): type to filter node types, Enter adds one."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QListWidget, QListWidgetItem, QLineEdit, QVBoxLayout

from .style import category_icon

__all__ = ["QuickAddPopup"]


class QuickAddPopup(QFrame):
    chosen = Signal(str)

    def __init__(self, registry, parent=None):
        super().__init__(parent, Qt.Popup)
        self.setFrameShape(QFrame.StyledPanel)
        self.search = QLineEdit(placeholderText="Add node…")
        self.list = QListWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.resize(280, 320)
        try:
            types = sorted(registry.all(), key=lambda t: t.title)
        except Exception:
            types = []
        for node_type in types:
            item = QListWidgetItem(category_icon(node_type.category), node_type.title)
            item.setData(Qt.UserRole, node_type.type_id)
            item.setToolTip(node_type.doc or "")
            self.list.addItem(item)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._choose_current)
        self.list.itemActivated.connect(self._choose)
        self._filter("")

    def show_at(self, global_pos) -> None:
        self.move(global_pos)
        self.show()
        self.search.setFocus()

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            hay = f"{item.text()} {item.data(Qt.UserRole)}".lower()
            hidden = not all(w in hay for w in words)
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        self.list.setCurrentItem(first)

    def _choose_current(self) -> None:
        if self.list.currentItem() is not None and not self.list.currentItem().isHidden():
            self._choose(self.list.currentItem())

    def _choose(self, item) -> None:
        self.chosen.emit(item.data(Qt.UserRole))
        self.close()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Down, Qt.Key_Up):
            self.list.keyPressEvent(event)
            return
        super().keyPressEvent(event)
