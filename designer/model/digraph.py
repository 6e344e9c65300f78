"""A small directed multigraph of node ids joined by edges: the few walks the pipeline needs
(in/out edges, ancestors, descendants, a stable topological order, a cycle). Plain Python rather
than networkx because importing networkx costs about half a second, paid on every app and CLI
start, for operations that are a dozen lines each on graphs of a few hundred nodes."""
from __future__ import annotations

import heapq
from typing import Callable, Hashable, Iterable

__all__ = ["DiGraph", "CycleFound"]


class CycleFound(ValueError):
    """The graph has a cycle, so it has no topological order."""


class DiGraph:
    """Edges are any hashable objects with `.source` and `.target` node ids; parallel edges
    between two nodes are kept apart (a pipeline can wire two ports of A into two of B)."""

    def __init__(self):
        self._in: dict[str, dict[Hashable, None]] = {}
        self._out: dict[str, dict[Hashable, None]] = {}

    def add_node(self, node_id: str) -> None:
        self._in.setdefault(node_id, {})
        self._out.setdefault(node_id, {})

    def remove_node(self, node_id: str) -> None:
        for edge in [*self._in.get(node_id, ()), *self._out.get(node_id, ())]:
            self.remove_edge(edge)
        self._in.pop(node_id, None)
        self._out.pop(node_id, None)

    def add_edge(self, edge) -> None:
        self.add_node(edge.source)
        self.add_node(edge.target)
        self._out[edge.source][edge] = None
        self._in[edge.target][edge] = None

    def has_edge(self, edge) -> bool:
        return edge in self._out.get(edge.source, ())

    def remove_edge(self, edge) -> None:
        self._out.get(edge.source, {}).pop(edge, None)
        self._in.get(edge.target, {}).pop(edge, None)

    def in_edges(self, node_id: str) -> list:
        return list(self._in.get(node_id, ()))

    def out_edges(self, node_id: str) -> list:
        return list(self._out.get(node_id, ()))

    def _reach(self, start: str, step: Callable[[str], Iterable[str]]) -> set[str]:
        seen: set[str] = set()
        todo = list(step(start))
        while todo:
            node_id = todo.pop()
            if node_id not in seen:
                seen.add(node_id)
                todo.extend(step(node_id))
        return seen

    def descendants(self, node_id: str) -> set[str]:
        return self._reach(node_id, lambda n: (e.target for e in self._out.get(n, ())))

    def ancestors(self, node_id: str) -> set[str]:
        return self._reach(node_id, lambda n: (e.source for e in self._in.get(n, ())))

    def topological_order(self, key: Callable[[str], object]) -> list[str]:
        """Kahn's algorithm; among the nodes ready at each step, the smallest `key` goes first."""
        waiting = {n: len({e.source for e in edges}) for n, edges in self._in.items()}
        ready = [(key(n), n) for n, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        order = []
        while ready:
            _, node_id = heapq.heappop(ready)
            order.append(node_id)
            for target in {e.target for e in self._out[node_id]}:
                waiting[target] -= 1
                if waiting[target] == 0:
                    heapq.heappush(ready, (key(target), target))
        if len(order) != len(self._in):
            raise CycleFound("the graph has a cycle")
        return order

    def find_cycle(self) -> list[str] | None:
        """The node ids of one cycle in order, or None when the graph has none."""
        colour: dict[str, int] = {}          # 1: on the current path, 2: finished
        for root in self._out:
            if root in colour:
                continue
            path, stack = [], [(root, iter(self._out[root]))]
            colour[root] = 1
            path.append(root)
            while stack:
                node_id, edges = stack[-1]
                edge = next(edges, None)
                if edge is None:
                    stack.pop()
                    path.pop()
                    colour[node_id] = 2
                    continue
                target = edge.target
                if colour.get(target) == 1:
                    return path[path.index(target):]
                if target not in colour:
                    colour[target] = 1
                    path.append(target)
                    stack.append((target, iter(self._out[target])))
        return None
