"""File → Pipeline History: each Save that changed the pipeline is a revision; open an old one."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox

from designer.gui import files
from designer.gui.history_dialog import HistoryDialog

from .test_main_window import add_from_palette, window  # noqa: F401  (fixture)


def test_saves_become_revisions_and_an_old_one_opens_unsaved(monkeypatch, window,  # noqa: F811
                                                             tmp_path):
    # the opened revision is unsaved: closing the window at the end discards it (monkeypatch
    # comes first so that it is undone after the window has closed)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Discard)
    assert files.new_project(window, tmp_path / "study.mlw")    # saves the empty pipeline
    add_from_palette(window, "sample_dataset")
    assert files.save(window)
    assert files.save(window)                       # unchanged: no new revision
    add_from_palette(window, "split_data")
    assert files.save(window)
    window.actions_["history"].trigger()
    dialog = window.history_dialog
    assert isinstance(dialog, HistoryDialog)
    shown = [[dialog.table.item(r, c).text() for c in (0, 2)]
             for r in range(dialog.table.rowCount())]
    assert shown == [["3", "2"], ["2", "1"], ["1", "0"]]    # newest first: revision, nodes
    dialog.table.selectRow(1)
    dialog.open_button.click()
    doc = window.document
    assert doc.pipeline.name == "study (revision 2)" and doc.modified and doc.is_project
    assert [n.type for n in doc.pipeline.nodes] == ["sample_dataset"]


def test_a_pipeline_file_has_no_history_and_says_how_to_get_one(window):  # noqa: F811
    window.show_history()
    dialog = window.history_dialog
    assert dialog.table.isHidden() and not dialog.open_button.isEnabled()
    assert any("saved in a project" in label.text() for label in dialog.findChildren(QLabel))
