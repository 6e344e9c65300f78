"""Autosave for crash recovery: the open pipeline, when it has unsaved changes, is written every
minute to a recovery file in the user data dir; the next start after a crash offers it back; a
clean exit (or saving) leaves nothing to restore."""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from . import paths

__all__ = ["Autosave", "Recovered", "pending_recoveries", "AUTOSAVE_MS"]

AUTOSAVE_MS = 60_000
PREFIX = "session-"


@dataclass
class Recovered:
    file: Path
    saved_at: float
    pipeline: dict
    path: str | None        # the file the pipeline came from, if any
    base_dir: str

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else f"{self.pipeline.get('name', 'untitled')} " \
                                                       "(not saved)"

    def discard(self) -> None:
        self.file.unlink(missing_ok=True)


def pending_recoveries(directory: Path | None = None) -> list[Recovered]:
    """Autosaves left by sessions that ended without a clean exit, newest first."""
    directory = directory or paths.recovery_dir()
    found = []
    for file in directory.glob(f"{PREFIX}*.json"):
        try:
            pid = int(file.stem[len(PREFIX):].split("-")[0])
        except ValueError:
            continue
        from designer.store.process import pid_alive
        if pid == os.getpid() or pid_alive(pid):
            continue            # another MLWire window is still running and owns it
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            found.append(Recovered(file, float(data["saved_at"]), data["pipeline"],
                                   data.get("path"), data.get("base_dir") or str(Path.cwd())))
        except (OSError, ValueError, KeyError, TypeError):
            continue            # half-written or foreign: not something to offer
    return sorted(found, key=lambda r: -r.saved_at)


class Autosave(QObject):
    """Writes `window.document` to this session's recovery file while it has unsaved changes."""

    def __init__(self, window, interval_ms: int = AUTOSAVE_MS, directory: Path | None = None):
        super().__init__(window)
        self.window = window
        self.directory = directory or paths.recovery_dir()
        self.file = self.directory / f"{PREFIX}{os.getpid()}-{id(window):x}.json"
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.save_now)
        self.timer.start()

    def save_now(self) -> bool:
        """Write the recovery file (True), or remove it when nothing is unsaved (False)."""
        doc = self.window.document
        if doc is None or not doc.modified:
            self.file.unlink(missing_ok=True)
            return False
        data = {"saved_at": time.time(), "pid": os.getpid(),
                "path": str(doc.path) if doc.path else None, "base_dir": str(doc.base_dir),
                "pipeline": doc.pipeline.to_json()}
        tmp = self.file.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, self.file)
        except OSError as exc:
            self.window.show_message(f"Autosave failed: {exc}")
            return False
        return True

    def clean_exit(self) -> None:
        self.timer.stop()
        self.file.unlink(missing_ok=True)


def restore(found: Recovered, registry=None):
    """A Document holding the autosaved pipeline, marked unsaved, tied to its original file."""
    from designer.model import PipelineError, pipeline_from_json
    from .document import Document
    try:
        pipeline = pipeline_from_json(found.pipeline, registry, source=str(found.file))
    except PipelineError:
        return None
    path = Path(found.path) if found.path and Path(found.path).exists() else None
    return Document(pipeline, path, base_dir=found.base_dir, modified=True)
