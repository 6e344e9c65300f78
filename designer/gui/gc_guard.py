"""Cyclic garbage collection on the GUI thread only.

Python's cycle collector runs in whichever thread happens to allocate when a threshold is
crossed. In the designer that can be a run's worker thread or the preload thread; if the cycles
it frees hold Qt wrappers (a widget whose signal is connected to a lambda that captures it),
their Qt objects are destroyed outside the GUI thread, and Qt crashes (a segmentation fault, at
random, long after the cause). So automatic collection is switched off and a timer on the GUI
thread collects, generation by generation, with the interpreter's own thresholds.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["install_gui_thread_gc"]

_collector = None


class _GuiThreadCollector(QObject):
    def __init__(self, interval_ms: int):
        super().__init__()
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self, interval=interval_ms, timeout=self.collect_due)
        self.timer.start()

    def collect_due(self) -> None:
        counts = gc.get_count()
        if counts[0] <= self.thresholds[0]:
            return
        generation = 0
        for level in (1, 2):        # an older generation is due when its own count is over
            if counts[level] > self.thresholds[level]:
                generation = level
        gc.collect(generation)


def install_gui_thread_gc(interval_ms: int = 500) -> None:
    """Call once on the GUI thread after the QApplication exists; later calls do nothing."""
    global _collector
    if _collector is None:
        _collector = _GuiThreadCollector(interval_ms)
