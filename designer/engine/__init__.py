"""Plans and executes pipelines: schemas, checks, cache, worker processes, events."""
from .checker import Finding, check, errors_of
from .events import *  # noqa: F401,F403
from .events import __all__ as _events
from .runner import Engine, RunResult
from .schemas import NodeSchemas, propagate_schemas

__all__ = ["Finding", "check", "errors_of", "Engine", "RunResult", "NodeSchemas",
           "propagate_schemas", *_events]
