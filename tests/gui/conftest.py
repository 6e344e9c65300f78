"""GUI test fixtures: a registry with the core node types, documents and a shown canvas view."""
from __future__ import annotations

from pathlib import Path

import pytest

from designer.model import Edge, Node, Pipeline

from .fake_nodes import make_registry


@pytest.fixture(scope="session")
def registry():
    return make_registry()


@pytest.fixture
def pipeline(registry):
    return Pipeline("test", registry=registry)


def example_pipeline(registry) -> Pipeline:
    """Sample data -> split -> train (boosted trees) -> score -> evaluate."""
    p = Pipeline("example", registry=registry)
    for node_id, type_id, pos, params in [
        ("data", "sample_dataset", (0, 0), {"name": "iris"}),
        ("split", "split_data", (300, 0), {"fraction": 0.8}),
        ("gbt", "boosted_trees_classifier", (300, 160), {"max_iter": 20}),
        ("train", "train_model", (600, 40), {"label_column": "target"}),
        ("score", "score_model", (900, 0), {}),
        ("evaluate", "evaluate_model", (1200, 0), {}),
    ]:
        p.add_node(Node(node_id, type_id, params, pos))
    for e in [("data", "data", "split", "data"), ("split", "train", "train", "data"),
              ("gbt", "learner", "train", "learner"), ("train", "model", "score", "model"),
              ("split", "test", "score", "data"), ("score", "data", "evaluate", "data")]:
        p.connect(Edge(*e))
    return p


@pytest.fixture
def example(registry):
    return example_pipeline(registry)


@pytest.fixture
def canvas(qtbot, pipeline):
    """(document, view) for an empty pipeline, shown at 1:1 zoom."""
    from designer.gui.canvas import CanvasView
    from designer.gui.document import Document
    doc = Document(pipeline)
    view = CanvasView(doc.scene)
    view.resize(1200, 800)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.centerOn(400, 200)
    yield doc, view
    doc.close()


@pytest.fixture(autouse=True, scope="session")
def _private_data_dir(tmp_path_factory):
    """Recovery files, scratch projects and example copies go to a temporary folder."""
    import os
    from designer.gui.paths import ENV_DATA_DIR
    old = os.environ.get(ENV_DATA_DIR)
    os.environ[ENV_DATA_DIR] = str(tmp_path_factory.mktemp("mlwire-data"))
    os.environ.setdefault("MLWIRE_WORKERS", "1")   # one worker process per run: quicker tests
    yield Path(os.environ[ENV_DATA_DIR])
    if old is None:
        os.environ.pop(ENV_DATA_DIR, None)
    else:
        os.environ[ENV_DATA_DIR] = old


def process_gone(pid: int) -> bool:
    """True when the process has ended and been reaped (an unreaped zombie still counts)."""
    import os
    if Path("/proc").is_dir():
        return not Path(f"/proc/{pid}").exists()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture(autouse=True, scope="session")
def _clear_clipboard_at_exit(qapp):
    """Mime data left on the offscreen clipboard crashes the interpreter's exit."""
    yield
    qapp.clipboard().clear()


@pytest.fixture(autouse=True, scope="session")
def _gc_on_the_gui_thread(qapp):
    """As the app does (create_app): cycles are collected on the GUI thread only, whatever the
    test builds (some tests make widgets without a window or create_app)."""
    from designer.gui.gc_guard import install_gui_thread_gc
    install_gui_thread_gc()
