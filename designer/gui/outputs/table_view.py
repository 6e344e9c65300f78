"""The table viewer: the rows (virtualised) beside per-column statistics and a histogram."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHeaderView, QLabel, QSplitter, QTableView, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from .. import theme
from .table_model import DataFrameModel

__all__ = ["TableViewer", "column_stats"]


def column_stats(df) -> list[dict]:
    out = []
    for name in df.columns:
        col = df[name]
        row = {"column": str(name), "type": str(col.dtype), "missing": int(col.isna().sum()),
               "unique": int(col.nunique(dropna=True))}
        if col.dtype.kind in "iuf":
            row.update(mean=col.mean(), std=col.std(), min=col.min(), max=col.max())
        out.append(row)
    return out


class TableViewer(QWidget):
    STATS = ("column", "type", "missing", "unique", "mean", "std", "min", "max")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = DataFrameModel(parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(110)
        self.stats = QTableWidget(0, len(self.STATS))
        self.stats.setHorizontalHeaderLabels([s.capitalize() for s in self.STATS])
        self.stats.verticalHeader().hide()
        self.stats.setEditTriggers(QTableWidget.NoEditTriggers)
        self.stats.setSelectionBehavior(QTableWidget.SelectRows)
        self.stats.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.plot = pg.PlotWidget(background=theme.current().plot_bg)
        self.plot.setMaximumHeight(160)
        self.caption = QLabel()
        self.caption.setProperty("role", "muted")
        right = QSplitter(Qt.Vertical)
        right.addWidget(self.stats)
        right.addWidget(self.plot)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setSizes([600, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(split, 1)
        self.stats.currentCellChanged.connect(lambda row, *_: self._histogram(row))
        self.df = None

    def set_frame(self, df, caption: str = "") -> None:
        self.df = df
        self.model.set_frame(df)
        self.caption.setText(f"{caption}   {len(df):,} rows × {len(df.columns)} columns")
        stats = column_stats(df)
        self.stats.setRowCount(len(stats))
        for r, row in enumerate(stats):
            for c, key in enumerate(self.STATS):
                value = row.get(key, "")
                text = f"{value:.4g}" if isinstance(value, (float, np.floating)) else str(value)
                item = QTableWidgetItem(text)
                if key not in ("column", "type"):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.stats.setItem(r, c, item)
        if stats:
            self.stats.setCurrentCell(0, 0)
            self._histogram(0)

    def _histogram(self, row: int) -> None:
        self.plot.clear()
        if self.df is None or not 0 <= row < len(self.df.columns):
            return
        col = self.df.iloc[:, row].dropna()
        self.plot.setTitle(str(self.df.columns[row]), size="9pt")
        if col.dtype.kind in "iuf" and len(col):
            counts, edges = np.histogram(col.to_numpy(dtype=float), bins=min(30, max(5, col.nunique())))
            self.plot.plot(edges, counts, stepMode="center", fillLevel=0,
                           brush=(59, 130, 246, 120), pen=pg.mkPen("#3b82f6"))
        else:
            top = col.astype(str).value_counts().head(20)
            bars = pg.BarGraphItem(x=np.arange(len(top)), height=top.to_numpy(), width=0.7,
                                   brush="#3b82f6")
            self.plot.addItem(bars)
            self.plot.getAxis("bottom").setTicks([list(enumerate(top.index.tolist()))])
