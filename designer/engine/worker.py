"""The worker process: runs one node at a time, sent by the engine over a pipe.

Node work happens here, never in the engine's (or the GUI's) process: a node that crashes its
interpreter takes only its worker down, and cancelling means terminating the worker.
"""
from __future__ import annotations

import contextlib
import importlib
import io
import pickle
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

from nodes.base import NodeError, RunContext

from .cache import write_entry

__all__ = ["worker_main", "describe_output", "failure_message", "artifact_blob"]

_LOG_LIMIT = 200_000  # characters of captured output kept per node


def describe_output(value: Any) -> dict:
    """The small summary of an output that travels with events: row counts, metrics, task."""
    from nodes.values import Learner, Metrics, Model, Table, Transform
    if isinstance(value, Table):
        out = {"type": "Table", "rows": int(len(value.df)), "columns": int(value.df.shape[1]),
               "column_names": [str(c) for c in value.df.columns[:500]]}
        details = getattr(value, "details", None)  # e.g. trials, folds, AutoML's leaderboard
        if details:
            out["details"] = details
        return out
    if isinstance(value, Metrics):
        return {"type": "Metrics", "metrics": value.to_json()}
    if isinstance(value, Model):
        return {"type": "Model", "task": value.task, "label": value.label,
                "classes": [str(c) for c in value.classes] if value.classes is not None else None,
                "features": list(value.features)}
    if isinstance(value, Learner):
        return {"type": "Learner", "task": value.task, "estimator": type(value.estimator).__name__}
    if isinstance(value, Transform):
        return {"type": "Transform", "step": value.step.title}
    return {"type": type(value).__name__}


def failure_message(title: str, node_id: str, exc: BaseException) -> str:
    if isinstance(exc, NodeError):
        return f"{title} ({node_id}): {exc}"
    return (f"{title} ({node_id}) failed: {type(exc).__name__}: {exc}".rstrip()
            + " (see the details for the traceback)")


class _Worker:
    def __init__(self, conn):
        self.conn = conn
        self.memory: dict[str, dict[str, Any]] = {}  # cache key -> outputs this worker holds

    def serve(self) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                return
            kind = message[0]
            if kind == "stop":
                return
            if kind == "reset":
                self.memory.clear()
            elif kind == "run":
                self.run(message[1])

    def _inputs(self, task: dict) -> dict[str, Any]:
        values = {}
        for port, ref in task["inputs"].items():
            if ref[0] == "mem":
                _, key, source_port = ref
                values[port] = self.memory[key][source_port]
            else:
                _, key, source_port, blob = ref
                value = pickle.loads(blob)
                self.memory.setdefault(key, {})[source_port] = value
                values[port] = value
        return values

    def run(self, task: dict) -> None:
        node_id, title = task["node_id"], task["title"]
        started = time.perf_counter()
        log = io.StringIO()

        def send_log(text: str) -> None:
            self.conn.send(("log", node_id, text))

        ctx = RunContext(node_id, Path(task["base_dir"]), title=title,
                         on_progress=lambda f, m: self.conn.send(("progress", node_id, f, m)),
                         on_log=send_log)
        try:
            node_type = _node_type(task)
            inputs = self._inputs(task)
            with _limited_threads(task.get("threads")), warnings.catch_warnings(record=True) as caught, \
                    contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                warnings.simplefilter("always")
                outputs = node_type.run(inputs, task["params"], ctx)
            for w in caught:
                log.write(f"{w.category.__name__}: {w.message}\n")
            blobs = {port: pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                     for port, value in outputs.items()}
            summary = {port: describe_output(value) for port, value in outputs.items()}
            artifacts = _model_files(outputs, summary, log)
            seconds = time.perf_counter() - started
            if task.get("cache_path"):
                try:
                    stored = {**blobs, **{artifact_blob(p): data for p, data in artifacts.items()}}
                    write_entry(Path(task["cache_path"]), task["cache_secret"], stored, summary,
                                seconds)
                except OSError as exc:  # a full disk costs caching, not the run
                    log.write(f"Could not write the cache entry: {exc}\n")
            self.memory[task["key"]] = outputs
            text = log.getvalue()
            if text:
                send_log(text[:_LOG_LIMIT] + ("\n[log truncated]" if len(text) > _LOG_LIMIT else ""))
            self.conn.send(("done", node_id, blobs, artifacts, summary, seconds))
        except BaseException as exc:  # noqa: BLE001 - every failure is reported, none kills us
            if isinstance(exc, KeyboardInterrupt):
                raise
            text = log.getvalue()
            if text:
                send_log(text[:_LOG_LIMIT])
            self.conn.send(("failed", node_id, failure_message(title, node_id, exc),
                            traceback.format_exc(), time.perf_counter() - started,
                            getattr(exc, "param", None), getattr(exc, "column", None)))


def artifact_blob(port: str) -> str:
    """The cache-entry name of a model port's skops file."""
    return f"{port}@model"


def _model_files(outputs: dict, summary: dict, log) -> dict[str, bytes]:
    """Model outputs as skops bytes, so the run record can keep them safely."""
    from designer.artifacts import dump_model, sha256_of
    from nodes.values import Model
    files = {}
    for port, value in outputs.items():
        if isinstance(value, Model):
            try:
                files[port] = dump_model(value)
            except Exception as exc:  # the run still has the model; only the record lacks it
                log.write(f"Could not save the model on '{port}' as a skops file: {exc}\n")
                continue
            summary[port]["artifact_sha256"] = sha256_of(files[port])
    return files


def _node_type(task: dict):
    """The node type by its class's import path, so plug-in and test node types work too."""
    module, _, qualname = task["node_class"].partition(":")
    return getattr(importlib.import_module(module), qualname)()


@contextlib.contextmanager
def _limited_threads(threads: int | None):
    """Share the cores between nodes running at once (BLAS and OpenMP pools)."""
    if not threads:
        yield
        return
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=threads):
        yield


def worker_main(conn, preload: tuple[str, ...] = ()) -> None:
    """Entry point of a worker process."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the engine decides when we stop
    # Import the data libraries now, while the engine is still planning; nodes need them anyway.
    for module in preload:
        importlib.import_module(module)
    _Worker(conn).serve()
