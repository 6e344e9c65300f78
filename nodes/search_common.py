"""What Cross Validate Model, Tune Model Hyperparameters and AutoML share: the results table that
carries plain-JSON details, pasting their kernels into exported scripts, lineage helpers.

Stdlib only at import time, like every node module.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .base import EmitContext
from .schema import TableSchema
from .values import Table

__all__ = ["ResultTable", "kernel_source", "transforms_source", "lineage_titles"]

_HERE = Path(__file__).resolve().parent


@dataclass
class ResultTable(Table):
    """A Table (trials, folds, leaderboard) plus plain-JSON `details` for the run record and the
    GUI: the engine's output summary carries them (summary["details"])."""

    details: dict[str, Any] = field(default_factory=dict)


def kernel_source(module: str) -> str:
    """Source for an exported script that defines `_mlwire_<module>()`, returning a namespace of
    our pasteable kernel module (e.g. 'selection_ops'): its text verbatim, indented into that
    function so that none of its names can clash with the script's variables, minus the
    `# app-only` lines that import nodes.ops in the app (the script has ops' names already)."""
    text = (_HERE / f"{module}.py").read_text(encoding="utf-8")
    body = "".join("    " + line if line.strip() else line
                   for line in text.splitlines(keepends=True)
                   if not line.rstrip().endswith("# app-only"))
    return (f"def _mlwire_{module}():\n{body}\n"
            "    from types import SimpleNamespace\n"
            "    return SimpleNamespace(**locals())\n\n\n")


def transforms_source(ctx: EmitContext, table: TableSchema | None) -> str:
    """The script's list of (node id, fitted transform) a table has been through."""
    lineage = table.lineage if table is not None else ()
    return "[" + ", ".join(f"({step!r}, {ctx.var(step, 'transform')})" for step in lineage) + "]"


def lineage_titles(table: Table) -> list[str]:
    return [step.title for step in table.lineage]
