"""Live checking: runs the checker shortly after each edit and publishes its findings."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from designer.engine.checker import Finding, check

__all__ = ["LiveChecker"]


class LiveChecker(QObject):
    findings_changed = Signal(list)  # list[Finding]

    def __init__(self, parent=None, delay_ms: int = 250):
        super().__init__(parent)
        self.document = None
        self.findings: list[Finding] = []
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self.check_now)

    def set_document(self, document) -> None:
        if self.document is not None:
            try:
                self.document.changed.disconnect(self.schedule)
            except (RuntimeError, TypeError):
                pass
        self.document = document
        if document is not None:
            document.changed.connect(self.schedule)
        self.check_now()

    def schedule(self) -> None:
        self._timer.start()

    def check_now(self) -> list[Finding]:
        self._timer.stop()
        if self.document is None:
            self.findings = []
        else:
            pipeline = self.document.pipeline
            cycle = pipeline.find_cycle()
            if cycle:
                self.findings = [Finding("error", cycle[0], "The pipeline has a cycle through "
                                         + " → ".join(cycle) + ".", "cycle")]
            else:
                try:
                    self.findings = check(pipeline, self.document.base_dir)
                except Exception as exc:  # a checker bug must not take the editor down
                    self.findings = [Finding("error", None, f"The checker failed: {exc}", "internal")]
        self.findings_changed.emit(self.findings)
        return self.findings
