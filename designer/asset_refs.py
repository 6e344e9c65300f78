"""`asset:NAME@latest` / `asset:NAME:VERSION` in a node's file path: resolved to the registered file
before a run, so the engine and the nodes only ever see plain paths."""
from __future__ import annotations

from typing import Callable

from nodes.params import Path as PathParam

__all__ = ["ASSET_PREFIX", "asset_refs", "resolve_asset_overrides"]

ASSET_PREFIX = "asset:"


def asset_refs(pipeline, overrides: dict[str, dict] | None = None) -> dict[str, dict[str, str]]:
    """{node id: {parameter: 'NAME@latest' or 'NAME:3'}} for every path that names an asset."""
    found: dict[str, dict[str, str]] = {}
    for node in pipeline.nodes:
        node_type = pipeline.node_type(node.id)
        values = {**node.params, **(overrides or {}).get(node.id, {})}
        for decl in node_type.params:
            value = values.get(decl.name)
            if isinstance(decl, PathParam) and isinstance(value, str) \
                    and value.startswith(ASSET_PREFIX):
                found.setdefault(node.id, {})[decl.name] = value[len(ASSET_PREFIX):]
    return found


def resolve_asset_overrides(pipeline, overrides: dict[str, dict] | None,
                            resolve: Callable[[str], object]) -> dict[str, dict]:
    """The overrides with every asset reference replaced by its file's path.

    `resolve` is the project's `assets.resolve`: it refuses an unknown asset, and a file whose
    content changed since it was registered, with a message that says what to do."""
    merged = {node: dict(values) for node, values in (overrides or {}).items()}
    for node_id, params in asset_refs(pipeline, overrides).items():
        for name, ref in params.items():
            merged.setdefault(node_id, {})[name] = str(resolve(ref).path)
    return merged
