"""Bad input through the `mlwire` command: one clear paragraph, the documented exit code, no
traceback."""
import json
import sqlite3

import pytest

from e2e_cli import mlwire

LOAD_AND_SELECT = {
    "format": "mlwire.pipeline/1", "name": "bad",
    "nodes": [{"id": "load", "type": "import_csv", "params": {"path": "data.csv"}},
              {"id": "pick", "type": "select_columns", "params": {"columns": ["a"]}}],
    "edges": [{"source": "load", "source_port": "data", "target": "pick", "target_port": "data"}],
}


def write(folder, name, content):
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def assert_clear(done, code, *needles):
    message = done.stderr.strip()
    assert done.returncode == code, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    for needle in needles:
        assert needle in message, (needle, message)
    assert "\n\n" not in message  # one paragraph
    return message


def test_missing_file(tmp_path):
    write(tmp_path, "p.pipeline.json", LOAD_AND_SELECT)
    done = mlwire("run", "p.pipeline.json", cwd=tmp_path)
    assert_clear(done, 2, "Import CSV (load)", str(tmp_path / "data.csv"))


def test_ragged_csv_names_the_line(tmp_path):
    write(tmp_path, "p.pipeline.json", LOAD_AND_SELECT)
    write(tmp_path, "data.csv", "a,b\n1,2\n3,4\n5,6,7\n8,9\n")
    done = mlwire("run", "p.pipeline.json", cwd=tmp_path)
    message = assert_clear(done, done.returncode, "Import CSV (load)", "line 4")
    assert done.returncode in (1, 2), message


def test_latin1_bytes_read_as_utf8_names_the_byte_and_an_encoding(tmp_path):
    write(tmp_path, "p.pipeline.json", LOAD_AND_SELECT)
    write(tmp_path, "data.csv", "a,b\n1,caf\xe9\n".encode("latin-1"))
    done = mlwire("run", "p.pipeline.json", cwd=tmp_path)
    message = assert_clear(done, done.returncode, "Import CSV (load)", "utf-8", "latin-1")
    assert done.returncode in (1, 2), message


def test_unknown_column_lists_the_columns(tmp_path):
    write(tmp_path, "p.pipeline.json", LOAD_AND_SELECT)
    write(tmp_path, "data.csv", "x,y\n1,2\n")
    done = mlwire("run", "p.pipeline.json", cwd=tmp_path)
    assert_clear(done, 2, "Select Columns (pick)", "'a'", "'x', 'y'")
    done = mlwire("validate", "p.pipeline.json", cwd=tmp_path)
    assert done.returncode == 2 and "'a'" in done.stdout


def test_cycle(tmp_path):
    doc = json.loads(json.dumps(LOAD_AND_SELECT))
    doc["nodes"].append({"id": "pick2", "type": "select_columns", "params": {}})
    doc["edges"] = [
        {"source": "pick", "source_port": "data", "target": "pick2", "target_port": "data"},
        {"source": "pick2", "source_port": "data", "target": "pick", "target_port": "data"}]
    write(tmp_path, "p.pipeline.json", doc)
    assert_clear(mlwire("run", "p.pipeline.json", cwd=tmp_path), 2, "cycle", "pick")


def test_type_mismatch(tmp_path):
    doc = json.loads(json.dumps(LOAD_AND_SELECT))
    doc["nodes"].append({"id": "train", "type": "train_model", "params": {"label_column": "a"}})
    doc["edges"].append({"source": "load", "source_port": "data", "target": "train",
                         "target_port": "learner"})
    write(tmp_path, "p.pipeline.json", doc)
    assert_clear(mlwire("run", "p.pipeline.json", cwd=tmp_path), 2, "(Table)", "(Learner)")


def test_unknown_node_type(tmp_path):
    doc = json.loads(json.dumps(LOAD_AND_SELECT))
    doc["nodes"][1]["type"] = "select_colums"
    write(tmp_path, "p.pipeline.json", doc)
    assert_clear(mlwire("run", "p.pipeline.json", cwd=tmp_path), 2, "'select_colums'",
                 "mlwire nodes")


def test_malformed_json(tmp_path):
    write(tmp_path, "p.pipeline.json", '{"format": "mlwire.pipeline/1", "nodes": [}')
    assert_clear(mlwire("run", "p.pipeline.json", cwd=tmp_path), 2, "not valid JSON", "line 1")


def test_bad_parameter_value_via_set(tmp_path):
    write(tmp_path, "p.pipeline.json", LOAD_AND_SELECT)
    write(tmp_path, "data.csv", "a,b\n1,2\n")
    done = mlwire("run", "p.pipeline.json", "--set", "pick.mode=both", cwd=tmp_path)
    assert_clear(done, 2, "The 'mode' parameter of Select Columns must be one of "
                          "'include', 'exclude'. Got 'both'.")
    done = mlwire("run", "p.pipeline.json", "--set", "pick.nope=1", cwd=tmp_path)
    assert_clear(done, 2, "no parameter 'nope'")


@pytest.mark.parametrize("kind", ["foreign sqlite", "zero bytes", "text"])
def test_a_project_file_that_is_not_ours_is_refused_untouched(tmp_path, kind):
    project = tmp_path / "other.mlw"
    if kind == "foreign sqlite":
        with sqlite3.connect(project) as db:
            db.execute("create table contacts (name text)")
    elif kind == "text":
        project.write_text("name,phone\n")
    else:
        project.write_bytes(b"")
    before = project.read_bytes()
    write(tmp_path, "p.pipeline.json", LOAD_AND_SELECT)
    write(tmp_path, "data.csv", "a,b\n1,2\n")
    for args in (["run", "other.mlw"], ["run", "p.pipeline.json", "--project", "other.mlw"]):
        done = mlwire(*args, cwd=tmp_path)
        assert_clear(done, 2, "other.mlw")
        assert project.read_bytes() == before


def test_zero_byte_pipeline_and_csv(tmp_path):
    write(tmp_path, "p.pipeline.json", "")
    assert_clear(mlwire("run", "p.pipeline.json", cwd=tmp_path), 2, "empty")
    write(tmp_path, "p.pipeline.json", LOAD_AND_SELECT)
    write(tmp_path, "data.csv", "")
    done = mlwire("run", "p.pipeline.json", cwd=tmp_path)
    message = assert_clear(done, done.returncode, "Import CSV (load)", "empty")
    assert done.returncode in (1, 2), message
