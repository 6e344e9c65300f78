"""Typed errors of the pipeline document; the GUI and the CLI both turn them into messages."""
from __future__ import annotations

__all__ = [
    "PipelineError", "PipelineFormatError", "GraphError", "DuplicateNodeError", "UnknownNodeError",
    "UnknownPortError", "IncompatiblePortsError", "CycleError", "InputTakenError",
    "UnknownParameterError",
]


class PipelineError(Exception):
    """Base: a message for people, naming the item at fault."""


class PipelineFormatError(PipelineError):
    """A pipeline file that cannot be read as written (bad JSON, unknown version, bad item)."""

    def __init__(self, message: str, path: str | None = None):
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class GraphError(PipelineError):
    """An edit that would break the graph's rules."""


class DuplicateNodeError(GraphError):
    pass


class UnknownNodeError(GraphError):
    pass


class UnknownPortError(GraphError):
    pass


class UnknownParameterError(GraphError):
    pass


class IncompatiblePortsError(GraphError):
    pass


class CycleError(GraphError):
    pass


class InputTakenError(GraphError):
    """An input port takes one wire only."""
