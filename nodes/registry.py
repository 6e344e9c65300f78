"""The node registry: built-in node types, and third-party ones from the `mlwire.nodes` entry points.

A broken plug-in is reported in `problems` and skipped; it never blocks the rest.
"""
from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from .base import NodeType

__all__ = ["NodeRegistry", "UnknownNodeType", "registry", "BUILTIN_MODULES"]

BUILTIN_MODULES = (
    "nodes.data_input", "nodes.data_files", "nodes.database", "nodes.web", "nodes.data_output",
    "nodes.transform", "nodes.manipulation", "nodes.script", "nodes.features", "nodes.learners",
    "nodes.learners_linear",
    "nodes.learners_nonlinear", "nodes.learners_unsupervised", "nodes.learners_multiclass",
    "nodes.train", "nodes.score", "nodes.evaluate",
    "nodes.crossval", "nodes.tuning", "nodes.automl_node",
)
ENTRY_POINT_GROUP = "mlwire.nodes"


class UnknownNodeType(KeyError):
    def __init__(self, type_id: str, known: list[str]):
        super().__init__(type_id)
        self.type_id = type_id
        self.known = known

    def __str__(self) -> str:
        return f"Unknown node type '{self.type_id}'. Run `mlwire nodes` to list the node types."


class NodeRegistry:
    def __init__(self) -> None:
        self._types: dict[str, NodeType] = {}
        self.problems: list[str] = []
        self._loaded = False

    def add(self, node_class: type[NodeType], origin: str = "built-in") -> None:
        if not (isinstance(node_class, type) and issubclass(node_class, NodeType)):
            raise TypeError(f"{node_class!r} from {origin} is not a NodeType subclass")
        type_id = node_class.type_id
        if type_id in self._types:
            raise ValueError(f"node type '{type_id}' from {origin} is already registered")
        self._types[type_id] = node_class()

    def add_module(self, module, origin: str) -> None:
        for node_class in getattr(module, "NODE_TYPES", ()):
            self.add(node_class, origin)

    def load(self) -> "NodeRegistry":
        if self._loaded:
            return self
        self._loaded = True
        for name in BUILTIN_MODULES:
            self.add_module(importlib.import_module(name), name)
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                loaded = ep.load()
                if isinstance(loaded, type):
                    self.add(loaded, ep.value)
                else:
                    self.add_module(loaded, ep.value)
            except Exception as exc:  # a plug-in must never block the built-ins
                self.problems.append(f"Node plug-in '{ep.name}' ({ep.value}) was skipped: {exc}")
        return self

    def get(self, type_id: str) -> NodeType:
        self.load()
        try:
            return self._types[type_id]
        except KeyError:
            raise UnknownNodeType(type_id, sorted(self._types)) from None

    def __contains__(self, type_id: str) -> bool:
        self.load()
        return type_id in self._types

    def all(self) -> list[NodeType]:
        self.load()
        return list(self._types.values())


registry = NodeRegistry()
