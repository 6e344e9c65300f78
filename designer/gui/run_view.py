"""What a run looks like in the window: node states, failure messages and row counts on the
canvas, progress in the status bar, messages in the Log tab, outputs in the Output tab, and the
recorded run in the Runs tab."""
from __future__ import annotations

import time

from designer.engine import events as ev

from .run_bridge import RunController
from .trust_dialog import TrustGate

__all__ = ["RunView"]


class RunView:
    def __init__(self, window):
        self.window = window
        self.controller = RunController(window)
        self.controller.event.connect(self._on_event)
        self.controller.finished.connect(self._finished)
        self.controller.crashed.connect(self._crashed)
        self.controller.running_changed.connect(self._running_changed)
        self.controller.record_failed.connect(self._record_failed)
        self.states: dict[str, str] = {}
        self.failures: dict[str, tuple[str, str]] = {}   # node id -> (message, traceback)
        self.result = None
        self._total = 0
        self._started = 0.0
        self.trust = TrustGate(window)    # untrusted script/database/URL nodes: review first

    # -- commands from the window -----------------------------------------------------------
    def run(self, targets: list[str] | None = None) -> bool:
        doc = self.window.document
        if not doc.pipeline.nodes:
            self.window.show_message("Add some nodes first.")
            return False
        if not self.trust.allow_run(targets):
            return False
        self.states = {}
        self.failures = {}
        self.result = None
        for item in doc.scene.nodes.values():
            item.set_state("idle")
        for edge_item in doc.scene.edges.values():
            edge_item.set_label("")
        self._started = time.perf_counter()
        started = self.controller.start(doc, targets)
        if started:
            self._log(f"— run started{' (to ' + ', '.join(targets) + ')' if targets else ''} —")
        return started

    def cancel(self) -> None:
        if self.controller.running:
            self.window.show_message("Cancelling…")
            self.controller.cancel()

    def close(self) -> None:
        self.trust.close()
        self.controller.close()

    def document_shown(self, document) -> None:
        """A document is now in the window (the trust gate notes what came with its file)."""
        self.trust.set_document(document)

    def document_changed(self) -> None:
        """A different document is shown: stop a run of the old one and forget its outputs."""
        if self.running:
            self.controller.close()
        self.states, self.failures, self.result = {}, {}, None
        self.window.run_status.setText("")

    def failure(self, node_id: str) -> tuple[str, str] | None:
        return self.failures.get(node_id)

    @property
    def running(self) -> bool:
        return self.controller.running

    # -- engine events (already on the GUI thread) ------------------------------------------
    def _set_state(self, node_id: str, state: str, progress: float = 0.0, message: str = "") -> None:
        self.states[node_id] = state
        item = self.window.document.scene.nodes.get(node_id)
        if item is not None:
            item.set_state(state, progress, message)

    def _on_event(self, event) -> None:
        if isinstance(event, ev.RunStarted):
            self._total = len(event.nodes)
            self._update_progress()
        elif isinstance(event, ev.NodeQueued):
            self._set_state(event.node_id, "queued")
        elif isinstance(event, ev.NodeStarted):
            self._set_state(event.node_id, "running")
            self._log(f"{event.node_id}: running")
        elif isinstance(event, ev.NodeProgress):
            self._set_state(event.node_id, "running", event.fraction, event.message)
        elif isinstance(event, ev.NodeLog):
            self._log(f"{event.node_id}: {event.text}")
        elif isinstance(event, ev.NodeFinished):  # NodeCached included
            cached = isinstance(event, ev.NodeCached)
            self._set_state(event.node_id, "cached" if cached else "done",
                            message=f"{event.seconds:.2f} s")
            self._label_wires(event.node_id, event.outputs)
            self._log(f"{event.node_id}: {'from cache' if cached else 'done'} ({event.seconds:.2f} s)")
        elif isinstance(event, ev.NodeFailed):
            self.failures[event.node_id] = (event.message, event.details)
            self._set_state(event.node_id, "failed", message=event.message)
            self._log(f"{event.node_id}: FAILED — {event.message}")
            if event.details:
                self._log(event.details)
        elif isinstance(event, ev.NodeSkipped):
            self._set_state(event.node_id, "skipped", message=event.reason)
        elif isinstance(event, ev.NodeCancelled):
            self._set_state(event.node_id, "cancelled")
            self._log(f"{event.node_id}: cancelled")
        elif isinstance(event, ev.RunFinished):
            self._log(f"— run {event.status} in {event.seconds:.2f} s —"
                      + (f" {event.error}" if event.error else ""))
        self._update_progress()

    def _label_wires(self, node_id: str, outputs: dict) -> None:
        scene = self.window.document.scene
        for edge, item in scene.edges.items():
            if edge.source == node_id:
                info = outputs.get(edge.source_port) or {}
                if "rows" in info:
                    item.set_label(f"{info['rows']:,} rows")

    def _update_progress(self) -> None:
        bar = self.window.progress
        finished = sum(1 for s in self.states.values()
                       if s in ("done", "cached", "failed", "skipped", "cancelled"))
        bar.setMaximum(max(self._total, 1))
        bar.setValue(finished)
        if self.running:
            self.window.run_status.setText(f"Running… {finished}/{self._total} nodes")

    def _finished(self, result) -> None:
        self.result = result
        self.states.update(result.node_states)
        for node_id, state in result.node_states.items():
            item = self.window.document.scene.nodes.get(node_id)
            if item is not None and item.state != state:
                item.set_state(state, message=result.errors.get(node_id, ""))
        text = f"Last run {result.status} in {result.seconds:.1f} s"
        if result.errors:
            failed = next(iter(result.errors))
            text = f"Last run failed at {self.window.document.pipeline.display_name(failed)}" \
                if failed in self.window.document.pipeline else f"Last run {result.status}"
            self.window.show_message(next(iter(result.errors.values())), 15000)
        self.window.run_status.setText(text)
        self.window.run_status.setToolTip("\n".join(result.errors.values()))
        self.window.runs_panel.refresh(select_id=result.run_id)
        self.window.output.show_metrics_summary(result.metrics)
        selected = self.window.document.scene.selected_node_ids()
        if len(selected) == 1:
            self.show_output(selected[0])
        elif result.metrics:
            self.show_output(next(iter(result.metrics)))

    def _crashed(self, message: str) -> None:
        self._log(message)
        self.window.show_message(message.split("\n")[0], 15000)

    def _record_failed(self, message: str) -> None:
        self._log(message)
        self.window.show_message(message, 15000)

    def _running_changed(self, running: bool) -> None:
        a = self.window.actions_
        a["run"].setEnabled(not running)
        a["run_to_here"].setEnabled(not running)
        a["cancel"].setEnabled(running)
        self.window.progress.setVisible(running)

    def _log(self, text: str) -> None:
        self.window.log.appendPlainText(text)

    # -- outputs ----------------------------------------------------------------------------
    def show_output(self, node_id: str, port: str | None = None) -> bool:
        if node_id in self.failures:
            message, details = self.failures[node_id]
            self.window.output.title.setText(f"{self.window.document.pipeline.display_name(node_id)}"
                                             " failed")
            self.window.output.show_text(f"{message}\n\n{details}")
            return False
        if self.states.get(node_id) not in ("done", "cached"):
            return False
        pipeline = self.window.document.pipeline
        if node_id not in pipeline:
            return False
        ports = [p.name for p in pipeline.node_type(node_id).outputs]
        port = port or (ports[0] if ports else None)
        if port is None:
            return False
        try:
            value = self.controller.output(node_id, port)
        except Exception as exc:
            self.window.output.show_text(f"Output {node_id}.{port} is not available: {exc}")
            return False
        # The finished run's id lets a Model be registered from the Output tab (its file is
        # in the project once the run is recorded, i.e. after it finished).
        source = (self.result.run_id, node_id, port) if self.result is not None else None
        self.window.output.show_value(f"{pipeline.display_name(node_id)} · {port}", value,
                                      source=source)
        return True
