"""Plain-Python change events of the pipeline document; the canvas and others subscribe."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

__all__ = [
    "Event", "NodeAdded", "NodeRemoved", "EdgeAdded", "EdgeRemoved", "ParamChanged", "NodeMoved",
    "NodeCommentChanged", "NodeTitleChanged", "PipelineParametersChanged", "PipelineRenamed",
    "EventSource",
]


@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class NodeAdded(Event):
    node_id: str


@dataclass(frozen=True)
class NodeRemoved(Event):
    node_id: str


@dataclass(frozen=True)
class EdgeAdded(Event):
    edge: Any


@dataclass(frozen=True)
class EdgeRemoved(Event):
    edge: Any


@dataclass(frozen=True)
class ParamChanged(Event):
    node_id: str
    name: str
    value: Any


@dataclass(frozen=True)
class NodeMoved(Event):
    node_id: str
    position: tuple[float, float]


@dataclass(frozen=True)
class NodeCommentChanged(Event):
    node_id: str
    comment: str


@dataclass(frozen=True)
class NodeTitleChanged(Event):
    node_id: str
    title: str


@dataclass(frozen=True)
class PipelineParametersChanged(Event):
    parameters: dict


@dataclass(frozen=True)
class PipelineRenamed(Event):
    name: str


class EventSource:
    """A list of listeners called in order with each event."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[Event], None]] = []

    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)
