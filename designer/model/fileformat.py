"""Reading and writing `*.pipeline.json` (format `mlwire.pipeline/1`); nothing is silently dropped."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from nodes.registry import NodeRegistry, UnknownNodeType

from .errors import GraphError, PipelineFormatError
from .pipeline import Edge, Node, Pipeline

__all__ = ["FORMAT", "load_pipeline", "save_pipeline", "pipeline_from_json", "loads_pipeline"]

FORMAT = "mlwire.pipeline/1"
_TOP_KEYS = {"format", "name", "parameters", "nodes", "edges"}
_NODE_KEYS = {"id", "type", "params", "position", "comment", "title"}
_EDGE_KEYS = {"source", "source_port", "target", "target_port"}


def load_pipeline(path: str | os.PathLike, registry: NodeRegistry | None = None) -> Pipeline:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PipelineFormatError("file not found. Check the path.", str(path)) from None
    except UnicodeDecodeError as exc:
        raise PipelineFormatError(f"not UTF-8 text (byte {exc.start}); a pipeline file is JSON.",
                                  str(path)) from exc
    except OSError as exc:
        raise PipelineFormatError(f"cannot be read: {exc.strerror}.", str(path)) from exc
    return loads_pipeline(text, registry, source=str(path))


def loads_pipeline(text: str, registry: NodeRegistry | None = None,
                   source: str | None = None) -> Pipeline:
    if not text.strip():
        raise PipelineFormatError("the file is empty; a pipeline file is a JSON object "
                                  f"with \"format\": \"{FORMAT}\".", source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PipelineFormatError(f"not valid JSON: {exc.msg} at line {exc.lineno}, "
                                  f"column {exc.colno}.", source) from exc
    return pipeline_from_json(data, registry, source)


def _fail(message: str, source: str | None) -> PipelineFormatError:
    return PipelineFormatError(message, source)


def pipeline_from_json(data: Any, registry: NodeRegistry | None = None,
                       source: str | None = None) -> Pipeline:
    if not isinstance(data, dict):
        raise _fail("a pipeline file must hold a JSON object.", source)
    fmt = data.get("format")
    if fmt != FORMAT:
        raise _fail(f"unknown format {fmt!r}; this version of MLWire reads {FORMAT!r}.", source)
    extra = set(data) - _TOP_KEYS
    if extra:
        raise _fail(f"unknown top-level key(s) {sorted(extra)}; allowed: {sorted(_TOP_KEYS)}.", source)
    parameters = data.get("parameters", {})
    if not isinstance(parameters, dict):
        raise _fail("\"parameters\" must be an object of name: value.", source)
    name = data.get("name", "untitled")
    if not isinstance(name, str):
        raise _fail("\"name\" must be a text.", source)
    pipeline = Pipeline(name, parameters, registry=registry)
    nodes, edges = data.get("nodes", []), data.get("edges", [])
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise _fail("\"nodes\" and \"edges\" must be lists.", source)
    for i, item in enumerate(nodes):
        pipeline_add_node(pipeline, _node_from_json(item, i, source), source)
    for i, item in enumerate(edges):
        edge = _edge_from_json(item, i, source)
        for end in (edge.source, edge.target):
            if end not in pipeline:
                raise _fail(f"edge {i + 1} ({edge}) refers to node '{end}', which does not exist.",
                            source)
        try:
            pipeline.connect(edge)
        except GraphError as exc:
            raise _fail(f"edge {i + 1}: {exc}", source) from exc
    return pipeline


def pipeline_add_node(pipeline: Pipeline, node: Node, source: str | None) -> None:
    try:
        pipeline.add_node(node)
    except UnknownNodeType as exc:
        raise _fail(f"node '{node.id}' has unknown type '{node.type}'. "
                    "Run `mlwire nodes` to list the node types.", source) from exc
    except GraphError as exc:
        raise _fail(str(exc), source) from exc


def _node_from_json(item: Any, index: int, source: str | None) -> Node:
    where = f"node {index + 1}"
    if not isinstance(item, dict):
        raise _fail(f"{where} must be an object.", source)
    node_id = item.get("id")
    if isinstance(node_id, str):
        where = f"node '{node_id}'"
    extra = set(item) - _NODE_KEYS
    if extra:
        raise _fail(f"{where} has unknown key(s) {sorted(extra)}; allowed: {sorted(_NODE_KEYS)}.",
                    source)
    for key in ("id", "type"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise _fail(f"{where} needs \"{key}\" as a non-empty text.", source)
    params = item.get("params", {})
    if not isinstance(params, dict):
        raise _fail(f"{where}: \"params\" must be an object.", source)
    position = item.get("position")
    if position is not None:
        if (not isinstance(position, list) or len(position) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position)):
            raise _fail(f"{where}: \"position\" must be [x, y].", source)
        position = (float(position[0]), float(position[1]))
    for key in ("comment", "title"):
        if not isinstance(item.get(key, ""), str):
            raise _fail(f"{where}: \"{key}\" must be a text.", source)
    return Node(item["id"], item["type"], dict(params), position, item.get("comment", ""),
                item.get("title", ""))


def _edge_from_json(item: Any, index: int, source: str | None) -> Edge:
    where = f"edge {index + 1}"
    if not isinstance(item, dict):
        raise _fail(f"{where} must be an object.", source)
    extra = set(item) - _EDGE_KEYS
    missing = _EDGE_KEYS - set(item)
    if extra or missing:
        raise _fail(f"{where} must have exactly the keys {sorted(_EDGE_KEYS)}"
                    f"{'; unknown: ' + str(sorted(extra)) if extra else ''}"
                    f"{'; missing: ' + str(sorted(missing)) if missing else ''}.", source)
    if not all(isinstance(item[k], str) for k in _EDGE_KEYS):
        raise _fail(f"{where}: its values must be texts.", source)
    return Edge(item["source"], item["source_port"], item["target"], item["target_port"])


def save_pipeline(pipeline: Pipeline, path: str | os.PathLike) -> None:
    """Write atomically: a crash mid-write leaves the previous file intact."""
    path = Path(path)
    text = json.dumps(pipeline.to_json(), indent=2, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
