"""The project file (`*.mlw`): one SQLite file with pipelines, runs, models, registry, assets."""
from .artifacts import PICKLE_WARNING
from .entities import (ArtifactInfo, AssetUse, DataAssetInfo, DataAssetVersionInfo, LockHolder,
                       MetricsInfo, ModelVersionInfo, NewRun, NODE_RUN_STATUSES, NodeRunInfo,
                       PipelineInfo, PipelineRevisionInfo, RegisteredModelInfo, ResolvedAsset,
                       RUN_STATUSES, RunInfo, RunSummary)
from .errors import (ProjectError, ProjectLockedError, UnknownArtifactError, UnknownAssetError,
                     UnknownModelError, UnknownPipelineError, UnknownRunError)
from .header import APPLICATION_ID, SCHEMA_VERSION
from .project import PROJECT_SUFFIX, Project

__all__ = ["Project", "ProjectError", "ProjectLockedError", "UnknownPipelineError",
           "UnknownRunError", "UnknownModelError", "UnknownAssetError", "UnknownArtifactError",
           "RunRecorder", "PipelineInfo", "PipelineRevisionInfo", "RunInfo", "RunSummary",
           "NewRun", "NodeRunInfo",
           "MetricsInfo", "ArtifactInfo", "RegisteredModelInfo", "ModelVersionInfo",
           "DataAssetInfo", "DataAssetVersionInfo", "ResolvedAsset", "AssetUse", "LockHolder",
           "RUN_STATUSES", "NODE_RUN_STATUSES", "APPLICATION_ID", "SCHEMA_VERSION",
           "PROJECT_SUFFIX", "LOG_LIMIT", "PICKLE_WARNING"]


def __getattr__(name: str):
    # The recorder imports the engine's event types (and so the engine package); commands that
    # only read a project (`mlwire runs`, `mlwire show`) should not pay for that.
    if name in ("RunRecorder", "LOG_LIMIT"):
        from . import recorder
        return getattr(recorder, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
