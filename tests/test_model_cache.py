"""The signed model cache: a second load skips the gate, and nothing foreign is ever unpickled."""
import os
from pathlib import Path

import pandas as pd
import pytest

from designer import artifacts, model_cache
from designer.artifacts import dump_model, load_model, sha256_of

EXAMPLES = Path(__file__).resolve().parents[1] / "assets" / "examples"


@pytest.fixture(scope="module")
def model_bytes(churn_model):
    data = dump_model(churn_model)
    return data, sha256_of(data)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MLWIRE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def gate_calls(monkeypatch):
    calls = []
    real = artifacts._load_through_gate

    def counting(data):
        calls.append(len(data))
        return real(data)
    monkeypatch.setattr(artifacts, "_load_through_gate", counting)
    return calls


def _entries(data_dir):
    return sorted((data_dir / "model-cache").rglob("*.out"))


def test_second_keep_load_skips_the_gate_and_predicts_the_same(model_bytes, data_dir, gate_calls):
    data, sha = model_bytes
    first = load_model(data, sha, keep=True)
    second = load_model(data, sha, keep=True)
    assert len(gate_calls) == 1
    assert len(_entries(data_dir)) == 1
    rows = pd.read_csv(EXAMPLES / "churn.csv").drop(columns=["churned"]).head(300)
    assert (second.pipeline.predict_proba(rows) == first.pipeline.predict_proba(rows)).all()
    assert (second.task, second.label, second.classes) == (first.task, first.label, first.classes)


def test_a_plain_load_neither_reads_nor_writes_the_cache(model_bytes, data_dir, gate_calls):
    data, sha = model_bytes
    load_model(data, sha)
    load_model(data, sha)
    assert len(gate_calls) == 2 and not _entries(data_dir)


def test_a_tampered_entry_is_ignored_and_the_gate_loads_again(model_bytes, data_dir, gate_calls):
    data, sha = model_bytes
    load_model(data, sha, keep=True)
    (entry,) = _entries(data_dir)
    raw = bytearray(entry.read_bytes())
    raw[-10] ^= 0xFF                             # one flipped byte in the pickled model
    entry.write_bytes(bytes(raw))
    assert model_cache.load(sha) is None
    load_model(data, sha, keep=True)
    assert len(gate_calls) == 2                  # went through skops again, and re-cached
    assert model_cache.load(sha) is not None


def test_an_entry_signed_with_another_users_key_is_never_unpickled(model_bytes, data_dir,
                                                                   monkeypatch):
    data, sha = model_bytes
    load_model(data, sha, keep=True)
    (data_dir / "cache.key").write_bytes(os.urandom(32))      # as if copied from elsewhere
    unpickled = []
    monkeypatch.setattr(model_cache.pickle, "loads", lambda b: unpickled.append(b))
    assert model_cache.load(sha) is None and not unpickled


def test_the_folder_is_trimmed_least_recently_used_first(tmp_path):
    root = tmp_path / "cache"
    for i, name in enumerate(["old", "mid", "new"]):
        path = root / "ab" / f"{name}.out"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 100)
        os.utime(path, (1000 + i, 1000 + i))
    model_cache._trim(root, limit=250)
    assert sorted(p.stem for p in root.rglob("*.out")) == ["mid", "new"]


def test_a_changed_model_file_is_still_refused_before_the_cache(model_bytes, data_dir):
    data, sha = model_bytes
    load_model(data, sha, keep=True)
    with pytest.raises(artifacts.UnsafeModelError, match="sha256"):
        load_model(data + b"\0", sha, keep=True)
