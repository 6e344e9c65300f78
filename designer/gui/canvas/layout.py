"""Auto-layout: nodes in layers by data-flow depth (top to bottom), ordered to reduce crossings."""
from __future__ import annotations

from designer.model import Pipeline

__all__ = ["layered_positions"]

H_GAP, V_GAP = 50.0, 70.0


def layered_positions(pipeline: Pipeline, sizes: dict[str, tuple[float, float]],
                      origin: tuple[float, float] = (0.0, 0.0), grid: float = 20.0
                      ) -> dict[str, tuple[float, float]]:
    """Top-left position per node id. `sizes` gives (width, height) per node id."""
    order = pipeline.topological_order()
    layer: dict[str, int] = {}
    for node_id in order:
        preds = [e.source for e in pipeline.in_edges(node_id)]
        layer[node_id] = max((layer[p] + 1 for p in preds), default=0)
    # pull sources right, next to their first consumer (e.g. a learner beside Train Model)
    for node_id in reversed(order):
        succs = [e.target for e in pipeline.out_edges(node_id)]
        if succs and not pipeline.in_edges(node_id):
            layer[node_id] = max(layer[node_id], min(layer[s] for s in succs) - 1)
    layers: dict[int, list[str]] = {}
    for node_id in order:
        layers.setdefault(layer[node_id], []).append(node_id)
    rank: dict[str, float] = {}
    for depth in sorted(layers):
        members = layers[depth]
        initial = {node_id: float(i) for i, node_id in enumerate(members)}

        def barycentre(node_id: str) -> float:
            preds = [rank[e.source] + _port_offset(pipeline, e) for e in pipeline.in_edges(node_id)
                     if e.source in rank]
            return sum(preds) / len(preds) if preds else initial[node_id]
        members.sort(key=barycentre)
        for i, node_id in enumerate(members):
            rank[node_id] = float(i)
    height = max((h for _, h in sizes.values()), default=80.0)
    positions = {}
    for depth, members in layers.items():
        total = sum(sizes.get(n, (200, 0))[0] for n in members) + H_GAP * (len(members) - 1)
        x = origin[0] - total / 2
        for node_id in members:
            y = origin[1] + depth * (height + V_GAP)
            positions[node_id] = (round(x / grid) * grid, round(y / grid) * grid)
            x += sizes.get(node_id, (200, 0))[0] + H_GAP
    return positions


def _port_offset(pipeline: Pipeline, edge) -> float:
    """A small tie-break so that a node fed from a later output port sits further right."""
    outputs = [p.name for p in pipeline.node_type(edge.source).outputs]
    return 0.1 * outputs.index(edge.source_port) if edge.source_port in outputs else 0.0
