"""Model files: a trained model survives the skops round trip; anything else is refused unread."""
import os
import pickle
from pathlib import Path

import pandas as pd
import pytest

from designer.artifacts import UnsafeModelError, dump_model, load_model, sha256_of

EXAMPLES = Path(__file__).resolve().parents[1] / "assets" / "examples"


def test_a_model_round_trips_and_predicts_the_same(churn_model):
    data = dump_model(churn_model)
    loaded = load_model(data, sha256_of(data))
    rows = pd.read_csv(EXAMPLES / "churn.csv").drop(columns=["churned"]).head(200)
    assert list(loaded.pipeline.predict(rows)) == list(churn_model.pipeline.predict(rows))
    assert (loaded.task, loaded.label, loaded.classes) == ("classification", "churned", ["no", "yes"])


class Payload:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def test_a_pickle_payload_is_refused_and_never_runs(tmp_path):
    sentinel = tmp_path / "sentinel"
    data = pickle.dumps(Payload(sentinel))
    with pytest.raises(UnsafeModelError, match="not a model file MLWire can read safely"):
        load_model(data, sha256_of(data))
    assert not sentinel.exists()


def test_bytes_that_do_not_match_their_hash_are_refused_unread(churn_model):
    data = dump_model(churn_model)
    with pytest.raises(UnsafeModelError, match="sha256"):
        load_model(data[:-1] + b"x", sha256_of(data))


def _supervised_learners():
    """Learner nodes (no required input) whose models Train Model fits."""
    from nodes.base import InferContext
    from nodes.registry import registry
    from nodes.schema import PortType
    out = []
    for node_type in registry.all():
        ports = [p.type for p in node_type.outputs]
        if ports == [PortType.LEARNER] and not any(not p.optional for p in node_type.inputs):
            params, _ = node_type.check_params({})
            schema = node_type.infer({}, params, InferContext("l", Path(".")))["learner"]
            if schema.task in ("classification", "regression"):
                out.append(node_type.type_id)
    return sorted(out)


@pytest.mark.parametrize("type_id", _supervised_learners())
def test_every_learner_s_model_passes_the_load_gate(type_id):
    """Whatever a learner node trains can be stored and loaded back, predicting the same."""
    from nodes.base import RunContext
    from nodes.ops import load_sample_dataset
    from nodes.registry import registry
    from nodes.values import Table
    node_type = registry.get(type_id)
    params, errors = node_type.check_params({})
    assert not errors
    learner = node_type.run({}, params, RunContext("l", Path(".")))["learner"]
    name = "iris" if learner.task == "classification" else "diabetes"
    df = load_sample_dataset(name)
    if learner.task == "regression" and type_id == "poisson_regression":
        df["target"] = df["target"].abs()
    train = registry.get("train_model")
    model = train.run({"learner": learner, "data": Table(df)}, {"label_column": "target"},
                      RunContext("t", Path(".")))["model"]
    data = dump_model(model)
    loaded = load_model(data, sha256_of(data))
    rows = df.drop(columns=["target"]).head(30)
    assert list(loaded.pipeline.predict(rows)) == list(model.pipeline.predict(rows))
