"""The welcome screen: start a new project or a blank pipeline, open a recent file, or open one of
the bundled examples (which run out of the box)."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from . import theme
from .style import icon

__all__ = ["WelcomePage", "example_files", "EXAMPLE_TEXT"]

EXAMPLE_TEXT = {
    "churn": ("Customer churn", "Clean, encode and scale telecom customer data, train boosted "
              "trees and evaluate them: ROC, precision-recall, confusion matrix.",
              "mdi6.account-arrow-right-outline"),
    "diabetes": ("Diabetes progression", "Regression: a random forest and a linear model "
                 "trained on the same rows and evaluated side by side, with residual plots.",
                 "mdi6.chart-scatter-plot"),
    "iris-clusters": ("Iris clusters", "Clustering: k-means on scaled flower measurements, "
                      "with silhouette and Davies-Bouldin scores.", "mdi6.flower-outline"),
    "churn-leaky": ("Churn, with a leak", "The churn data with a classic mistake: missing values "
                    "filled before the split. The checker flags the data leakage.",
                    "mdi6.water-alert-outline"),
}


def example_files(directory: Path) -> list[Path]:
    """The bundled examples, the best first-run first."""
    order = list(EXAMPLE_TEXT)
    files = sorted(directory.glob("*.pipeline.json"))
    key = lambda p: (order.index(_stem(p)) if _stem(p) in order else len(order), p.name)  # noqa: E731
    return sorted(files, key=key)


def _stem(path: Path) -> str:
    return path.name[: -len(".pipeline.json")]


def _example_text(path: Path) -> tuple[str, str, str]:
    if _stem(path) in EXAMPLE_TEXT:
        return EXAMPLE_TEXT[_stem(path)]
    try:
        nodes = len(json.loads(path.read_text(encoding="utf-8")).get("nodes", []))
    except (OSError, ValueError):
        nodes = 0
    return _stem(path), f"An example pipeline with {nodes} nodes.", "mdi6.graph-outline"


class _Card(QFrame):
    """A clickable example card (a frame, so that its wrapped text gets the height it needs)."""
    clicked = Signal()

    def __init__(self, title: str, text: str, icon_name: str, parent=None):
        super().__init__(parent)
        self.setObjectName("card")
        self.setCursor(Qt.PointingHandCursor)
        self.setMinimumWidth(260)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        glyph = QLabel()
        glyph.setPixmap(icon(icon_name, "#2f6fed").pixmap(30, 30))
        glyph.setAttribute(Qt.WA_TransparentForMouseEvents)
        muted = theme.current().text_muted
        words = QLabel(f"<b style='font-size:11pt'>{title}</b><br>"
                       f"<span style='color:{muted}'>{text}</span>", wordWrap=True)
        words.setAttribute(Qt.WA_TransparentForMouseEvents)
        layout.addWidget(glyph, 0, Qt.AlignTop)
        layout.addWidget(words, 1)

    def click(self) -> None:
        self.clicked.emit()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class WelcomePage(QScrollArea):
    new_project = Signal()
    blank_pipeline = Signal()
    open_file = Signal()
    open_path = Signal(str)        # a recent file
    open_example = Signal(str)     # a bundled example's pipeline file

    def __init__(self, examples_dir: Path, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        self.examples_dir = examples_dir
        page = QWidget(objectName="welcome")
        outer = QVBoxLayout(page)
        outer.setContentsMargins(48, 36, 48, 36)
        outer.setSpacing(6)
        title = QLabel("MLWire")
        title.setProperty("role", "title")
        subtitle = QLabel("Build machine-learning pipelines by drag and drop, run them on this "
                          "computer, and keep every result.")
        subtitle.setProperty("role", "muted")
        outer.addWidget(title)
        outer.addWidget(subtitle)
        outer.addSpacing(18)
        columns = QHBoxLayout()
        columns.setSpacing(40)
        outer.addLayout(columns, 1)
        # start + recent
        left = QVBoxLayout()
        left.addWidget(self._heading("Start"))
        for text, icon_name, signal, tip in (
                ("New project…", "mdi6.folder-plus-outline", self.new_project,
                 "Create a project file (.mlw) that keeps your pipelines and every run"),
                ("Blank pipeline", "mdi6.file-outline", self.blank_pipeline,
                 "Start drawing now; choose where to save later"),
                ("Open…", "mdi6.folder-open-outline", self.open_file,
                 "Open a project (.mlw) or a pipeline file (.pipeline.json)")):
            button = QPushButton(icon(icon_name, "#2f6fed"), text)
            button.setObjectName("link")
            button.setToolTip(tip)
            button.setCursor(Qt.PointingHandCursor)
            button.clicked.connect(signal)
            left.addWidget(button)
        left.addSpacing(16)
        left.addWidget(self._heading("Recent"))
        self.recent = QListWidget()
        self.recent.setObjectName("recent")
        self.recent.setIconSize(QSize(16, 16))
        self.recent.itemActivated.connect(lambda item: self.open_path.emit(item.data(Qt.UserRole)))
        self.recent.itemClicked.connect(lambda item: self.open_path.emit(item.data(Qt.UserRole)))
        self.recent.setMaximumHeight(260)
        left.addWidget(self.recent)
        left.addStretch(1)
        columns.addLayout(left, 2)
        # examples
        right = QVBoxLayout()
        right.addWidget(self._heading("Examples — open one and press Run (F5)"))
        grid = QGridLayout()
        grid.setSpacing(12)
        self.example_buttons: dict[str, _Card] = {}
        for i, path in enumerate(example_files(examples_dir)):
            card = _Card(*_example_text(path))
            card.setToolTip(f"Opens a copy of {path.name}, ready to run")
            card.clicked.connect(lambda _=False, p=str(path): self.open_example.emit(p))
            grid.addWidget(card, i // 2, i % 2)
            self.example_buttons[_stem(path)] = card
        right.addLayout(grid)
        right.addStretch(1)
        columns.addLayout(right, 5)
        self.setWidget(page)

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "heading")
        return label

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            kind = "mdi6.database-outline" if path.endswith(".mlw") else "mdi6.graph-outline"
            item = QListWidgetItem(icon(kind, "#6b7585"), Path(path).name)
            item.setToolTip(path)
            item.setData(Qt.UserRole, path)
            self.recent.addItem(item)
        if not paths:
            item = QListWidgetItem("Nothing opened yet")
            item.setFlags(Qt.NoItemFlags)
            self.recent.addItem(item)
