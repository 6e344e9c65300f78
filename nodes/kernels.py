"""The shared kernels: the ops modules whose source `mlwire export` pastes into scripts.

`ops.py` is always pasted; the others (each importing what it shares from `.ops` or another
kernel) are pasted only when a pipeline's code uses one of their names, after the kernels they
import from, with those relative imports removed. Standard library only.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

__all__ = ["CORE", "EXTRA", "STEP_TYPES", "kernel_source", "kernel_names", "kernels_for",
           "requirements"]

FOLDER = Path(__file__).resolve().parent
CORE = "ops"
EXTRA = ("ops_expr", "ops_io", "ops_table", "ops_columns", "ops_features", "ops_script")
_BASE_LIBRARIES = {"numpy", "pandas", "sklearn", "joblib"}
# The kernels' fitted steps that a model's inference pipeline can hold: plain scikit-learn
# transformers whose state is lists, dicts, numbers and (PCAStep) a fitted sklearn PCA. A model
# file's loader must trust them (designer/artifacts.py TRUSTED_TYPES).
STEP_TYPES = (
    "nodes.ops_columns.MetadataStep", "nodes.ops_columns.MathStep", "nodes.ops_columns.ClipStep",
    "nodes.ops_columns.BinStep", "nodes.ops_columns.HashingStep",
    "nodes.ops_features.FeatureSelectStep", "nodes.ops_features.PCAStep",
)


def _path(name: str) -> Path:
    return FOLDER / f"{name}.py"


@lru_cache(maxsize=None)
def _tree(name: str) -> ast.Module:
    return ast.parse(_path(name).read_text(encoding="utf-8"))


def kernel_source(name: str) -> str:
    """The kernel's source, top-level relative imports removed (their names are pasted above)."""
    text = _path(name).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    for node in reversed(_tree(name).body):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            del lines[node.lineno - 1:node.end_lineno]
    return "".join(lines)


@lru_cache(maxsize=None)
def kernel_names(name: str) -> frozenset[str]:
    """Top-level names a kernel defines (functions, classes, constants), not its imports."""
    names = set()
    for node in _tree(name).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return frozenset(names)


def _depends_on(name: str) -> list[str]:
    return [node.module for node in _tree(name).body
            if isinstance(node, ast.ImportFrom) and node.level > 0 and node.module != CORE]


def kernels_for(code: str) -> list[str]:
    """The extra kernels that `code` needs (its names, and their own imports), in paste order."""
    used = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
    wanted = [k for k in EXTRA if used & kernel_names(k)]
    ordered: list[str] = []

    def add(name: str) -> None:
        for dep in _depends_on(name):
            add(dep)
        if name not in ordered:
            ordered.append(name)
    for name in wanted:
        add(name)
    return ordered


def _third_party(node: ast.AST) -> set[str]:
    import sys
    out = set()
    for child in ast.walk(node):
        modules = [a.name for a in child.names] if isinstance(child, ast.Import) else \
            [child.module] if isinstance(child, ast.ImportFrom) and child.level == 0 else []
        out |= {m.split(".")[0] for m in modules}
    return {m for m in out if m not in sys.stdlib_module_names and m not in _BASE_LIBRARIES}


def requirements(kernels: list[str], code: str = "") -> list[str]:
    """Third-party libraries beyond pandas, numpy and scikit-learn that `code` may need through
    the kernels' functions it calls (directly or through other kernel functions); without
    `code`, everything the kernels may import."""
    definitions: dict[str, ast.AST] = {}
    for name in kernels:
        for node in _tree(name).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                definitions[node.name] = node
    if not code:
        return sorted(set().union(set(), *(_third_party(_tree(k)) for k in kernels)))
    seen: set[str] = set()
    todo = [n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)]
    out: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in definitions:
            continue
        seen.add(name)
        out |= _third_party(definitions[name])
        todo += [n.id for n in ast.walk(definitions[name]) if isinstance(n, ast.Name)]
    return sorted(out)
