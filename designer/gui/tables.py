"""Read-only table widgets as the designer's panels show them (one row per item, whole-row
selection, columns sized to their contents)."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget

__all__ = ["read_only_table"]


def read_only_table(headers: list[str], *, single_selection: bool = False,
                    row_height: int | None = None) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    if single_selection:
        table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    if row_height is not None:
        table.verticalHeader().setDefaultSectionSize(row_height)
    return table
