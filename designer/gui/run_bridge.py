"""Runs pipelines through the engine from a QThread and turns engine events into Qt signals;
node work happens in the engine's worker processes, so the window never blocks."""
from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

__all__ = ["RunController"]


class _RunThread(QThread):
    event = Signal(object)     # designer.engine.events.RunEvent
    result = Signal(object)    # RunResult
    crashed = Signal(str)

    def __init__(self, engine, snapshot, base_dir, targets, use_cache):
        super().__init__()
        self.engine, self.snapshot, self.base_dir = engine, snapshot, base_dir
        self.targets, self.use_cache = targets, use_cache

    def run(self) -> None:
        try:
            result = self.engine.run(self.snapshot, self.base_dir, targets=self.targets,
                                     use_cache=self.use_cache, listener=self.event.emit)
        except Exception as exc:  # the engine reports node failures itself; this is a bug
            import traceback
            self.crashed.emit(f"The run stopped unexpectedly: {exc}\n\n{traceback.format_exc()}")
            return
        self.result.emit(result)


class RunController(QObject):
    event = Signal(object)
    finished = Signal(object)   # RunResult
    crashed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, parent=None, workers: int = 2):
        super().__init__(parent)
        self.workers = workers
        self.engine = None
        self._cache_dir: Path | None = None
        self._thread: _RunThread | None = None
        self.last_result = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def _engine_for(self, document):
        from designer.engine import Engine
        if document.path is not None:
            cache_dir = document.path.with_name(document.path.name.split(".")[0] + ".mlw-cache")
        else:
            cache_dir = Path(tempfile.gettempdir()) / "mlwire-unsaved-cache"
        if self.engine is None or cache_dir != self._cache_dir:
            if self.engine is not None:
                self.engine.close()
            self.engine = Engine(cache_dir, workers=self.workers)
            self._cache_dir = cache_dir
        return self.engine

    def start(self, document, targets: list[str] | None = None, use_cache: bool = True) -> bool:
        if self.running:
            return False
        engine = self._engine_for(document)
        thread = _RunThread(engine, document.pipeline.snapshot(), document.base_dir, targets,
                            use_cache)
        thread.event.connect(self.event)
        thread.result.connect(self._done)
        thread.crashed.connect(self._crashed)
        thread.finished.connect(self._thread_finished)
        self._thread = thread
        self.running_changed.emit(True)
        thread.start()
        return True

    def cancel(self) -> None:
        if self.engine is not None and self.running:
            self.engine.cancel()

    def output(self, node_id: str, port: str):
        if self.engine is None:
            raise KeyError("nothing has run yet")
        return self.engine.output(node_id, port)

    def _done(self, result) -> None:
        self.last_result = result
        self.finished.emit(result)

    def _crashed(self, message: str) -> None:
        self.crashed.emit(message)

    def _thread_finished(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.deleteLater()
        self.running_changed.emit(False)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.cancel()
            if self._thread is not None:
                self._thread.wait(5000)
            self.engine.close()
            self.engine = None
