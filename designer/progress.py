"""Run progress for the terminal: one line per node state change, on stderr."""
from __future__ import annotations

from typing import TextIO

from designer.engine.events import (NodeCached, NodeCancelled, NodeFailed, NodeFinished,
                                    NodeSkipped, NodeStarted, RunEvent, RunStarted)

__all__ = ["ProgressPrinter"]


class ProgressPrinter:
    def __init__(self, pipeline, stream: TextIO):
        self.pipeline = pipeline
        self.stream = stream
        self.total = 0
        self.count = 0

    def _line(self, node_id: str, text: str) -> None:
        self.count += 1
        name = self.pipeline.display_name(node_id)
        print(f"[{self.count}/{self.total}] {name}: {text}", file=self.stream, flush=True)

    def __call__(self, event: RunEvent) -> None:
        if isinstance(event, RunStarted):
            self.total = len(event.nodes)
        elif isinstance(event, NodeStarted):
            print(f"      {self.pipeline.display_name(event.node_id)}: running ...",
                  file=self.stream, flush=True)
        elif isinstance(event, NodeCached):
            self._line(event.node_id, "cached")
        elif isinstance(event, NodeFinished):
            self._line(event.node_id, f"done in {event.seconds:.2f} s")
        elif isinstance(event, NodeFailed):
            self._line(event.node_id, f"FAILED\n      {event.message}")
        elif isinstance(event, NodeSkipped):
            self._line(event.node_id, f"skipped ({event.reason})")
        elif isinstance(event, NodeCancelled):
            self._line(event.node_id, "cancelled")
