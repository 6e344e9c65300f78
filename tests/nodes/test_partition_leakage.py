"""Partition and Sample divides rows into train and test only when it assigns folds: the leakage
check warns about a transform fitted upstream of folds, and not about one upstream of a sample."""
from __future__ import annotations

import pytest

from designer.engine.checker import check
from designer.model import pipeline_from_json


def _pipeline(mode: str):
    return pipeline_from_json({
        "format": "mlwire.pipeline/1", "name": "partition",
        "nodes": [{"id": "src", "type": "sample_dataset", "params": {"name": "iris"}},
                  {"id": "scale", "type": "normalize_data", "params": {}},
                  {"id": "part", "type": "partition_and_sample",
                   "params": {"mode": mode, "fraction": 0.5, "folds": 3}}],
        "edges": [{"source": "src", "source_port": "data", "target": "scale",
                   "target_port": "data"},
                  {"source": "scale", "source_port": "data", "target": "part",
                   "target_port": "data"}]})


def _leaks(mode: str, tmp_path) -> list:
    return [f for f in check(_pipeline(mode), tmp_path) if f.code == "leakage"]


def test_a_sample_downstream_of_a_fitted_transform_is_not_leakage(tmp_path):
    assert _leaks("sample", tmp_path) == []


def test_folds_downstream_of_a_fitted_transform_are_leakage(tmp_path):
    leaks = _leaks("assign_to_folds", tmp_path)
    assert [f.node_id for f in leaks] == ["scale"]
    assert "Partition and Sample (part)" in leaks[0].message
    assert leaks[0].severity == "warning"


@pytest.mark.parametrize("mode, splits", [("sample", False), ("assign_to_folds", True)])
def test_the_node_says_when_it_divides_rows(mode, splits):
    from nodes.registry import registry
    node_type = registry.get("partition_and_sample")
    assert node_type.divides_rows({"mode": mode}) is splits
