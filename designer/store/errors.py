"""Errors of the project file, each a message for people: what the file is and what to do."""
from __future__ import annotations

__all__ = ["ProjectError", "UnknownPipelineError", "UnknownRunError", "UnknownModelError",
           "UnknownAssetError", "UnknownArtifactError", "ProjectLockedError"]


class ProjectError(Exception):
    """A project file that cannot be opened, read or written as asked."""


class UnknownPipelineError(ProjectError):
    """No pipeline of that name in the project."""


class UnknownRunError(ProjectError):
    """No run with that id in the project."""


class UnknownModelError(ProjectError):
    """No registered model, version or alias of that name."""


class UnknownAssetError(ProjectError):
    """No data asset or asset version of that name."""


class UnknownArtifactError(ProjectError):
    """No model file for that run, node and port (or sha256)."""


class ProjectLockedError(ProjectError):
    """Another live process holds the project for writing; `holder` says who."""

    def __init__(self, message: str, holder):
        super().__init__(message)
        self.holder = holder            # a LockHolder
