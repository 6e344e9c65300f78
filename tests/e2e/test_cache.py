"""The output cache across processes: what a rerun recomputes, seen from `mlwire run --json`."""
from e2e_cli import run_json


def states(result):
    return {node: info["status"] for node, info in result["nodes"].items()}


def test_unchanged_rerun_recomputes_nothing(examples):
    first = run_json("churn.pipeline.json", cwd=examples)
    assert set(states(first).values()) == {"done"}
    again = run_json("churn.pipeline.json", cwd=examples)
    assert set(states(again).values()) == {"cached"}
    assert again["metrics"] == first["metrics"]


def test_a_learner_parameter_recomputes_only_what_depends_on_it(examples):
    run_json("churn.pipeline.json", cwd=examples)
    changed = run_json("churn.pipeline.json", "--set", "gbt.max_iter=50", cwd=examples)
    recomputed = {n for n, s in states(changed).items() if s == "done"}
    assert recomputed == {"gbt", "train", "score", "evaluate"}
    assert {s for n, s in states(changed).items() if n not in recomputed} == {"cached"}


def test_new_file_content_of_the_same_size_recomputes_everything_downstream_of_the_import(examples):
    run_json("churn.pipeline.json", cwd=examples)
    csv = examples / "churn.csv"
    text = csv.read_text()
    lines = text.splitlines(keepends=True)
    # Same name, same size, other content: swap two data rows' tenure digits.
    row = lines[1].split(",")
    row[0] = str(int(row[0]) % 9 + 1) if len(str(int(row[0]) % 9 + 1)) == len(row[0]) else row[0][::-1]
    lines[1] = ",".join(row)
    changed_text = "".join(lines)
    assert changed_text != text and len(changed_text) == len(text)
    csv.write_text(changed_text)
    rerun = run_json("churn.pipeline.json", cwd=examples)
    recomputed = {n for n, s in states(rerun).items() if s == "done"}
    assert recomputed == {"load", "split", "fill_numbers", "fill_categories", "encode", "scale",
                          "train", "score", "evaluate"}
    assert states(rerun)["gbt"] == "cached"  # the learner does not read the file
