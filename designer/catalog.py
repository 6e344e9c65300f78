"""The node catalog as text, JSON and Markdown (for `mlwire nodes` and docs/nodes.md).

Everything here is derived from the node declarations (title, category, doc, ports, parameters),
so the reference, the palette and the inspector always say the same thing. The per-node example
is a pipeline-file fragment: the node with its required parameters, wired to typical neighbours.
"""
from __future__ import annotations

import json

from nodes.base import CATEGORIES
from nodes.params import Param, Union
from nodes.schema import PortType

from .catalog_azure import AZURE_COMPONENTS, OTHER_AZURE_GROUPS

__all__ = ["catalog_json", "catalog_markdown", "catalog_text", "node_example"]


def _by_category(registry):
    types = registry.all()
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(types, key=lambda t: (order.get(t.category, 99), t.title))


def catalog_json(registry) -> list[dict]:
    return [{
        "type": t.type_id, "title": t.title, "category": t.category, "doc": t.doc,
        "version": t.version,
        "inputs": [{"name": p.name, "type": p.type.value, "optional": p.optional, "doc": p.doc}
                   for p in t.inputs],
        "outputs": [{"name": p.name, "type": p.type.value, "doc": p.doc} for p in t.outputs],
        "params": [p.spec() for p in t.params],
        "example": node_example(t),
    } for t in _by_category(registry)]


def catalog_text(registry) -> str:
    lines, category = [], None
    for t in _by_category(registry):
        if t.category != category:
            category = t.category
            lines.append(f"\n{category}")
        ins = ", ".join(p.name for p in t.inputs) or "-"
        outs = ", ".join(p.name for p in t.outputs)
        lines.append(f"  {t.type_id:<28} {t.title}  ({ins} -> {outs})")
    return "\n".join(lines).lstrip("\n")


# -- the example of each node ----------------------------------------------------------------

# The training node of each learner task, and a typical learner each training node takes.
_TRAINER = {"classification": "train_model", "regression": "train_model",
            "clustering": "train_clustering_model", "anomaly": "train_anomaly_detection_model"}
_LEARNER_FOR = {"train_clustering_model": "kmeans",
                "train_anomaly_detection_model": "isolation_forest"}


def _placeholder(param: Param):
    if param.name == "label_column":
        return "label"
    kind = type(param).__name__
    if kind == "Columns":
        return ["column_a", "column_b"]
    return f"<{param.name}>"


def _source(node_type, port) -> str:
    """A typical upstream output for an input port."""
    if port.type == PortType.LEARNER:
        return f"{_LEARNER_FOR.get(node_type.type_id, 'logistic_regression')}.learner"
    if port.type == PortType.MODEL:
        return "train_model.model"
    if port.type == PortType.TRANSFORM:
        return "normalize_data.transform"
    if port.type == PortType.METRICS:
        return "evaluate_model.metrics"
    if "scored" in port.doc.lower():
        return "score_model.data"
    tables = [p.name for p in node_type.inputs if p.type == PortType.TABLE]
    index = tables.index(port.name)
    return "import_csv.data" if index == 0 else f"import_csv_{index + 1}.data"


def _target(node_type, port) -> str | None:
    """A typical downstream input for an output port, when there is an obvious one."""
    if port.type == PortType.LEARNER:
        return f"{_TRAINER.get(getattr(node_type, 'task', ''), 'train_model')}.learner"
    if port.type == PortType.MODEL:
        return "score_model.model"
    if port.type == PortType.TRANSFORM:
        return "apply_transformation.transform"
    if port.type == PortType.TABLE and node_type.type_id in ("score_model",
                                                             "train_clustering_model"):
        return "evaluate_model.data"
    return None


def node_example(node_type) -> dict:
    """{'node': the pipeline-file node entry, 'edges': ['source.port -> target.port', ...]}:
    the node with its required parameters (and the node class's `example_params`, if any),
    wired to typical neighbours."""
    me = node_type.type_id
    params = {p.name: _placeholder(p) for p in node_type.params if p.required}
    params.update(getattr(node_type, "example_params", None) or {})
    edges = [f"{_source(node_type, p)} -> {me}.{p.name}" for p in node_type.inputs]
    edges += [f"{me}.{p.name} -> {t}" for p in node_type.outputs
              if (t := _target(node_type, p)) is not None]
    return {"node": {"id": me, "type": me, "params": params}, "edges": edges}


# -- Markdown --------------------------------------------------------------------------------

def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _kind(spec: dict) -> str:
    kind = spec["kind"]
    if kind == "union":
        parts = []
        for alt in spec["alternatives"]:
            name = "text" if alt["kind"] == "literal" else alt["kind"]
            if name not in parts:
                parts.append(name)
        return " / ".join(parts)
    return {"string": "text", "anyjson": "JSON", "intlist": "int list", "columns": "column list",
            "path": "file path"}.get(kind, kind)


def _default(param: Param, spec: dict) -> str:
    if spec["required"]:
        return "required"
    return f"`{json.dumps(spec['default'])}`"


