"""Trust in the designer: a pipeline file from elsewhere with a script node runs only after the
user has read its code in the review dialog and trusted it; the store then agrees with `mlwire
trust`; the user's own script nodes never ask."""
from __future__ import annotations

import json

from PySide6.QtCore import QTimer

from designer import trust
from designer.model import load_pipeline

from .test_main_window import add_from_palette, window  # noqa: F401  (fixture)


def _script(marker) -> str:
    return ("import pandas as pd\n\n\ndef run(data, data_b=None):\n"
            f"    open({str(marker)!r}, 'w').close()\n"
            "    return pd.DataFrame({'a': [1, 2, 3]})\n")


def _pipeline_file(folder, code: str):
    path = folder / "shared.pipeline.json"
    path.write_text(json.dumps({
        "format": "mlwire.pipeline/1", "name": "shared",
        "nodes": [{"id": "py", "type": "execute_python_script", "params": {"code": code},
                   "position": [0, 0]}],
        "edges": []}))
    return path


def _answer_dialog(window, accept: bool, seen: list):
    """When the review dialog opens: note what it shows, then press Trust or Cancel."""
    def answer():
        dialog = window.runs.trust.dialog
        if dialog is None:          # not open yet: look again on the next turn of the loop
            QTimer.singleShot(20, answer)
            return
        seen.append({"nodes": [g.node_id for g in dialog.guarded],
                     "code": dialog.shown_text("py", "code"),
                     "read_only": dialog.views["py"]["code"].isReadOnly(),
                     "buttons": (dialog.trust_button.text(), dialog.cancel_button.text())})
        (dialog.trust_button if accept else dialog.cancel_button).click()
    QTimer.singleShot(0, answer)


def test_untrusted_file_is_reviewed_before_its_script_runs(window, qtbot, tmp_path):  # noqa: F811
    marker = tmp_path / "ran"
    code = _script(marker)
    path = _pipeline_file(tmp_path, code)
    assert window.open_file(path)
    assert window.runs.trust.banner.isVisible()
    assert "came from elsewhere" in window.runs.trust.banner.text.text()

    # Cancel: the dialog showed the code in full, and nothing ran.
    seen = []
    _answer_dialog(window, accept=False, seen=seen)
    assert window.runs.run() is False
    assert seen == [{"nodes": ["py"], "code": code, "read_only": True,
                     "buttons": ("Trust and run", "Cancel")}]
    assert not window.runs.running and not marker.exists()
    assert "Nothing ran" in window.statusBar().currentMessage()
    assert trust.untrusted_nodes(load_pipeline(path), tmp_path)  # still untrusted

    # Trust and run: it runs, and the trust store holds the key `mlwire trust` uses.
    seen.clear()
    _answer_dialog(window, accept=True, seen=seen)
    with qtbot.waitSignal(window.runs.controller.finished, timeout=120_000) as blocker:
        assert window.runs.run() is True
    assert blocker.args[0].status == "succeeded", blocker.args[0].errors
    assert len(seen) == 1 and marker.exists()
    digest = trust.content_digest("execute_python_script", {"code": code}, ("code",))
    stored = json.loads(trust.store_path().read_text())["trusted"]
    assert digest in stored and "reviewed in the designer" in stored[digest]["source"]
    assert trust.untrusted_nodes(load_pipeline(path), tmp_path) == []   # the CLI agrees
    assert trust.is_trusted("execute_python_script", {"code": code}, ("code",))
    assert not window.runs.trust.banner.isVisible()


def test_own_script_runs_without_review_and_edits_need_none(window, qtbot, tmp_path):  # noqa: F811
    marker = tmp_path / "mine"
    node_id = add_from_palette(window, "execute_python_script")
    window.document.scene.select_nodes([node_id])
    editor = window.inspector.rows["code"].editor.editor
    editor.selectAll()
    editor.insertPlainText(_script(marker))         # the user types their own code
    code = window.document.pipeline.node(node_id).params["code"]
    assert code == _script(marker)
    seen = []
    _answer_dialog(window, accept=False, seen=seen)  # would cancel, if a dialog opened
    with qtbot.waitSignal(window.runs.controller.finished, timeout=120_000) as blocker:
        assert window.runs.run() is True
    assert blocker.args[0].status == "succeeded", blocker.args[0].errors
    assert seen == [] and marker.exists()
    stored = json.loads(trust.store_path().read_text())["trusted"]
    digest = trust.content_digest("execute_python_script", {"code": code}, ("code",))
    assert "written in the designer" in stored[digest]["source"]
    window.runs.trust.dialog = None


def test_editing_a_foreign_script_still_needs_review(window, tmp_path):  # noqa: F811
    path = _pipeline_file(tmp_path, _script(tmp_path / "never"))
    assert window.open_file(path)
    window.document.scene.select_nodes(["py"])
    window.inspector.rows["code"].editor.editor.appendPlainText("# looked at it")
    seen = []
    _answer_dialog(window, accept=False, seen=seen)
    assert window.runs.run() is False
    assert len(seen) == 1 and seen[0]["code"].endswith("# looked at it")
    assert not (tmp_path / "never").exists()
