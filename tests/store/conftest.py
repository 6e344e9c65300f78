"""Shared fixture of the store tests: a fresh project file in tmp_path."""
from __future__ import annotations

import pytest

from designer.store import Project


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "test.mlw", create=True) as p:
        yield p
