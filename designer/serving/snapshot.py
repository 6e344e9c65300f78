"""A model server's snapshot: what it needs to answer requests, as plain data, so that it starts
without importing scikit-learn.

Importing scikit-learn is most of a model server's start-up (1.5 to 2 s on a 2-core machine, a
second of it scipy.stats). A server needs only the input schema and, when fastpath compiles the
model, the compiled pipeline's fitted numbers, categories and trees (CompiledPipeline.spec()).
`keep(model, sha256)` builds that snapshot where scikit-learn is loaded anyway (at registration,
or the first time a server starts the slow way) and stores it in the signed model cache (kind
"serving", keyed by the model's sha256 and the library versions). It is kept only when the
rebuilt scorer (CompiledPipeline.from_spec, which never touches scikit-learn) gives bit for bit
the pipeline's own predictions and probabilities on probe rows: a few rows, as requests come,
and a block larger than one walk. `load(...)` gives a server its (schema, scorer), or None
(no snapshot, or a model fastpath does not compile): the server then loads the model itself.
"""
from __future__ import annotations

import copy

__all__ = ["keep", "load", "make", "vouched_scorer"]

FORMAT = 2         # a new layout of the trees or specs: older snapshots are not used
KIND = "serving"


def make(model, sha256: str) -> dict | None:
    """The snapshot of `model` (a loaded nodes.values.Model), or None when it cannot have one."""
    from .fastpath import CompiledPipeline, probe_frame, same_answers, scorer_for
    from .inference import check_inference, input_schema
    if not check_inference(model).ok:
        return None
    schema = input_schema(model, sha256=sha256)
    compiled = scorer_for(model.pipeline, schema)
    spec = compiled.spec() if isinstance(compiled, CompiledPipeline) else None
    if spec is None:
        return None
    rebuilt = CompiledPipeline.from_spec(spec)
    for n in (12, 300):         # as requests come, and more rows than one walk takes
        probe = probe_frame(schema, n)
        if probe is None or not same_answers(model.pipeline, rebuilt, probe):
            return None
    return {"format": FORMAT, "schema": schema, "scorer": spec}


def keep(model, sha256: str) -> None:
    """Store the snapshot of `model` for the next server start, when it has one."""
    from designer import model_cache
    try:
        snapshot = make(model, sha256)
    except Exception:       # a snapshot only saves time; the server can always load the model
        return
    if snapshot is not None:
        model_cache.store(sha256, snapshot, KIND)


def _stored(sha256: str | None) -> dict | None:
    """The snapshot kept for the model `sha256`, if any (of this FORMAT)."""
    from designer import model_cache
    snapshot = model_cache.load(sha256, KIND) if sha256 else None
    return snapshot if isinstance(snapshot, dict) and snapshot.get("format") == FORMAT else None


def load(sha256: str, *, ref: str | None = None, unknown_categories: str | None = None,
         extra_columns: str = "ignore"):
    """(schema, scorer) from the stored snapshot of the model `sha256`, with these policies
    (None: the model's own unknown-category policy), or None when there is no snapshot."""
    from .fastpath import CompiledPipeline
    from .inference import check_policies
    check_policies(unknown_categories, extra_columns)
    snapshot = _stored(sha256)
    if snapshot is None:
        return None
    schema = copy.deepcopy(snapshot["schema"])
    schema["model"] = ref
    policies = schema["policies"]
    policies["unknown_categories"] = unknown_categories or policies["unknown_categories"]
    policies["extra_columns"] = extra_columns
    return schema, CompiledPipeline.from_spec(snapshot["scorer"])


def vouched_scorer(pipeline, sha256: str | None):
    """`pipeline` compiled without probing it again, when the model `sha256` has a snapshot:
    this same MLWire and these same libraries (its cache key) already found the compiled path
    exact for it. None otherwise; the caller then probes (fastpath.scorer_for)."""
    from .fastpath import CompiledPipeline, NotCompilable
    if _stored(sha256) is None:
        return None
    try:
        return CompiledPipeline(pipeline)
    except NotCompilable:
        return None
