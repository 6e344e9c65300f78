"""Task: run one blocking call (start a server, score a file) on a QThread, results as signals.

    task = Task(fn, *args)               # fn(*args, task=task) when it wants progress/cancel
    task.succeeded.connect(dialog.on_done)       # connect to bound methods of QObjects, so the
    task.failed.connect(dialog.on_failed)        # slots run on the GUI thread
    task.start()

Inside fn, `task.report(fraction, count)` emits `progress` and raises Cancelled once `cancel()`
has been asked for, so long work stops at its next progress point.
"""
from __future__ import annotations

import inspect
import threading
import traceback

from PySide6.QtCore import QThread, Signal

__all__ = ["Task", "Cancelled"]


class Cancelled(Exception):
    """Raised inside a task's function when the user pressed Cancel."""


class Task(QThread):
    succeeded = Signal(object)          # fn's return value
    failed = Signal(str, str)           # message for people, traceback
    cancelled = Signal()
    progress = Signal(float, int)       # fraction done, items done

    def __init__(self, fn, *args, parent=None):
        super().__init__(parent)
        self.fn, self.args = fn, args
        self._cancel = threading.Event()
        self._wants_task = "task" in inspect.signature(fn).parameters

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def report(self, fraction: float, count: int = 0) -> None:
        self.progress.emit(float(fraction), int(count))
        if self._cancel.is_set():
            raise Cancelled()

    def run(self) -> None:
        try:
            result = self.fn(*self.args, task=self) if self._wants_task else self.fn(*self.args)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:        # shown to the user; the thread must never die silently
            self.failed.emit(str(exc) or type(exc).__name__, traceback.format_exc())
        else:                           # finished before it saw the cancel: the work is done
            self.succeeded.emit(result)
