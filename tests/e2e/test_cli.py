"""The `mlwire` command's other faces: nodes, validate, export, running a project file."""
import json

from e2e_cli import mlwire, run_json

CORE = {"import_csv", "sample_dataset", "select_columns", "clean_missing_data", "normalize_data",
        "encode_categorical", "split_data", "apply_transformation", "logistic_regression",
        "random_forest_classifier", "boosted_trees_classifier", "linear_regression",
        "random_forest_regressor", "boosted_trees_regressor", "kmeans", "train_model",
        "train_clustering_model", "score_model", "evaluate_model"}


def test_nodes_lists_the_core_catalog_as_text_json_and_markdown(tmp_path):
    listed = json.loads(mlwire("nodes", "--json", cwd=tmp_path).stdout)
    by_id = {n["type"]: n for n in listed}
    assert CORE <= set(by_id)
    split = by_id["split_data"]
    assert [p["name"] for p in split["params"]] == ["fraction", "seed", "stratify_column"]
    assert [p["name"] for p in split["outputs"]] == ["train", "test"]
    assert "split_data" in mlwire("nodes", cwd=tmp_path).stdout
    assert "### Split Data (`split_data`)" in mlwire("nodes", "--markdown", cwd=tmp_path).stdout


def test_validate_a_clean_pipeline_and_one_with_leakage(examples):
    clean = mlwire("validate", "churn.pipeline.json", cwd=examples)
    assert clean.returncode == 0 and "no problems found" in clean.stdout
    leaky = mlwire("validate", "churn-leaky.pipeline.json", "--json", cwd=examples)
    assert leaky.returncode == 0  # a warning, not an error
    findings = json.loads(leaky.stdout)
    assert [(f["severity"], f["node_id"], f["code"]) for f in findings] == [
        ("warning", "fill", "leakage")]


def test_export_into_a_missing_folder_is_a_usage_error(examples):
    done = mlwire("export", "churn.pipeline.json", "-o", "nowhere/script.py", cwd=examples)
    assert done.returncode == 2 and "does not exist" in done.stderr


def test_a_project_file_runs_its_pipeline_and_set_parses_by_declaration(examples):
    first = run_json("iris-clusters.pipeline.json", cwd=examples)
    again = run_json("iris-clusters.mlw", "--set", "kmeans.n_clusters=4",
                     "--set", "measurements.columns=species,petal_width", cwd=examples)
    assert again["status"] == "succeeded"
    assert again["metrics"]["evaluate"]["silhouette"] != first["metrics"]["evaluate"]["silhouette"]
    assert again["nodes"]["load"]["status"] == "cached"
    wrong = mlwire("run", "iris-clusters.mlw", "--pipeline", "nope", cwd=examples)
    assert wrong.returncode == 2 and "has no pipeline 'nope'" in wrong.stderr


def test_trust_shows_the_code_then_records_trust_outside_the_file(tmp_path):
    pipeline = {
        "format": "mlwire.pipeline/1", "name": "scripted",
        "nodes": [{"id": "data", "type": "enter_data_manually", "params": {"data": "a,b\n1,2\n"}},
                  {"id": "script", "type": "execute_python_script",
                   "params": {"code": "def run(data, data_b=None):\n    return data\n"}}],
        "edges": [{"source": "data", "source_port": "data", "target": "script",
                   "target_port": "data"}],
    }
    path = tmp_path / "p.pipeline.json"
    path.write_text(json.dumps(pipeline))
    before = path.read_bytes()
    env = {"MLWIRE_DATA_DIR": str(tmp_path / "userdata")}
    untrusted = mlwire("run", "p.pipeline.json", cwd=tmp_path, env=env)
    assert untrusted.returncode == 1 and "mlwire trust" in untrusted.stdout + untrusted.stderr
    done = mlwire("trust", "p.pipeline.json", "--yes", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "return data" in done.stdout
    assert path.read_bytes() == before
    assert mlwire("run", "p.pipeline.json", cwd=tmp_path, env=env).returncode == 0


def test_an_import_node_reads_a_registered_data_asset(examples):
    first = run_json("iris-clusters.pipeline.json", cwd=examples)  # creates iris-clusters.mlw
    added = mlwire("assets", "iris-clusters.mlw", "add", "flowers", "iris.csv", cwd=examples)
    assert added.returncode == 0, added.stderr
    doc = json.loads((examples / "iris-clusters.pipeline.json").read_text())
    doc["nodes"][0]["params"]["path"] = "asset:flowers@latest"
    (examples / "iris-clusters.pipeline.json").write_text(json.dumps(doc))
    result = run_json("iris-clusters.pipeline.json", cwd=examples)
    assert result["status"] == "succeeded"
    assert result["metrics"] == first["metrics"]  # the same file, so the same numbers
    users = mlwire("assets", "iris-clusters.mlw", "runs", "flowers", cwd=examples)
    assert users.returncode == 0 and result["run_id"] in users.stdout
    missing = mlwire("run", "iris-clusters.pipeline.json", "--set", "load.path=asset:nope@latest",
                     cwd=examples)
    assert missing.returncode == 2 and "nope" in missing.stderr and "Traceback" not in missing.stderr
