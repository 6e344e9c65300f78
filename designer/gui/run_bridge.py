"""Runs pipelines through the engine from a QThread and turns engine events into Qt signals;
node work happens in the engine's worker processes, so the window never blocks. Every run is
recorded in the document's project by a RunRecorder listening on the engine thread."""
from __future__ import annotations

import logging
import os
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from .preload import preload_in_background

__all__ = ["RunController"]

log = logging.getLogger("designer.gui")


WORKER_NICENESS = 5   # raise to let workers yield the CPU to the window (0: as the window)


def _nice_pool(workers: int | None):
    """The engine's WorkerPool, with each new worker process at a lower CPU priority, so that
    even with every core busy training, the window keeps painting."""
    from designer.engine import WorkerPool

    class NicePool(WorkerPool):
        def ensure_started(self, wanted: int | None = None) -> None:
            before = {id(w) for w in self.workers}
            super().ensure_started(wanted)
            if hasattr(os, "setpriority"):
                for w in self.workers:
                    if id(w) not in before and w.process.pid:
                        try:
                            os.setpriority(os.PRIO_PROCESS, w.process.pid, WORKER_NICENESS)
                        except OSError:
                            pass

    return NicePool(workers)


class _RunThread(QThread):
    event = Signal(object)     # designer.engine.events.RunEvent
    result = Signal(object)    # RunResult
    crashed = Signal(str)
    record_failed = Signal(str)

    def __init__(self, engine, snapshot, base_dir, targets, use_cache, link, save_pipeline):
        super().__init__()
        self.engine, self.snapshot, self.base_dir = engine, snapshot, base_dir
        self.targets, self.use_cache = targets, use_cache
        self.link, self.save_pipeline = link, save_pipeline
        self.recorder = None

    def _open_recorder(self) -> None:
        """The project is opened (created on the first run) here, off the GUI thread."""
        if self.link is None:
            return
        try:
            from designer.store import RunRecorder
            project = self.link.project(create=True)
            if self.save_pipeline:      # like `mlwire run x.pipeline.json`
                project.pipelines.save(self.snapshot.name, self.snapshot.to_json())
            self.recorder = RunRecorder(project)
        except Exception as exc:
            self.record_failed.emit(f"This run is not recorded: the project {self.link.path} "
                                    f"could not be opened ({exc}).")

    def _listen(self, event) -> None:
        if self.recorder is not None:
            try:
                self.recorder(event)
            except Exception as exc:    # recording must never stop the run
                self.recorder = None
                self.record_failed.emit(f"Recording this run stopped: {exc}")
        self.event.emit(event)

    def run(self) -> None:
        try:    # a worker imports pandas and scikit-learn while the project is opened
            self.engine.pool.ensure_started(1)
        except Exception:
            pass    # the engine starts workers itself and reports what goes wrong
        self._open_recorder()
        try:
            result = self.engine.run(self.snapshot, self.base_dir, targets=self.targets,
                                     use_cache=self.use_cache, listener=self._listen)
        except Exception as exc:  # the engine reports node failures itself; this is a bug
            self.crashed.emit(f"The run stopped unexpectedly: {exc}\n\n{traceback.format_exc()}")
            return
        self.result.emit(result)


class RunController(QObject):
    event = Signal(object)
    finished = Signal(object)   # RunResult
    crashed = Signal(str)
    record_failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, parent=None, workers: int | None = None):
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
        cache_dir = document.link.cache_dir
        if self.engine is None or cache_dir != self._cache_dir:
            if self.engine is not None:
                self.engine.close()
            self.engine = Engine(cache_dir, pool=_nice_pool(self.workers))
            self._cache_dir = cache_dir
        return self.engine

    def warm_up(self, document) -> None:
        """Start one worker now (it imports pandas and scikit-learn), so the first run is quick,
        and load what showing its results needs in the background."""
        if not self.running and document.pipeline.nodes:
            self._engine_for(document).pool.ensure_started(1)
            preload_in_background()

    def worker_pids(self) -> list[int]:
        if self.engine is None:
            return []
        return [w.process.pid for w in self.engine.pool.workers if w.process.pid]

    def start(self, document, targets: list[str] | None = None, use_cache: bool = True) -> bool:
        if self.running:
            return False
        preload_in_background()
        engine = self._engine_for(document)
        save_pipeline = document.path is not None and not document.is_project
        thread = _RunThread(engine, document.pipeline.snapshot(), document.base_dir, targets,
                            use_cache, document.link, save_pipeline)
        thread.event.connect(self.event)
        thread.result.connect(self._done)
        thread.crashed.connect(self.crashed)
        thread.record_failed.connect(self.record_failed)
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

    def _thread_finished(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.deleteLater()
        self.running_changed.emit(False)

    def close(self) -> None:
        """Cancel a run, wait for its thread, and end every worker process."""
        if self.engine is not None:
            self.engine.cancel()
            if self._thread is not None:
                self._thread.wait(5000)
            self.engine.close()
            self.engine = None
            self._cache_dir = None
