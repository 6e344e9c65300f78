"""The pipeline document: nodes, edges and pipeline parameters over a small directed graph.

The single source of truth for the canvas, the checker and the engine. Every change goes through
a method here, which checks the graph rules and emits one event.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any


from nodes.registry import NodeRegistry, UnknownNodeType, registry as default_registry

from .digraph import DiGraph
from .errors import (CycleError, DuplicateNodeError, IncompatiblePortsError, InputTakenError,
                     UnknownNodeError, UnknownParameterError, UnknownPortError)
from .events import (EdgeAdded, EdgeRemoved, EventSource, NodeAdded, NodeCommentChanged,
                     NodeMoved, NodeRemoved, NodeTitleChanged, ParamChanged,
                     PipelineParametersChanged, PipelineRenamed)

__all__ = ["Node", "Edge", "Pipeline", "binding_name", "NODE_ID_PATTERN"]

NODE_ID_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,63}$")


def binding_name(value: Any) -> str | None:
    """'$seed' binds a parameter to the pipeline parameter 'seed'; '$$x' is the literal '$x'."""
    if isinstance(value, str) and value.startswith("$") and not value.startswith("$$"):
        return value[1:]
    return None


@dataclass
class Node:
    id: str
    type: str
    params: dict[str, Any] = field(default_factory=dict)
    position: tuple[float, float] | None = None
    comment: str = ""
    title: str = ""

    def to_json(self) -> dict:
        out: dict[str, Any] = {"id": self.id, "type": self.type, "params": copy.deepcopy(self.params)}
        if self.title:
            out["title"] = self.title
        if self.position is not None:
            out["position"] = [self.position[0], self.position[1]]
        if self.comment:
            out["comment"] = self.comment
        return out


@dataclass(frozen=True)
class Edge:
    source: str
    source_port: str
    target: str
    target_port: str

    def to_json(self) -> dict:
        return {"source": self.source, "source_port": self.source_port,
                "target": self.target, "target_port": self.target_port}

    def __str__(self) -> str:
        return f"{self.source}.{self.source_port} -> {self.target}.{self.target_port}"


class Pipeline:
    def __init__(self, name: str = "untitled", parameters: dict[str, Any] | None = None,
                 registry: NodeRegistry | None = None):
        self.name = name
        self.parameters: dict[str, Any] = dict(parameters or {})
        self.registry = registry or default_registry
        self.events = EventSource()
        self._graph = DiGraph()
        self._nodes: dict[str, Node] = {}
        self._edges: dict[Edge, None] = {}  # in document order, so saved files stay stable

    # -- reading ----------------------------------------------------------------------------
    @property
    def nodes(self) -> list[Node]:
        return list(self._nodes.values())

    @property
    def edges(self) -> list[Edge]:
        return list(self._edges)

    def node(self, node_id: str) -> Node:
        try:
            return self._nodes[node_id]
        except KeyError:
            raise UnknownNodeError(f"There is no node '{node_id}' in pipeline '{self.name}'.") from None

    def __contains__(self, node_id: str) -> bool:
        return node_id in self._nodes

    def node_type(self, node_id: str):
        return self.registry.get(self.node(node_id).type)

    def display_name(self, node_id: str) -> str:
        """'Split Data (split)': how messages name a node."""
        node = self.node(node_id)
        try:
            title = node.title or self.registry.get(node.type).title
        except UnknownNodeType:
            title = node.type
        return f"{title} ({node_id})"

    def in_edges(self, node_id: str) -> list[Edge]:
        return self._graph.in_edges(node_id)

    def out_edges(self, node_id: str) -> list[Edge]:
        return self._graph.out_edges(node_id)

    def edge_into(self, node_id: str, port: str) -> Edge | None:
        return next((e for e in self.in_edges(node_id) if e.target_port == port), None)

    def topological_order(self) -> list[str]:
        """Node ids in data-flow order; ties broken by insertion order so exports are stable."""
        rank = {node_id: i for i, node_id in enumerate(self._nodes)}
        return self._graph.topological_order(key=rank.__getitem__)

    def ancestors(self, node_id: str) -> set[str]:
        return self._graph.ancestors(node_id)

    def descendants(self, node_id: str) -> set[str]:
        return self._graph.descendants(node_id)

    def find_cycle(self) -> list[str] | None:
        return self._graph.find_cycle()

    def new_id(self, type_id: str) -> str:
        """A readable id unique in this pipeline: 'split', 'split_2', ..."""
        base = re.sub(r"[^A-Za-z0-9_]", "_", type_id)
        if base not in self._nodes:
            return base
        n = 2
        while f"{base}_{n}" in self._nodes:
            n += 1
        return f"{base}_{n}"

    # -- editing ----------------------------------------------------------------------------
    def index_of(self, node_id: str) -> int:
        """The node's place in the document's order (which breaks ties in data-flow order)."""
        return list(self._nodes).index(node_id)

    def add_node(self, node: Node, index: int | None = None) -> Node:
        """Add a node, at the end or, for undo of a removal, back at its old `index`."""
        if not NODE_ID_PATTERN.match(node.id or ""):
            raise DuplicateNodeError(
                f"Node id {node.id!r} is not valid: use letters, digits, '_' or '-', "
                "starting with a letter or '_' (at most 64 characters).")
        if node.id in self._nodes:
            raise DuplicateNodeError(f"Pipeline '{self.name}' already has a node with id '{node.id}'.")
        node_type = self.registry.get(node.type)  # raises UnknownNodeType
        for name in node.params:
            if node_type.param(name) is None:
                known = ", ".join(p.name for p in node_type.params) or "none"
                raise UnknownParameterError(
                    f"Node '{node.id}' ({node_type.title}) has no parameter '{name}'. "
                    f"Its parameters: {known}.")
        if index is None or index >= len(self._nodes):
            self._nodes[node.id] = node
        else:
            items = list(self._nodes.items())
            items.insert(max(0, index), (node.id, node))
            self._nodes = dict(items)
        self._graph.add_node(node.id)
        self.events.emit(NodeAdded(node.id))
        return node

    def remove_node(self, node_id: str) -> tuple[Node, list[Edge]]:
        """Remove a node and its edges; returns both so that undo can put them back."""
        node = self.node(node_id)
        edges = self.in_edges(node_id) + self.out_edges(node_id)
        for edge in edges:
            self.disconnect(edge)
        self._graph.remove_node(node_id)
        del self._nodes[node_id]
        self.events.emit(NodeRemoved(node_id))
        return node, edges

    def check_connection(self, edge: Edge) -> None:
        """Raise the GraphError that `connect(edge)` would raise, without changing anything."""
        source_type = self.node_type(edge.source)
        target_type = self.node_type(edge.target)
        out_port = source_type.output_port(edge.source_port)
        in_port = target_type.input_port(edge.target_port)
        if out_port is None:
            names = ", ".join(p.name for p in source_type.outputs) or "none"
            raise UnknownPortError(f"{self.display_name(edge.source)} has no output port "
                                   f"'{edge.source_port}'. Its outputs: {names}.")
        if in_port is None:
            names = ", ".join(p.name for p in target_type.inputs) or "none"
            raise UnknownPortError(f"{self.display_name(edge.target)} has no input port "
                                   f"'{edge.target_port}'. Its inputs: {names}.")
        if out_port.type != in_port.type:
            raise IncompatiblePortsError(
                f"Cannot connect {self.display_name(edge.source)}.{edge.source_port} "
                f"({out_port.type.value}) to {self.display_name(edge.target)}.{edge.target_port} "
                f"({in_port.type.value}): an output connects only to an input of the same type.")
        taken = self.edge_into(edge.target, edge.target_port)
        if taken is not None:
            raise InputTakenError(
                f"Input '{edge.target_port}' of {self.display_name(edge.target)} is already "
                f"connected to {taken.source}.{taken.source_port}; remove that wire first.")
        if edge.source == edge.target or edge.source in self.descendants(edge.target):
            raise CycleError(
                f"Connecting {self.display_name(edge.source)} to {self.display_name(edge.target)} "
                "would create a cycle: a pipeline must flow one way.")

    def edge_index(self, edge: Edge) -> int:
        return list(self._edges).index(edge)

    def connect(self, edge: Edge, index: int | None = None) -> Edge:
        """Add a wire, at the end or, for undo of a removal, back at its old `index`."""
        self.check_connection(edge)
        self._graph.add_edge(edge)
        if index is None or index >= len(self._edges):
            self._edges[edge] = None
        else:
            items = list(self._edges)
            items.insert(max(0, index), edge)
            self._edges = dict.fromkeys(items)
        self.events.emit(EdgeAdded(edge))
        return edge

    def disconnect(self, edge: Edge) -> None:
        if not self._graph.has_edge(edge):
            raise UnknownPortError(f"There is no wire {edge} in pipeline '{self.name}'.")
        self._graph.remove_edge(edge)
        del self._edges[edge]
        self.events.emit(EdgeRemoved(edge))

    def set_param(self, node_id: str, name: str, value: Any) -> Any:
        """Set (or with value None for a parameter without null, reset) one parameter; returns the
        old value, or MISSING-like None when it was unset."""
        node = self.node(node_id)
        if self.node_type(node_id).param(name) is None:
            raise UnknownParameterError(f"{self.display_name(node_id)} has no parameter '{name}'.")
        old = node.params.get(name, _UNSET)
        if value is _UNSET:
            node.params.pop(name, None)
        else:
            node.params[name] = copy.deepcopy(value)
        self.events.emit(ParamChanged(node_id, name, value))
        return old

    def move_node(self, node_id: str, position: tuple[float, float]) -> None:
        self.node(node_id).position = (float(position[0]), float(position[1]))
        self.events.emit(NodeMoved(node_id, self.node(node_id).position))

    def set_comment(self, node_id: str, comment: str) -> None:
        self.node(node_id).comment = comment
        self.events.emit(NodeCommentChanged(node_id, comment))

    def set_title(self, node_id: str, title: str) -> None:
        self.node(node_id).title = title
        self.events.emit(NodeTitleChanged(node_id, title))

    def set_parameters(self, parameters: dict[str, Any]) -> None:
        self.parameters = dict(parameters)
        self.events.emit(PipelineParametersChanged(dict(parameters)))

    def rename(self, name: str) -> None:
        self.name = name
        self.events.emit(PipelineRenamed(name))

    # -- parameters as the engine sees them -------------------------------------------------
    def raw_params(self, node_id: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """The node's parameters with overrides applied and '$name' bindings resolved.

        Declared defaults are not filled in here; NodeType.check_params does that."""
        params = dict(self.node(node_id).params)
        params.update((overrides or {}).get(node_id, {}))
        out = {}
        for key, value in params.items():
            bound = binding_name(value)
            if bound is not None:
                if bound not in self.parameters:
                    raise UnknownParameterError(
                        f"Parameter '{key}' of {self.display_name(node_id)} is bound to pipeline "
                        f"parameter '{bound}', which does not exist. Pipeline parameters: "
                        f"{', '.join(self.parameters) or 'none'}.")
                value = self.parameters[bound]
            elif isinstance(value, str) and value.startswith("$$"):
                value = value[1:]
            out[key] = value
        return out

    # -- copies -----------------------------------------------------------------------------
    def to_json(self) -> dict:
        from .fileformat import FORMAT
        return {
            "format": FORMAT,
            "name": self.name,
            "parameters": copy.deepcopy(self.parameters),
            "nodes": [n.to_json() for n in self._nodes.values()],
            "edges": [e.to_json() for e in self.edges],
        }

    def snapshot(self) -> "Pipeline":
        """A detached deep copy with no listeners: what the engine runs."""
        from .fileformat import pipeline_from_json
        return pipeline_from_json(self.to_json(), registry=self.registry)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


_UNSET: Any = _Unset()
Pipeline.UNSET = _UNSET
