"""Load what showing results needs (numpy, pandas, scikit-learn, the project store, pyqtgraph)
just after the window first appears, so that the first output of a run does not freeze it.

The window starts without them (start-up time). The libraries that create no Qt objects are
imported in a background thread, which shares the interpreter lock in short slices so the event
loop keeps running; pyqtgraph, a Qt widget library, is then imported on the GUI thread (Qt
objects belong to the thread that makes them), while the window is still idle after start.
"""
from __future__ import annotations

import importlib
import sys
import threading

from PySide6.QtCore import QObject, Qt, Signal

__all__ = ["preload_in_background", "wait_until_loaded", "BACKGROUND_MODULES", "GUI_MODULES"]

BACKGROUND_MODULES = ("numpy", "pandas", "sklearn.pipeline", "designer.store",
                      "designer.tracking", "designer.automl")
GUI_MODULES = ("pyqtgraph",)

_started = threading.Event()
_loaded = threading.Event()


def _import_all(names) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:           # whatever fails here fails again, visibly, where it is used
            pass


class _Relay(QObject):
    """Carries "the background imports are done" to the GUI thread (a queued signal)."""
    background_done = Signal()

    def finish_on_gui_thread(self) -> None:
        _import_all(GUI_MODULES)
        _loaded.set()


_relay: _Relay | None = None


def preload_in_background() -> None:
    """Start the preload once per process (call it on the GUI thread); later calls return."""
    global _relay
    if _started.is_set():
        return
    _started.set()
    _relay = _Relay()
    _relay.background_done.connect(_relay.finish_on_gui_thread, Qt.QueuedConnection)

    def work() -> None:
        # Every PySide call releases and retakes the interpreter lock; with the default 5 ms
        # switch interval each retake can wait 5 ms behind this thread, and an event-loop pass
        # of many calls stalls for a quarter second. Switch more often while importing.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, 0.0005))
        try:
            _import_all(BACKGROUND_MODULES)
        finally:
            sys.setswitchinterval(interval)
            _relay.background_done.emit()
    threading.Thread(target=work, name="mlwire-preload", daemon=True).start()


def wait_until_loaded(timeout: float | None = None) -> bool:
    """True once the preload has finished (False after `timeout` seconds, or if never started).
    The last step runs on the GUI thread: keep its event loop running while waiting."""
    return _started.is_set() and _loaded.wait(timeout)
