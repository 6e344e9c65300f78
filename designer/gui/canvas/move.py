"""Moving nodes: items move freely while dragged; one MoveNodes command is pushed on release."""
from __future__ import annotations

from ..commands import MoveNodes

__all__ = ["MoveTracker"]


class MoveTracker:
    def __init__(self, scene):
        self.scene = scene
        self._start: dict[str, tuple[float, float]] = {}

    def press(self) -> None:
        self._start = {nid: (item.pos().x(), item.pos().y())
                       for nid, item in self.scene.nodes.items() if item.isSelected()}

    def release(self) -> None:
        start, self._start = self._start, {}
        moves = {}
        for node_id, old in start.items():
            item = self.scene.nodes.get(node_id)
            if item is None:
                continue
            new = (item.pos().x(), item.pos().y())
            if new != old:
                model_old = self.scene.pipeline.node(node_id).position
                moves[node_id] = (model_old, new)
        if moves:
            self.scene.undo_stack.push(MoveNodes(self.scene.pipeline, moves))
