"""Inference pipelines: check that a Model takes raw input rows, and derive its input schema.

A registered model is one scikit-learn Pipeline: the fitted transforms on the path to Train
Model (each a `nodes.ops.ColumnStep`, named by its node id), then "features" (selects the
feature columns) and "estimator". Row filters and splits are training-only and never in it.

`check_inference(model)` says whether that pipeline can start at the raw imported columns (the
model's signature). When a feature column enters the data somewhere after the import (through a
join, for instance), the pipeline cannot be fed from the imported columns alone; the report says
at which step the data the pipeline expects first differs, and which columns callers must then
send. The registry calls it at registration; serving calls it at start.

`input_schema(model, ...)` is the JSON description of valid request rows that the server, batch
scoring and bundles validate against (see validation.py): per column its dtype, kind, whether a
null is allowed and the categories the model knows, plus the policies for unknown categories and
extra columns.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["InferenceReport", "InferenceError", "check_inference", "input_schema",
           "SCHEMA_FORMAT", "UNKNOWN_CATEGORY_POLICIES", "EXTRA_COLUMN_POLICIES"]

SCHEMA_FORMAT = "mlwire.schema/1"
UNKNOWN_CATEGORY_POLICIES = ("warn", "reject", "accept")
EXTRA_COLUMN_POLICIES = ("ignore", "reject")


class InferenceError(ValueError):
    """A model whose pipeline cannot be served from raw rows; the message says why and what to do."""


@dataclass(frozen=True)
class InferenceReport:
    """Whether a model's pipeline starts at its raw input columns, and if not, where it starts.

    ok:              the pipeline runs from the signature's columns alone.
    raw_columns:     the signature's column names: the imported columns the pipeline needs
                     (not the label under any name, nor a column no feature is made from).
    extra_inputs:    columns the pipeline needs that are not raw imported columns (they enter the
                     data after the import, e.g. through a join); callers must send them too.
    start_step:      the first step that needs one of them (a node id, or "features").
    expected_input:  what the pipeline then expects: the raw columns plus extra_inputs.
    problems:        sentences for people (empty when ok).
    """

    ok: bool
    raw_columns: tuple[str, ...]
    extra_inputs: tuple[str, ...] = ()
    start_step: str | None = None
    expected_input: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def message(self) -> str:
        return " ".join(self.problems)

    def raise_for_problems(self) -> None:
        if not self.ok:
            raise InferenceError(self.message)


def _steps(model):
    """(name, step) of the transform steps, then the features selector and the estimator."""
    from sklearn.pipeline import Pipeline
    pipeline = model.pipeline
    if not isinstance(pipeline, Pipeline) or len(pipeline.steps) < 2 \
            or pipeline.steps[-2][0] != "features" or pipeline.steps[-1][0] != "estimator":
        raise InferenceError(
            "This model is not an MLWire inference pipeline (a scikit-learn Pipeline ending in "
            "the steps 'features' and 'estimator'), so it cannot be served. Register the Model "
            "output of a Train Model node.")
    return pipeline.steps[:-2], pipeline.steps[-2][1], pipeline.steps[-1][1]


def _fitted(step) -> dict:
    """Column -> fitted single-column transformer of a ColumnStep ({} for a passthrough step,
    and for other steps, whose `fitted_` is a flag)."""
    fitted = getattr(step, "fitted_", None)
    return dict(fitted) if isinstance(fitted, dict) else {}


def check_inference(model) -> InferenceReport:
    """Does the model's pipeline take raw input rows (its signature's columns)? See the module doc.

    The columns are traced by name from the feature columns back through the steps
    (nodes.signature.trace_inputs): each step's outputs that something later uses need the
    columns it makes them from; every other column passes through.
    """
    transforms, features, _ = _steps(model)
    raw = tuple(str(name) for name, _ in model.signature)
    problems = []
    if not raw:
        problems.append("The model records no input columns (its signature is empty), so requests "
                        "cannot be checked. Train it again with this MLWire version.")
    for name, step in transforms:
        if not hasattr(step, "transform"):
            problems.append(f"Step '{name}' ({type(step).__name__}) is not a row-wise MLWire "
                            "transform; only row-wise transforms can be part of an inference "
                            "pipeline.")
    from nodes.signature import trace_inputs
    # Traced backwards from the features: a column a step would transform but whose outputs
    # nothing uses (an ignored id, say) is not needed; MLWire steps skip what they do not find.
    needed, traced = trace_inputs(transforms, [str(f) for f in model.features])
    if not traced:
        # Another kernel's step: its column names are its own business, so the trace stops;
        # what it needs is checked when it runs.
        return InferenceReport(not problems, raw, expected_input=raw, problems=tuple(problems))
    order = [name for name, _ in transforms] + ["features"]
    needed_first = {c: step for c, step in sorted(needed.items(),
                                                    key=lambda item: order.index(item[1]))
                    if c not in raw}   # column not among the raw ones -> the step that reads it
    if not needed_first and not problems:
        return InferenceReport(True, raw, expected_input=raw)
    extra = tuple(needed_first)
    start = min(needed_first.values(), key=order.index) if needed_first else None
    if needed_first:
        listed = ", ".join(f"'{c}'" for c in extra)
        where = "the feature selection" if start == "features" else f"step '{start}'"
        problems.append(
            f"The inference pipeline cannot start at the imported columns: {listed} "
            f"{'is' if len(extra) == 1 else 'are'} not among them (such columns come into the "
            f"data after the import, e.g. through a join). It will start at {where} instead and "
            f"expect the columns {', '.join(raw + extra)}; callers must join {listed} onto each "
            "row themselves.")
    return InferenceReport(False, raw, extra, start, raw + extra, tuple(problems))


# -- the input schema ------------------------------------------------------------------------

def kind_of(dtype: str) -> str:
    """'integer', 'number', 'boolean' or 'text' for a pandas dtype name."""
    d = str(dtype).lower()
    if d.startswith(("int", "uint")):
        return "integer"
    if d.startswith("float"):
        return "number"
    if d in ("bool", "boolean"):
        return "boolean"
    return "text"


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def _column_facts(model):
    """(imputed columns, {raw column: categories}, columns whose categories include missing)."""
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

    from nodes.signature import output_names
    transforms, _, _ = _steps(model)
    imputed, categories, nan_known, policies = set(), {}, set(), set()
    raw = {str(n) for n, _ in model.signature}
    renamed: set[str] = set()       # columns already replaced by an earlier step
    for _, step in transforms:
        for column, transformer in _fitted(step).items():
            if column not in raw or column in renamed:
                continue
            if isinstance(transformer, SimpleImputer):
                imputed.add(column)
            elif isinstance(transformer, (OneHotEncoder, OrdinalEncoder)):
                cats = list(transformer.categories_[0])
                if any(_is_missing(c) for c in cats):
                    nan_known.add(column)
                categories[column] = [_plain(c) for c in cats if not _is_missing(c)]
                policies.add(transformer.handle_unknown)
            outs = output_names(transformer, column)
            if outs != [column]:
                renamed.add(column)
    return imputed, categories, nan_known, policies


def check_policies(unknown_categories: str | None, extra_columns: str) -> None:
    """ValueError for a policy name that is not one of the documented ones (None: the model's
    own unknown-category policy)."""
    if unknown_categories is not None and unknown_categories not in UNKNOWN_CATEGORY_POLICIES:
        raise ValueError(f"unknown_categories must be one of {UNKNOWN_CATEGORY_POLICIES}, "
                         f"not {unknown_categories!r}")
    if extra_columns not in EXTRA_COLUMN_POLICIES:
        raise ValueError(f"extra_columns must be one of {EXTRA_COLUMN_POLICIES}, "
                         f"not {extra_columns!r}")


def input_schema(model, *, ref: str | None = None, sha256: str | None = None,
                 unknown_categories: str | None = None,
                 extra_columns: str = "ignore") -> dict:
    """The JSON description of valid input rows for `model` (see the module doc).

    Nulls: a column may be null when a Clean Missing Data step of the model fills it, when its
    encoder learned a missing value as a category, or when it is a float column and the
    estimator itself accepts missing values. Elsewhere training had none (an integer or boolean
    column as imported cannot have held one), and a null is refused.

    Unknown categories: the default policy is the one stored with the model, i.e. how its
    encoders were fitted: MLWire's Encode Categorical ignores unknown values (all-zero
    indicators, or -1 for ordinal), so they are scored and reported in `warnings` ("warn");
    an encoder fitted with handle_unknown="error" makes it "reject".
    """
    from sklearn.utils import get_tags
    imputed, categories, nan_known, policies = _column_facts(model)
    estimator = model.pipeline.steps[-1][1]
    try:
        estimator_nan = bool(get_tags(estimator).input_tags.allow_nan)
    except Exception:
        estimator_nan = False
    features = {str(f) for f in model.features}
    columns = []
    for name, dtype in model.signature:
        name, dtype = str(name), str(dtype)
        kind = kind_of(dtype)
        nullable = (name in imputed or name in nan_known
                    or (kind == "number" and estimator_nan and name in features))
        columns.append({"name": name, "dtype": dtype, "kind": kind, "nullable": nullable,
                        "categories": categories.get(name)})
    if unknown_categories is None:
        unknown_categories = "reject" if "error" in policies else "warn"
    check_policies(unknown_categories, extra_columns)
    classes = None if model.classes is None else [_plain(c) for c in model.classes]
    return {"format": SCHEMA_FORMAT, "model": ref, "sha256": sha256, "task": model.task,
            "label": model.label, "classes": classes, "columns": columns,
            "policies": {"unknown_categories": unknown_categories,
                         "extra_columns": extra_columns}}
