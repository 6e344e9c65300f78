"""Every model server the GUI started, and the threads starting or calling them, so none outlives it.

ServeDialog tracks itself, its ServerProcess objects and its Tasks here. stop_all_servers() runs
when the QApplication is about to quit, when the main window closes, and at interpreter exit as
a last resort: it shuts each open dialog down, then stops whatever is left.
"""
from __future__ import annotations

import atexit
import time
import weakref

__all__ = ["track", "forget", "halt", "live_servers", "stop_all_servers"]

_servers: set = set()               # ServerProcess objects that may be running
_tasks: set = set()                 # workers.Task threads starting, stopping or calling one
_dialogs: weakref.WeakSet = weakref.WeakSet()     # objects with shutdown()
_hooked = False


def track(server=None, task=None, dialog=None) -> None:
    global _hooked
    if server is not None:
        _servers.add(server)
    if task is not None:
        _tasks.add(task)
        task.finished.connect(lambda: _tasks.discard(task))
    if dialog is not None:
        _dialogs.add(dialog)
    if not _hooked:
        from PySide6.QtWidgets import QApplication
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(stop_all_servers)
        atexit.register(stop_all_servers)
        _hooked = True


def forget(server) -> None:
    """A stopped server its dialog replaces (Restart)."""
    if not server.running:
        _servers.discard(server)


def live_servers() -> list:
    """The tracked ServerProcess objects whose child is running."""
    return [s for s in _servers if s.running]


def halt(servers, tasks, seconds: float = 30.0) -> None:
    """Stop the servers and wait for the threads that start or call them. A thread that was
    still spawning a child when asked to stop is caught by stopping again after it."""
    try:
        for task in tasks:
            task.cancel()
        deadline = time.monotonic() + seconds
        while True:
            for server in servers:
                server.stop(timeout=5)
            if all(task.wait(100) for task in tasks) or time.monotonic() > deadline:
                break
    except RuntimeError:                # Qt already gone (interpreter exit): stop what we can
        pass
    for server in servers:
        server.stop(timeout=5)


def stop_all_servers() -> None:
    """Stop every model server the GUI started (app quit, main window closed)."""
    for dialog in list(_dialogs):
        try:
            dialog.shutdown()
        except RuntimeError:            # its Qt side is already gone; the sets below cover it
            pass
    halt(list(_servers), list(_tasks))
    _servers.clear()
