"""The designer keeps its files in the one MLWire data folder, adopting an older version's."""
from designer.gui.paths import adopt_old_folder


def test_an_older_versions_folders_are_moved_into_the_data_folder(tmp_path):
    old, new = tmp_path / "MLWire" / "MLWire", tmp_path / "mlwire"
    (old / "recovery").mkdir(parents=True)
    (old / "recovery" / "doc.json").write_text("{}")
    (old / "scratch").mkdir()
    (old / "scratch" / "unsaved-1.mlw").write_bytes(b"db")
    (new / "scratch").mkdir(parents=True)           # already there: left alone, both kept
    (new / "scratch" / "unsaved-2.mlw").write_bytes(b"db2")
    assert adopt_old_folder(old, new) == ["recovery"]
    assert (new / "recovery" / "doc.json").read_text() == "{}"
    assert not (old / "recovery").exists()
    assert (old / "scratch" / "unsaved-1.mlw").exists()
    assert (new / "scratch" / "unsaved-2.mlw").exists()


def test_the_same_folder_or_no_old_folder_changes_nothing(tmp_path):
    (tmp_path / "recovery").mkdir()
    assert adopt_old_folder(tmp_path, tmp_path) == []
    assert adopt_old_folder(tmp_path / "missing", tmp_path) == []
    assert (tmp_path / "recovery").is_dir()