def _node_markdown(t) -> list[str]:
    out = [f'<a id="{t.type_id}"></a>', "", f"### {t.title} (`{t.type_id}`)", "",
           f"*{t.category}*", "", t.doc.strip(), ""]
    if t.inputs:
        out.append("**Inputs**")
        out.append("")
        out += [f"- `{p.name}` ({p.type.value}{', optional' if p.optional else ''})"
                + (f": {p.doc}" if p.doc else "") for p in t.inputs]
        out.append("")
    out.append("**Outputs**")
    out.append("")
    out += [f"- `{p.name}` ({p.type.value})" + (f": {p.doc}" if p.doc else "") for p in t.outputs]
    out.append("")
    if t.params:
        out += ["| parameter | type | default | accepts | description |", "|---|---|---|---|---|"]
        for p in t.params:
            spec = p.spec()
            out.append(f"| `{p.name}` | {_cell(_kind(spec))} | {_cell(_default(p, spec))} | "
                       f"{_cell(spec['accepts'])} | {_cell(spec['doc'])} |")
        out.append("")
    else:
        out += ["No parameters.", ""]
    example = node_example(t)
    out += ["Example (pipeline file):", "", "```", json.dumps(example["node"])]
    out += example["edges"]
    out += ["```", ""]
    return out


def _link(registered: dict, type_id: str) -> str:
    t = registered.get(type_id)
    return f"[{t.title}](#{type_id})" if t is not None else f"`{type_id}` (not in this build)"


def _azure_markdown(registered: dict) -> list[str]:
    out = ["## Azure ML Designer components and their MLWire counterparts", "",
           "Every classic component of Azure ML Designer's data input and output, data "
           "transformation, feature selection, machine learning algorithm, training, scoring and "
           "evaluation groups, with the MLWire node types that do its job, or the reason it has "
           "no place in a local designer for tabular data. Azure's separate two-class and "
           "multiclass learners are one node each here: every classifier handles two or more "
           "classes.", "",
           "| Azure group | Azure component | MLWire | note |", "|---|---|---|---|"]
    for row in AZURE_COMPONENTS:
        mlwire = ", ".join(_link(registered, i) for i in row.counterparts) or "—"
        out.append(f"| {row.group} | {row.name} | {mlwire} | {_cell(row.note)} |")
    covered = {i for row in AZURE_COMPONENTS for i in row.counterparts}
    covered |= {i for _, _, ids in OTHER_AZURE_GROUPS for i in ids}
    extra = [t for t in registered.values() if t.type_id not in covered]
    out += ["", "Azure's other groups are outside a tabular designer:", ""]
    out += [f"- **{group}**: {reason}" for group, reason, _ in OTHER_AZURE_GROUPS]
    if extra:
        out += ["", "MLWire nodes with no Azure counterpart: "
                + ", ".join(f"[{t.title}](#{t.type_id})"
                            for t in sorted(extra, key=lambda t: t.title)) + "."]
    return out + [""]


_CONVENTIONS = """## Reading this reference

- **Ports** carry a Table (a pandas frame plus the fitted transforms it has been through), a
  Learner (an untrained scikit-learn estimator), a Model (a fitted inference pipeline), a
  Transform (a fitted table-to-table step) or Metrics.
- **Parameters** are stored by name and value in the pipeline file, and can be set from the
  command line with `mlwire run PIPELINE --set NODE.PARAM=VALUE` (JSON where it parses). *accepts*
  is the constraint checked before anything runs, in interval notation: `[` includes an end, `(`
  excludes it. A value outside it is refused with a message naming the parameter and the node.
- **Learners** use scikit-learn's own hyperparameter names and defaults, except `random_state`,
  which is 0 so that runs repeat exactly. Learners are trained by the node of their task:
  classifiers and regressors by Train Model, clustering learners by Train Clustering Model,
  anomaly detectors by Train Anomaly Detection Model.
- **Anomaly detection.** Train Anomaly Detection Model fits on every column but an optional
  label of known anomalies (1 or True: anomaly). Score Model adds `scored_label` (1: anomaly,
  0: normal) and `anomaly_score` (higher is more anomalous). Evaluate Model reports
  `anomaly_fraction`, and with the label the binary metrics with anomalies as the positive class,
  ROC AUC and average precision.
- **Examples** are pipeline-file fragments: the node entry (required parameters shown as
  placeholders, some typical settings, the rest at their defaults) and wires
  `source.port -> target.port`, where the other nodes are named by their type.
"""


def catalog_markdown(registry) -> str:
    types = _by_category(registry)
    registered = {t.type_id: t for t in types}
    out = ["# Node reference", "",
           "Generated from the node declarations by `mlwire nodes --markdown` (`make docs`); the "
           "designer's palette and inspector show the same text. "
           f"{len(types)} node types in {len({t.category for t in types})} categories.", "",
           "## Contents", ""]
    for category in CATEGORIES:
        members = [t for t in types if t.category == category]
        if members:
            out.append(f"- **{category}**: "
                       + ", ".join(f"[{t.title}](#{t.type_id})" for t in members))
    out.append("")
    out += _azure_markdown(registered)
    out += [_CONVENTIONS]
    category = None
    for t in types:
        if t.category != category:
            category = t.category
            out += [f"## {category}", ""]
        out += _node_markdown(t)
    return "\n".join(out).rstrip() + "\n"
