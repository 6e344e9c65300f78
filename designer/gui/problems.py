"""The Problems tab: the checker's errors and warnings; activating one selects and centres its node."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem

from .style import SEVERITY_COLOURS, icon

__all__ = ["ProblemsPanel"]


class ProblemsPanel(QTreeWidget):
    node_activated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setColumnCount(3)
        self.setHeaderLabels(["", "Node", "Problem"])
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)

    def set_findings(self, findings, pipeline=None) -> None:
        self.clear()
        for finding in findings:
            name = finding.node_id or ""
            if pipeline is not None and finding.node_id in pipeline:
                name = pipeline.display_name(finding.node_id)
            item = QTreeWidgetItem(["", name, finding.message])
            item.setIcon(0, icon("mdi6.alert-circle" if finding.severity == "error"
                                 else "mdi6.alert", SEVERITY_COLOURS.get(finding.severity, "#666")))
            item.setToolTip(2, finding.message)
            item.setData(0, Qt.UserRole, finding.node_id)
            self.addTopLevelItem(item)

    def _clicked(self, item, _column=0) -> None:
        node_id = item.data(0, Qt.UserRole)
        if node_id:
            self.node_activated.emit(node_id)
