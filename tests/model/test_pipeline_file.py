"""The pipeline document and its file format: every malformed input is refused by name."""
import json

import pytest

from designer.model import (CycleError, DuplicateNodeError, Edge, EdgeAdded, EdgeRemoved,
                            IncompatiblePortsError, InputTakenError, Node, NodeAdded, NodeRemoved,
                            ParamChanged, Pipeline, PipelineFormatError, load_pipeline,
                            loads_pipeline, save_pipeline)
from designer.model.errors import UnknownParameterError

GOOD = {
    "format": "mlwire.pipeline/1", "name": "demo", "parameters": {"seed": 7},
    "nodes": [
        {"id": "load", "type": "import_csv", "params": {"path": "d.csv"}, "position": [0, 0]},
        {"id": "split", "type": "split_data", "params": {"fraction": 0.8, "seed": "$seed"}},
        {"id": "gbt", "type": "boosted_trees_classifier", "params": {}},
        {"id": "train", "type": "train_model", "params": {"label_column": "y"}, "comment": "base"},
    ],
    "edges": [
        {"source": "load", "source_port": "data", "target": "split", "target_port": "data"},
        {"source": "gbt", "source_port": "learner", "target": "train", "target_port": "learner"},
        {"source": "split", "source_port": "train", "target": "train", "target_port": "data"},
    ],
}


def variant(change):
    doc = json.loads(json.dumps(GOOD))
    change(doc)
    return json.dumps(doc)


def test_round_trip_keeps_everything(tmp_path):
    pipeline = loads_pipeline(json.dumps(GOOD))
    path = tmp_path / "demo.pipeline.json"
    save_pipeline(pipeline, path)
    assert json.loads(path.read_text()) == GOOD
    assert load_pipeline(path).to_json() == GOOD


def test_bindings_resolve_to_pipeline_parameters():
    pipeline = loads_pipeline(json.dumps(GOOD))
    assert pipeline.raw_params("split") == {"fraction": 0.8, "seed": 7}
    assert pipeline.raw_params("split", {"split": {"fraction": 0.5}})["fraction"] == 0.5
    pipeline.set_param("split", "seed", "$$seed")
    assert pipeline.raw_params("split")["seed"] == "$seed"
    pipeline.set_param("split", "seed", "$nope")
    with pytest.raises(UnknownParameterError, match="'nope', which does not exist"):
        pipeline.raw_params("split")


@pytest.mark.parametrize("text, needle", [
    ("{", "not valid JSON"),
    ("", "empty"),
    ("[]", "JSON object"),
    (variant(lambda d: d.update(format="mlwire.pipeline/9")), "'mlwire.pipeline/9'"),
    (variant(lambda d: d.update(extra=1)), "'extra'"),
    (variant(lambda d: d["nodes"][1].update(type="split_dta")), "node 'split' has unknown type 'split_dta'"),
    (variant(lambda d: d["nodes"][1]["params"].update(fractoin=0.5)), "no parameter 'fractoin'"),
    (variant(lambda d: d["nodes"][1].update(colour="red")), "node 'split' has unknown key(s) ['colour']"),
    (variant(lambda d: d["nodes"].append({"id": "split", "type": "split_data"})), "already has a node with id 'split'"),
    (variant(lambda d: d["nodes"].append({"type": "split_data"})), "node 5 needs \"id\""),
    (variant(lambda d: d["edges"].append({"source": "ghost", "source_port": "data", "target": "split", "target_port": "data"})), "'ghost', which does not exist"),
    (variant(lambda d: d["edges"][0].update(source_port="table")), "Import CSV (load) has no output port 'table'"),
    (variant(lambda d: d["edges"][0].update(target_port="learner")), "Split Data (split) has no input port 'learner'"),
    (variant(lambda d: d["edges"][1].update(source="load", source_port="data")), "(Table) to Train Model (train).learner (Learner)"),
    (variant(lambda d: d["edges"][1].pop("target_port")), "missing: ['target_port']"),
    (variant(lambda d: d["nodes"][0].update(position=[1])), "\"position\" must be [x, y]"),
])
def test_malformed_files_are_refused_naming_the_item(text, needle):
    with pytest.raises(PipelineFormatError) as caught:
        loads_pipeline(text, source="p.pipeline.json")
    assert needle in str(caught.value)
    assert str(caught.value).startswith("p.pipeline.json: ")


def test_graph_rules_raise_typed_errors():
    pipeline = loads_pipeline(json.dumps(GOOD))
    with pytest.raises(InputTakenError, match="already connected to load.data"):
        pipeline.connect(Edge("load", "data", "split", "data"))
    with pytest.raises(IncompatiblePortsError):
        pipeline.connect(Edge("train", "model", "split", "data"))
    pipeline.add_node(Node("select", "select_columns"))
    pipeline.connect(Edge("split", "test", "select", "data"))
    with pytest.raises(CycleError, match="would create a cycle"):
        pipeline.disconnect(Edge("load", "data", "split", "data"))
        pipeline.connect(Edge("select", "data", "split", "data"))
    with pytest.raises(DuplicateNodeError, match="not valid"):
        pipeline.add_node(Node("bad id!", "split_data"))


def test_every_change_emits_one_event_and_removal_can_be_undone_exactly():
    pipeline = loads_pipeline(json.dumps(GOOD))
    before = pipeline.to_json()
    events = []
    pipeline.events.subscribe(events.append)
    index = pipeline.index_of("split")
    places = {e: pipeline.edge_index(e) for e in pipeline.edges}
    node, edges = pipeline.remove_node("split")
    assert [type(e) for e in events] == [EdgeRemoved, EdgeRemoved, NodeRemoved]
    pipeline.add_node(node, index)
    for edge in sorted(edges, key=places.get):
        pipeline.connect(edge, places[edge])
    assert pipeline.to_json() == before
    assert isinstance(events[3], NodeAdded) and all(isinstance(e, EdgeAdded) for e in events[4:])
    pipeline.set_param("gbt", "max_iter", 50)
    assert events[-1] == ParamChanged("gbt", "max_iter", 50)


def test_snapshot_is_detached():
    pipeline = loads_pipeline(json.dumps(GOOD))
    frozen = pipeline.snapshot()
    pipeline.set_param("split", "fraction", 0.5)
    assert frozen.node("split").params["fraction"] == 0.8
