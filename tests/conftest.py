"""Shared test setup: Qt offscreen before any Qt import, the repository on sys.path, and a
user data folder of the run's own (cache key, trust store, model cache), never the real one."""
import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "MLWIRE_DATA_DIR" not in os.environ:
    os.environ["MLWIRE_DATA_DIR"] = tempfile.mkdtemp(prefix="mlwire-test-data-")
    atexit.register(shutil.rmtree, os.environ["MLWIRE_DATA_DIR"], True)
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def churn_model():
    """The churn example's trained Model (nodes.values.Model), run once by the engine."""
    from designer.engine import Engine
    from designer.model import load_pipeline
    examples = ROOT / "assets" / "examples"
    engine = Engine(None, workers=1)
    try:
        result = engine.run(load_pipeline(examples / "churn.pipeline.json"), examples)
        assert result.status == "succeeded"
        yield engine.output("train", "model")
    finally:
        engine.close()
