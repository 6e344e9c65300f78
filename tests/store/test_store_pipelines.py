"""Pipelines saved in a project: save, read back, update, list, delete."""
from __future__ import annotations

import pytest

from store_events import PIPELINE
from designer.store import PipelineInfo, Project, ProjectError, UnknownPipelineError


def test_a_saved_pipeline_reads_back_equal_after_reopening(tmp_path):
    path = tmp_path / "p.mlw"
    with Project.open(path, create=True) as project:
        info = project.pipelines.save("iris-species", PIPELINE)
        assert isinstance(info, PipelineInfo) and info.document == PIPELINE
    with Project.open(path) as project:
        assert project.pipelines.get("iris-species") == PIPELINE
        info = project.pipelines.info("iris-species")
        assert info.created_at == info.updated_at and info.created_at.tzinfo is not None


def test_saving_again_replaces_the_document_and_keeps_the_creation_time(project):
    first = project.pipelines.save("p", {"nodes": []})
    second = project.pipelines.save("p", {"nodes": [{"id": "a", "type": "sample_dataset"}]})
    assert second.created_at == first.created_at and second.updated_at > first.updated_at
    assert project.pipelines.get("p")["nodes"][0]["id"] == "a"
    assert project.pipelines.names() == ["p"]


def test_names_are_sorted_and_list_gives_infos(project):
    for name in ("zeta", "alpha", "Mid"):
        project.pipelines.save(name, {"name": name})
    assert project.pipelines.names() == ["Mid", "alpha", "zeta"]
    assert [p.document["name"] for p in project.pipelines.list()] == ["Mid", "alpha", "zeta"]
    assert "alpha" in project.pipelines and "beta" not in project.pipelines


def test_an_unknown_pipeline_names_the_ones_there_are(project):
    project.pipelines.save("one", {})
    with pytest.raises(UnknownPipelineError, match=r"no pipeline 'two'.*saved pipelines: 'one'"):
        project.pipelines.get("two")


def test_delete(project):
    project.pipelines.save("gone", {})
    project.pipelines.delete("gone")
    assert project.pipelines.names() == []
    with pytest.raises(UnknownPipelineError):
        project.pipelines.delete("gone")


def test_what_cannot_be_saved_is_refused_with_a_reason(project):
    with pytest.raises(ProjectError, match="non-empty name"):
        project.pipelines.save("  ", {})
    with pytest.raises(ProjectError, match="JSON object"):
        project.pipelines.save("p", ["not", "a", "dict"])
    with pytest.raises(ProjectError, match="not JSON"):
        project.pipelines.save("p", {"when": object()})
    assert project.pipelines.names() == []


def test_every_save_that_changes_the_pipeline_is_a_revision(project):
    one = {"nodes": [{"id": "a", "type": "sample_dataset"}]}
    two = {"nodes": [{"id": "a", "type": "sample_dataset"}, {"id": "b", "type": "split_data"}]}
    project.pipelines.save("p", one)
    project.pipelines.save("p", dict(reversed(list(one.items()))))   # same content: no revision
    project.pipelines.save("p", two)
    revisions = project.pipelines.revisions("p")
    assert [(r.revision, r.nodes) for r in revisions] == [(2, 2), (1, 1)]
    assert revisions[0].saved_at >= revisions[1].saved_at
    assert project.pipelines.revision("p", 1) == one and project.pipelines.revision("p", 2) == two
    with pytest.raises(UnknownPipelineError, match="has no revision 3 .revisions 1 to 2"):
        project.pipelines.revision("p", 3)


def test_a_deleted_pipeline_keeps_its_history_and_numbering(project):
    project.pipelines.save("p", {"nodes": []})
    project.pipelines.delete("p")
    assert [r.revision for r in project.pipelines.revisions("p")] == [1]
    project.pipelines.save("p", {"nodes": [{"id": "a", "type": "sample_dataset"}]})
    assert [r.revision for r in project.pipelines.revisions("p")] == [2, 1]
    with pytest.raises(UnknownPipelineError, match="no pipeline 'q'.*'p'"):
        project.pipelines.revisions("q")
