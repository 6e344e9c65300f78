"""A QAbstractTableModel over a pandas DataFrame: cells are formatted on demand (virtualised)."""
from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

__all__ = ["DataFrameModel"]


class DataFrameModel(QAbstractTableModel):
    def __init__(self, df=None, parent=None):
        super().__init__(parent)
        self.df = df

    def set_frame(self, df) -> None:
        self.beginResetModel()
        self.df = df
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if self.df is None or parent.isValid() else len(self.df)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if self.df is None or parent.isValid() else len(self.df.columns)

    def data(self, index, role=Qt.DisplayRole):
        if self.df is None or not index.isValid():
            return None
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            value = self.df.iat[index.row(), index.column()]
            return _format(value)
        if role == Qt.TextAlignmentRole:
            kind = self.df.dtypes.iloc[index.column()].kind
            return int(Qt.AlignRight | Qt.AlignVCenter) if kind in "iufb" else None
        if role == Qt.ForegroundRole:
            value = self.df.iat[index.row(), index.column()]
            if _missing(value):
                from PySide6.QtGui import QColor
                return QColor("#a0a7b4")
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role != Qt.DisplayRole or self.df is None:
            return None
        if orientation == Qt.Horizontal:
            return str(self.df.columns[section])
        return str(self.df.index[section])


def _missing(value) -> bool:
    try:
        return value is None or (isinstance(value, float) and math.isnan(value)) or \
            str(value) in ("NaN", "nan", "<NA>", "NaT")
    except Exception:
        return False


def _format(value) -> str:
    if _missing(value):
        return "—"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
