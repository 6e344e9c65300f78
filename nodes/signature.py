"""Which input columns a model's inference pipeline needs: a trace from its feature columns back
through its fitted steps to the raw columns (the model's signature), with the step that first
reads each of them.

Going backwards, each step of a known kind replaces the columns it makes by the columns it makes
them from. So a label renamed by Edit Metadata, or an ignored id column that no feature is made
from, is not an input, whatever the table held before the first fitted transform. MLWire's steps
skip a column they do not find (typically the label of new rows), except PCA, which needs all of
its columns. A step of another kind cannot be traced; `input_signature` then falls back to every
column before the first fitted transform but the label.
"""
from __future__ import annotations

__all__ = ["trace_inputs", "input_signature", "output_names"]


def output_names(transformer, column: str) -> list[str]:
    """The column names a fitted single-column transformer turns `column` into."""
    try:
        return [str(n) for n in transformer.get_feature_names_out([column])]
    except Exception:  # a transformer without names keeps the column (imputers, scalers)
        return [column]


def _sources(step) -> tuple[dict[str, list[str]], list[str]] | None:
    """({column the step makes: the columns it makes it from}, columns the step always reads)
    for a step of a known kind, None for another kind. A column not listed passes through."""
    from .ops import ColumnStep
    from .ops_columns import BinStep, ClipStep, HashingStep, MathStep, MetadataStep
    from .ops_features import PCA_PREFIX, FeatureSelectStep, PCAStep
    made: dict[str, list[str]] = {}
    if isinstance(step, ColumnStep):
        for column, transformer in (getattr(step, "fitted_", {}) or {}).items():
            for name in output_names(transformer, column):
                made.setdefault(name, []).append(column)
    elif isinstance(step, MetadataStep):
        made = {new: [old] for old, new in zip(step.columns, step.new_names or ())}
    elif isinstance(step, MathStep):
        if step.output_mode == "append":
            made = {f"{step.operation}_{c}": [c] for c in step.columns}
    elif isinstance(step, BinStep):
        if step.output_mode == "append":
            from .ops_columns import BINNED_SUFFIX
            made = {f"{c}{BINNED_SUFFIX}": [c] for c in step.edges_}
    elif isinstance(step, HashingStep):
        made = {f"{step.column}_hash_{i}": [step.column] for i in range(step.n_features)}
    elif isinstance(step, PCAStep):
        columns = list(step.columns)
        made = {f"{PCA_PREFIX}{i + 1}": columns for i in range(step.n_components)}
        return made, columns
    elif not isinstance(step, (ClipStep, FeatureSelectStep)):  # these keep names
        return None
    return made, []


def trace_inputs(steps, columns) -> tuple[dict[str, str], bool]:
    """The input columns the fitted `steps` ([(name, step)], in pipeline order) need to make
    `columns`: {column: the name of the first step that reads it, or "features"}, and whether
    every step could be traced (False: the trace stopped at a step of an unknown kind, and the
    dict holds what that step's output needs)."""
    order = [name for name, _ in steps]
    readers = {str(c): len(order) for c in columns}   # column -> index of its first reader
    for index in range(len(steps) - 1, -1, -1):
        known = _sources(steps[index][1])
        if known is None:
            return _named(readers, order), False
        made, always = known
        before: dict[str, int] = {}
        for column, reader in readers.items():
            for source in made.get(column, [column]):
                position = index if column in made else reader
                before[source] = min(before.get(source, position), position)
        for source in always:
            before[source] = index
        readers = before
    return _named(readers, order), True


def _named(readers: dict[str, int], order: list[str]) -> dict[str, str]:
    return {c: (order[i] if i < len(order) else "features") for c, i in readers.items()}


def input_signature(steps, raw, features, label=None) -> list[tuple[str, str]]:
    """The model's signature: the (name, dtype) pairs of `raw` (the table before the first
    fitted transform) that its pipeline needs, in table order. Without a full trace, every raw
    column but the label (under its raw name too, where the trace reaches it)."""
    needed, traced = trace_inputs(steps, features)
    if traced:
        return [(n, t) for n, t in raw if n in needed]
    labels = {label} | set(trace_inputs(steps, [label])[0]) if label is not None else set()
    return [(n, t) for n, t in raw if n not in labels]
