"""Garbage cycles are freed on the GUI thread, never by a worker thread's allocations."""
from __future__ import annotations

import gc
import threading

from designer.gui.app import create_app


class _Cycle:
    freed_on: list = []

    def __init__(self):
        self.me = self                      # a reference cycle: only the collector frees it

    def __del__(self):
        _Cycle.freed_on.append(threading.current_thread().name)


def test_cycles_made_garbage_in_a_worker_are_collected_on_the_gui_thread(qtbot):
    create_app()
    assert not gc.isenabled()
    _Cycle.freed_on.clear()

    kept = []

    def worker():
        for _ in range(50):
            _Cycle()                        # garbage cycles...
        # ...and, kept alive, far more new objects than the collector's threshold
        kept.append([[i] for i in range(200_000)])
    thread = threading.Thread(target=worker, name="worker")
    thread.start()
    thread.join()
    assert _Cycle.freed_on == []            # nothing collected on the worker thread
    qtbot.waitUntil(lambda: len(_Cycle.freed_on) == 50, timeout=5000)
    assert set(_Cycle.freed_on) == {threading.main_thread().name}
    kept.clear()
