"""Fixtures of the tracking tests: a folder with a small real pipeline and its data."""
from __future__ import annotations

import json

import pytest

from tracking_cli import IRIS, ROOT


@pytest.fixture
def iris_folder(tmp_path):
    """iris.csv and iris.pipeline.json in a fresh folder."""
    (tmp_path / "iris.csv").write_bytes((ROOT / "assets" / "examples" / "iris.csv").read_bytes())
    (tmp_path / "iris.pipeline.json").write_text(json.dumps(IRIS, indent=1))
    return tmp_path


@pytest.fixture
def project(tmp_path):
    from designer.store import Project
    with Project.open(tmp_path / "test.mlw", create=True) as p:
        yield p
