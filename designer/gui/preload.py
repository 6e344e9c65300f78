"""Import what showing results needs (numpy, pandas, scikit-learn, pyqtgraph, the project store)
in a background thread, started just after the window first appears.

The window starts without them (start-up time); importing them on the GUI thread when the first
output is shown froze the window for a second or more. A background import shares the
interpreter lock in 5 ms slices, so the event loop keeps running meanwhile.
"""
from __future__ import annotations

import importlib
import sys
import threading

__all__ = ["preload_in_background", "wait_until_loaded", "MODULES"]

MODULES = ("numpy", "pandas", "sklearn.pipeline", "pyqtgraph", "designer.store",
           "designer.tracking", "designer.automl")

_started = threading.Event()
_loaded = threading.Event()


def preload_in_background() -> None:
    """Start the preload once per process; later calls return at once."""
    if _started.is_set():
        return
    _started.set()

    def work() -> None:
        # Every PySide call releases and retakes the interpreter lock; with the default 5 ms
        # switch interval each retake can wait 5 ms behind this thread, and an event-loop pass
        # of many calls stalls for a quarter second. Switch more often while importing.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, 0.0005))
        try:
            for name in MODULES:
                try:
                    importlib.import_module(name)
                except Exception:   # whatever fails here fails again, visibly, where it is used
                    pass
        finally:
            sys.setswitchinterval(interval)
            _loaded.set()
    threading.Thread(target=work, name="mlwire-preload", daemon=True).start()


def wait_until_loaded(timeout: float | None = None) -> bool:
    """True once the preload has finished (False after `timeout` seconds, or if never started)."""
    return _started.is_set() and _loaded.wait(timeout)
