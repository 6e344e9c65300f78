"""Copy, paste and duplicate of nodes (with the wires between them) through the system clipboard,
so they work within a project and between projects."""
from __future__ import annotations

import json

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from designer.model import Edge, Node, Pipeline

from . import commands

__all__ = ["CLIP_MIME", "fragment", "copy_nodes", "paste_fragment", "clipboard_fragment"]

CLIP_MIME = "application/x-mlwire-fragment"


def fragment(pipeline: Pipeline, node_ids: list[str]) -> dict:
    """The selected nodes and the wires among them, as pipeline-file JSON."""
    ids = set(node_ids)
    return {"nodes": [pipeline.node(n).to_json() for n in node_ids],
            "edges": [e.to_json() for e in pipeline.edges if e.source in ids and e.target in ids]}


def copy_nodes(pipeline: Pipeline, node_ids: list[str]) -> dict | None:
    if not node_ids:
        return None
    data = fragment(pipeline, node_ids)
    mime = QMimeData()
    text = json.dumps(data, indent=1)
    mime.setData(CLIP_MIME, text.encode())
    mime.setText(text)
    QGuiApplication.clipboard().setMimeData(mime)
    return data


def clipboard_fragment() -> dict | None:
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None:
        return None
    raw = bytes(mime.data(CLIP_MIME)).decode() if mime.hasFormat(CLIP_MIME) else mime.text()
    try:
        data = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        return None
    return data


def paste_fragment(stack, pipeline: Pipeline, data: dict, offset=(40.0, 40.0),
                   text: str = "Paste") -> list[str]:
    """Add the fragment's nodes (new ids where taken) and inner wires as one undo step."""
    mapping: dict[str, str] = {}
    nodes: list[Node] = []
    taken = set(n.id for n in pipeline.nodes)
    for item in data.get("nodes", []):
        if item.get("type") not in pipeline.registry:
            continue
        new_id = item["id"] if item["id"] not in taken else _fresh_id(item["type"], taken)
        taken.add(new_id)
        mapping[item["id"]] = new_id
        position = item.get("position") or (0.0, 0.0)
        nodes.append(Node(new_id, item["type"], dict(item.get("params", {})),
                          (position[0] + offset[0], position[1] + offset[1]),
                          item.get("comment", ""), item.get("title", "")))
    edges = [Edge(mapping[e["source"]], e["source_port"], mapping[e["target"]], e["target_port"])
             for e in data.get("edges", []) if e["source"] in mapping and e["target"] in mapping]
    if nodes:
        commands.add_nodes(stack, pipeline, nodes, edges,
                           text=f"{text} {len(nodes)} node{'s' if len(nodes) > 1 else ''}")
    return [n.id for n in nodes]


def _fresh_id(type_id: str, taken: set[str]) -> str:
    n = 2
    while f"{type_id}_{n}" in taken:
        n += 1
    return f"{type_id}_{n}" if type_id in taken else type_id
