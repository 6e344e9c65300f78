"""The designer's trust rule, without Qt: nodes that came in the file (or by paste) need review;
nodes the user added, or reviewed, are theirs and are trusted as they run."""
from __future__ import annotations

import pytest

from designer import trust
from designer.model import Node, pipeline_from_json

FOREIGN = "def run(data, data_b=None):\n    return data\n"


@pytest.fixture(autouse=True)
def _private_store(tmp_path, monkeypatch):
    monkeypatch.setenv("MLWIRE_DATA_DIR", str(tmp_path / "data"))


def _opened():
    return pipeline_from_json({
        "format": "mlwire.pipeline/1", "name": "p",
        "nodes": [{"id": "py", "type": "execute_python_script", "params": {"code": FOREIGN}}],
        "edges": []})


def _ids(guarded):
    return [g.node_id for g in guarded]


def test_file_content_needs_review_even_after_an_edit(tmp_path):
    pipeline = _opened()
    session = trust.SessionTrust(pipeline, tmp_path)
    assert session.unreviewed == {"py"}
    pipeline.set_param("py", "code", FOREIGN + "# edited\n")
    foreign, own = session.pending(tmp_path)
    assert _ids(foreign) == ["py"] and own == []
    session.accept(foreign, "test")
    assert session.pending(tmp_path) == ([], [])
    assert trust.untrusted_nodes(pipeline, tmp_path) == []      # the store agrees
    pipeline.set_param("py", "code", FOREIGN + "# mine now\n")   # reviewed: edits are the user's
    foreign, own = session.pending(tmp_path)
    assert foreign == [] and _ids(own) == ["py"]


def test_palette_nodes_are_the_users_and_pastes_are_not(tmp_path):
    pipeline = _opened()
    session = trust.SessionTrust(pipeline, tmp_path)
    pipeline.add_node(Node("mine", "execute_python_script"))          # from the palette
    pipeline.set_param("mine", "code", "def run(data, data_b=None):\n    return data.head()\n")
    pipeline.add_node(Node("pasted", "execute_python_script", {"code": "import os\n" + FOREIGN}))
    foreign, own = session.pending(tmp_path)
    assert sorted(_ids(foreign)) == ["pasted", "py"] and _ids(own) == ["mine"]
    # a copy of the user's own code is theirs too; run-to-here limits what is asked about
    code = pipeline.node("mine").params["code"]
    pipeline.add_node(Node("copy", "execute_python_script", {"code": code}))
    foreign, own = session.pending(tmp_path, {"copy"})
    assert foreign == [] and _ids(own) == ["copy"]
    # deleting and restoring (undo) a foreign node does not launder it
    pipeline.remove_node("pasted")
    pipeline.add_node(Node("pasted", "execute_python_script", {"code": "import os\n" + FOREIGN}))
    assert "pasted" in session.unreviewed
    session.close()
