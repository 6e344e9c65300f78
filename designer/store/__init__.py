"""The project file (`*.mlw`): one SQLite file with pipelines, runs, metrics; opened via Project."""
from .entities import (MetricsInfo, NODE_RUN_STATUSES, NodeRunInfo, PipelineInfo, RUN_STATUSES,
                       RunInfo)
from .errors import ProjectError, UnknownPipelineError, UnknownRunError
from .header import APPLICATION_ID, SCHEMA_VERSION
from .project import PROJECT_SUFFIX, Project

__all__ = ["Project", "ProjectError", "UnknownPipelineError", "UnknownRunError", "RunRecorder",
           "PipelineInfo", "RunInfo", "NodeRunInfo", "MetricsInfo", "RUN_STATUSES",
           "NODE_RUN_STATUSES", "APPLICATION_ID", "SCHEMA_VERSION", "PROJECT_SUFFIX", "LOG_LIMIT"]


def __getattr__(name: str):
    # The recorder imports the engine's event types (and so the engine package); commands that
    # only read a project (`mlwire runs`, `mlwire show`) should not pay for that.
    if name in ("RunRecorder", "LOG_LIMIT"):
        from . import recorder
        return getattr(recorder, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
