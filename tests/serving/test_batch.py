"""Batch scoring of CSV and Parquet files: equal to pipeline.predict row for row, bounded chunks,
malformed rows reported with their line number."""
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from designer.serving.batch import BatchError, score_file


def test_csv_scoring_equals_the_pipeline(churn, served, tmp_path):
    _, folder = served
    out = tmp_path / "scored.csv"
    seen = []
    result = score_file(churn.model.pipeline, churn.schema, folder / "churn.csv", out,
                        chunk_rows=300, progress=lambda f, n: seen.append((f, n)))
    source = pd.read_csv(folder / "churn.csv")
    scored = pd.read_csv(out)
    assert result.rows == len(source) == len(scored)
    assert len(seen) == -(-len(source) // 300) and seen[-1] == (1.0, len(source))
    features = source.drop(columns="churned")
    assert scored["scored_label"].tolist() == churn.model.pipeline.predict(features).tolist()
    np.testing.assert_allclose(scored[["scored_probability_no", "scored_probability_yes"]],
                               churn.model.pipeline.predict_proba(features), atol=1e-12)
    pd.testing.assert_frame_equal(scored[source.columns], source)


def test_parquet_in_and_out(churn, churn_rows, tmp_path):
    source = tmp_path / "rows.parquet"
    churn_rows.iloc[:700].to_parquet(source)
    out = tmp_path / "scored.parquet"
    result = score_file(churn.model.pipeline, churn.schema, source, out, chunk_rows=256)
    scored = pd.read_parquet(out)
    assert result.rows == 700
    assert scored["scored_label"].tolist() == \
        churn.model.pipeline.predict(churn_rows.iloc[:700]).tolist()


HEADER = "tenure_months,monthly_charges,contract,payment_method,support_calls,senior\n"
GOOD = "12,70.5,one-year,card,2,no\n"


@pytest.mark.parametrize("bad,message", [
    ("12,abc,one-year,card,2,no\n", "Line 9, column 'monthly_charges': expected a number"),
    ("12.5,70,one-year,card,2,no\n", "Line 9, column 'tenure_months': expected a whole number"),
    (",70,one-year,card,2,no\n", "Line 9, column 'tenure_months': the value is missing"),
    ("12,70,one-year,card,2\n", "Line 9, column 'senior': the value is missing"),
    ("12,70,one-year,card,2,no,extra\n", "line 9"),
])
def test_malformed_row_reported_with_its_line(churn, tmp_path, bad, message):
    source = tmp_path / "in.csv"
    source.write_text(HEADER + GOOD * 7 + bad + GOOD * 5)
    out = tmp_path / "out.csv"
    with pytest.raises(BatchError, match=message):
        score_file(churn.model.pipeline, churn.schema, source, out, chunk_rows=3)
    assert not out.exists() and not list(tmp_path.glob(".out.csv.partial"))


def test_cli_predict(served, tmp_path):
    project, folder = served
    out = tmp_path / "cli.csv"
    done = subprocess.run([sys.executable, "-m", "designer.cli", "predict", str(project),
                           "--model", "churn:1", "-i", str(folder / "churn.csv"), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "100%" in done.stderr and "Scored 2,000 rows with churn:1" in done.stderr
    assert len(pd.read_csv(out)) == 2000
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + GOOD + "x,1,one-year,card,2,no\n")
    done = subprocess.run([sys.executable, "-m", "designer.cli", "predict", str(project),
                           "--model", "churn@champion", "-i", str(bad), "-o",
                           str(tmp_path / "o.csv")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Line 3, column 'tenure_months'" in done.stderr


def test_a_cancel_mid_file_stops_the_scoring_threads_and_leaves_no_output(churn, served, tmp_path):
    import threading
    _, folder = served
    out = tmp_path / "scored.csv"

    class Cancelled(Exception):
        pass

    def progress(fraction, rows):
        if rows >= 400:
            raise Cancelled
    with pytest.raises(Cancelled):
        score_file(churn.model.pipeline, churn.schema, folder / "churn.csv", out,
                   chunk_rows=200, progress=progress)
    assert not out.exists() and not list(tmp_path.glob(".scored.csv.partial"))
    assert not [t for t in threading.enumerate() if t.name.startswith("batch-score")]


def test_unknown_categories_in_a_file_are_counted_with_their_lines(churn, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(HEADER + GOOD * 100 + "12,70.5,weekly,card,2,no\n" + GOOD * 100)
    result = score_file(churn.model.pipeline, churn.schema, source, tmp_path / "out.csv")
    assert result.warning_count == 1
    (note,) = result.warnings
    assert (note["column"], note["line"], note["value"]) == ("contract", 102, "weekly")


def test_an_earlier_bad_row_is_reported_before_a_later_unreadable_line(churn, tmp_path):
    source = tmp_path / "in.csv"
    # chunks of 5: the bad row is in the first, the unreadable line in the third, read while
    # the first is still being scored
    source.write_text(HEADER + GOOD * 4 + "12,abc,one-year,card,2,no\n" + GOOD * 5
                      + "12,70,one-year,card,2,no,extra\n" + GOOD * 5)
    with pytest.raises(BatchError, match="Line 6, column 'monthly_charges'"):
        score_file(churn.model.pipeline, churn.schema, source, tmp_path / "out.csv",
                   chunk_rows=5)
