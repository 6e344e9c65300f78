"""Errors of the project file, each a message for people: what the file is and what to do."""
from __future__ import annotations

__all__ = ["ProjectError", "UnknownPipelineError", "UnknownRunError"]


class ProjectError(Exception):
    """A project file that cannot be opened, read or written as asked."""


class UnknownPipelineError(ProjectError):
    """No pipeline of that name in the project."""


class UnknownRunError(ProjectError):
    """No run with that id in the project."""
