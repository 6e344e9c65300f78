"""Plans and executes pipelines: schemas, checks, cache, worker processes, events.

Names are imported on first use, so that `designer.engine.pool` can start workers before the
heavier modules (networkx, the checker) are loaded.
"""
import importlib

_EXPORTS = {
    "Finding": "checker", "check": "checker", "errors_of": "checker",
    "Engine": "runner", "RunResult": "runner",
    "NodeSchemas": "schemas", "propagate_schemas": "schemas",
    "WorkerPool": "pool",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'designer.engine' has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
