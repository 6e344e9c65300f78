"""End-to-end fixtures: private copies of the examples (helpers are in e2e_cli.py)."""
import shutil

import pytest

from e2e_cli import EXAMPLES


@pytest.fixture
def examples(tmp_path):
    """A private copy of assets/examples (runs write project files beside the pipelines)."""
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.mlw*", "__pycache__"))
    return folder
