"""The quick-add menu shown when a wire is dropped on empty canvas: node types that can take it;
choosing one adds the node there and connects it, as one undo step."""
from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QMenu

from designer.model import Edge, Node
from nodes.base import CATEGORIES

from .. import commands
from ..style import category_icon
from .node_item import NodeItem, port_x

__all__ = ["open_quick_add", "candidates"]


def candidates(registry, port_type, want_input: bool) -> list[tuple[object, str]]:
    """(node type, port name) pairs: types with a free port of `port_type` on the wanted side."""
    out = []
    order = {c: i for i, c in enumerate(CATEGORIES)}
    for node_type in sorted(registry.all(), key=lambda t: (order.get(t.category, 99), t.title)):
        ports = node_type.inputs if want_input else node_type.outputs
        port = next((p for p in ports if p.type == port_type), None)
        if port is not None:
            out.append((node_type, port.name))
    return out


def open_quick_add(scene, origin, pos: QPointF, screen_pos) -> QMenu:
    pipeline = scene.pipeline
    menu = QMenu()
    menu.setToolTipsVisible(True)
    scene.quick_add_menu = menu
    found = candidates(pipeline.registry, origin.port_type, want_input=origin.is_output)
    if not found:
        menu.addAction(f"No node type takes a {origin.port_type.value}").setEnabled(False)
    last_category = None
    for node_type, port_name in found:
        if node_type.category != last_category:
            menu.addSection(node_type.category)
            last_category = node_type.category
        action = menu.addAction(category_icon(node_type.category), f"{node_type.title}  ·  {port_name}")
        action.setToolTip(node_type.doc.strip().split("\n\n")[0] if node_type.doc else "")
        action.triggered.connect(
            lambda _=False, t=node_type, p=port_name: _add_and_connect(scene, origin, t, p, pos))
    if screen_pos is not None:
        menu.popup(_point(screen_pos))
    return menu


def _add_and_connect(scene, origin, node_type, port_name: str, pos: QPointF) -> None:
    pipeline = scene.pipeline
    node_id = pipeline.new_id(node_type.type_id)
    ports = node_type.inputs if origin.is_output else node_type.outputs
    index = next(i for i, p in enumerate(ports) if p.name == port_name)
    x = pos.x() - port_x(index, len(ports))
    y = pos.y() if origin.is_output else pos.y() - NodeItem(node_id, node_type).height
    snapped = scene.snap(QPointF(x, y))
    node = Node(node_id, node_type.type_id, position=(snapped.x(), snapped.y()))
    if origin.is_output:
        edge = Edge(origin.node_id, origin.name, node_id, port_name)
    else:
        edge = Edge(node_id, port_name, origin.node_id, origin.name)
    commands.add_nodes(scene.undo_stack, pipeline, [node], [edge],
                       text=f"Add {node_type.title} and connect")


def _point(pos):
    return pos.toPoint() if hasattr(pos, "toPoint") else pos
