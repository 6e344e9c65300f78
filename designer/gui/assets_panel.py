"""The project's data assets (registered data sets with versions) and "which runs used this
data": the answer is the Runs tab filtered with `asset = "NAME"` (or `"NAME:VERSION"`), the same
filter as `mlwire runs --filter`, matched by content fingerprint."""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from .tables import read_only_table

__all__ = ["AssetsDialog", "asset_filter"]


def asset_filter(name: str, version: int | None = None) -> str:
    return f'asset = "{name}"' if version is None else f'asset = "{name}:{version}"'


def _fill(table: QTableWidget, rows: list[list]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("—" if value is None else str(value)))


class AssetsDialog(QDialog):
    def __init__(self, panel, parent=None):
        super().__init__(parent)
        self.panel = panel
        self.setWindowTitle("Data assets — MLWire")
        self.assets_table = read_only_table(
            ["Asset", "Latest", "Versions", "Rows", "Columns", "File"], single_selection=True)
        self.versions_table = read_only_table(
            ["Version", "Rows", "Columns", "sha256", "Added", "File"], single_selection=True)
        self.caption = QLabel()
        self.caption.setProperty("role", "muted")
        self.caption.setWordWrap(True)
        self.runs_button = QPushButton("Show runs that used it")
        self.runs_button.setToolTip("Filter the Runs tab to the runs that read this data (any "
                                    "version, or the version selected below)")
        self.runs_button.clicked.connect(self.show_runs)
        self.assets_table.itemSelectionChanged.connect(self._asset_chosen)
        self.versions_table.itemSelectionChanged.connect(self._update)
        buttons = QHBoxLayout()
        buttons.addWidget(self.caption, 1)
        buttons.addWidget(self.runs_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.assets_table, 2)
        layout.addWidget(QLabel("Versions of the selected asset (select one to ask about it "
                                "alone):"))
        layout.addWidget(self.versions_table, 1)
        layout.addLayout(buttons)
        self.assets: list = []
        self.versions: list = []
        self.resize(760, 460)

    def reload(self) -> None:
        project = self.panel.project()
        self.assets = project.assets.list() if project is not None else []
        _fill(self.assets_table, [[a.name, a.latest.version if a.latest else None, a.versions,
                                   a.latest.rows if a.latest else None,
                                   a.latest.columns if a.latest else None,
                                   a.latest.uri if a.latest else ""] for a in self.assets])
        if self.assets:
            self.assets_table.selectRow(0)
        self._asset_chosen()

    def chosen(self) -> tuple[str | None, int | None]:
        rows = self.assets_table.selectionModel().selectedRows()
        if not rows:
            return None, None
        name = self.assets[rows[0].row()].name
        versions = self.versions_table.selectionModel().selectedRows()
        return name, (self.versions[versions[0].row()].version if versions else None)

    def _asset_chosen(self) -> None:
        name, _ = self.chosen()
        project = self.panel.project()
        self.versions = project.assets.versions(name) if name and project is not None else []
        _fill(self.versions_table, [[v.version, v.rows, v.columns, v.sha256[:12],
                                     f"{v.created_at.astimezone():%Y-%m-%d %H:%M}", v.uri]
                                    for v in self.versions])
        self._update()

    def _update(self) -> None:
        name, version = self.chosen()
        self.runs_button.setEnabled(name is not None)
        if not self.assets:
            self.caption.setText("No data assets yet. Register a data file with `mlwire assets "
                                 "PROJECT add NAME FILE`; import nodes then read it as "
                                 "asset:NAME@latest.")
        elif name is not None:
            self.caption.setText(f"Runs tab filter: {asset_filter(name, version)}")

    def show_runs(self) -> None:
        """Filter the Runs tab to the runs that read the chosen asset (version)."""
        name, version = self.chosen()
        if name is not None:
            self.panel.set_filter(asset_filter(name, version))
