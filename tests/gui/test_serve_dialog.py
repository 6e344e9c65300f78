"""Serving from the GUI: the Serve dialog (a real server process, its test form, the snippets) and
the Score a file dialog, over a real project with a registered churn model."""
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import process_gone

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"
SERVE_TIMEOUT = 200_000         # ms; a loaded 2-core machine can take a while to import sklearn


def _churn_pipeline() -> dict:
    """The churn example (cleaning, one-hot encoding, scaling) with a quick logistic regression."""
    doc = json.loads((EXAMPLES / "churn.pipeline.json").read_text())
    for node in doc["nodes"]:
        if node["id"] == "gbt":
            node["type"], node["params"] = "logistic_regression", {"max_iter": 500}
    return doc


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """(project path, folder) with model 'churn' version 1, alias 'champion'."""
    folder = tmp_path_factory.mktemp("serve-gui")
    shutil.copyfile(EXAMPLES / "churn.csv", folder / "churn.csv")
    (folder / "churn.pipeline.json").write_text(json.dumps(_churn_pipeline()))
    done = subprocess.run([sys.executable, "-m", "designer.cli", "run", "churn.pipeline.json",
                           "--json"], cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    from designer.store import Project
    path = folder / "churn.mlw"
    with Project.open(path) as p:
        p.registry.register(json.loads(done.stdout)["run_id"], "train", "churn")
        p.registry.set_alias("churn", "champion", 1)
    return path, folder


@pytest.fixture(scope="module")
def pipeline(project):
    from designer.serving.source import resolve_model
    model, _ = resolve_model(project[0], "churn:1")
    return model.pipeline


def _frame(row: dict):
    """One row as the pipeline takes it: the signature's dtypes, None as missing."""
    import pandas as pd
    df = pd.DataFrame([row])
    for column in ("tenure_months", "support_calls"):
        df[column] = df[column].astype("int64")
    df["monthly_charges"] = df["monthly_charges"].astype("float64")
    return df


def _server_children() -> list:
    """Model server processes started by this test process (psutil; zombies count)."""
    import psutil
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "designer.serving.server" in " ".join(child.cmdline()):
                found.append(child)
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            if child.is_running():
                found.append(child)
    return found


@pytest.fixture(scope="module")
def dialog(project, qapp):
    """One serving ServeDialog for the module (one server start)."""
    from PySide6.QtWidgets import QApplication
    from designer.gui.serve_dialog import ServeDialog
    dlg = ServeDialog(project[0], "churn@champion")
    dlg.show()
    deadline = time.monotonic() + SERVE_TIMEOUT / 1000
    while dlg.state == "starting" and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    assert dlg.state == "serving", dlg.status.text() + "\n" + (dlg.server.log() if dlg.server
                                                               else "")
    yield dlg
    dlg.close()
    assert not _server_children()


def _predict(qtbot, dlg):
    from PySide6.QtCore import Qt
    before = dlg.last_answer
    qtbot.mouseClick(dlg.predict_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dlg.last_answer is not before and dlg.predict_button.isEnabled(),
                    timeout=30_000)
    return dlg.last_answer


def test_serving_shows_url_docs_and_a_form_prefilled_from_the_training_file(dialog, project):
    import pandas as pd
    url = dialog.url.text()
    assert url.startswith("http://127.0.0.1:") and dialog.server.running
    assert f"{url}/docs" in dialog.docs_link.text()
    assert "churn:1" in dialog.status.text()            # the alias resolved to its version
    first_complete = pd.read_csv(project[1] / "churn.csv").drop(columns="churned").dropna()
    expected = first_complete.iloc[0].to_dict()
    row = dialog.current_row()
    assert row.keys() == expected.keys()
    for name, value in expected.items():
        assert row[name] == (value.item() if hasattr(value, "item") else value), name
    assert "churn.csv" in dialog.form_hint.text()
    assert dialog.form.editors["contract"].findText("two-year") >= 0   # a list of categories


def test_predict_shows_the_pipelines_prediction_and_probabilities(qtbot, dialog, pipeline):
    form = dialog.form
    form.editors["tenure_months"].setText("3")
    form.editors["monthly_charges"].setText("99.5")
    form.editors["contract"].setCurrentText("month-to-month")
    form.editors["support_calls"].setText("6")
    row = dialog.current_row()
    assert row["tenure_months"] == 3 and row["monthly_charges"] == 99.5
    answer = _predict(qtbot, dialog)
    expected = pipeline.predict(_frame(row))[0]
    assert answer["predictions"] == [expected]
    assert f"Prediction: <b>{expected}</b>" == dialog.prediction.text()
    probabilities = pipeline.predict_proba(_frame(row))[0]
    shown = {dialog.probabilities.item(i, 0).text(): dialog.probabilities.item(i, 1).text()
             for i in range(dialog.probabilities.rowCount())}
    assert shown == {str(c): f"{p:.4f}" for c, p in zip(pipeline.classes_, probabilities)}


def test_a_missing_value_is_sent_as_null_and_scored_like_the_pipeline(qtbot, dialog, pipeline):
    from designer.gui.serve_form import MISSING
    dialog.form.editors["monthly_charges"].setText("")          # nullable: imputed
    dialog.form.editors["payment_method"].setCurrentText(MISSING)
    row = dialog.current_row()
    assert row["monthly_charges"] is None and row["payment_method"] is None
    answer = _predict(qtbot, dialog)
    import numpy as np
    df = _frame({**row, "monthly_charges": np.nan})
    assert answer["predictions"] == [pipeline.predict(df)[0]]


def test_a_required_field_left_empty_is_named_before_sending(qtbot, dialog):
    dialog.form.editors["tenure_months"].setText("")
    dialog.predict()
    assert "'tenure_months' is required" in dialog.answer_note.text()
    dialog.reset_row()
    assert dialog.current_row()["tenure_months"] is not None


def test_the_server_names_an_unknown_category(qtbot, dialog):
    dialog.reset_row()
    dialog.form.editors["contract"].setCurrentText("three-year")
    answer = _predict(qtbot, dialog)
    assert answer["warnings"][0]["column"] == "contract"
    assert "three-year" in dialog.answer_note.text()
    dialog.reset_row()


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_curl_snippet_pasted_into_a_shell_gives_the_same_answer(qtbot, dialog):
    dialog.form.editors["senior"].setCurrentText("yes")
    row = dialog.current_row()
    shown = _predict(qtbot, dialog)
    snippet = dialog.curl_text.toPlainText()
    assert dialog.url.text() + "/predict" in snippet
    assert json.dumps({"rows": [row]}) in snippet
    done = subprocess.run(["bash", "-c", snippet], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    from_shell = json.loads(done.stdout)
    assert from_shell["predictions"] == shown["predictions"]
    assert from_shell["probabilities"] == shown["probabilities"]
    python = dialog.python_text.toPlainText()
    assert dialog.url.text() + "/predict" in python and json.dumps([row]) in python


def test_the_python_snippet_runs_and_gives_the_same_answer(qtbot, dialog):
    shown = _predict(qtbot, dialog)
    done = subprocess.run([sys.executable, "-c", dialog.python_text.toPlainText()],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"'predictions': {shown['predictions']!r}" in done.stdout


def test_stop_ends_the_process_and_restart_serves_again(qtbot, dialog, pipeline):
    pid = dialog.server.pid
    dialog.stop_button.click()
    qtbot.waitUntil(lambda: dialog.state == "stopped", timeout=20_000)
    assert process_gone(pid)
    assert not dialog.predict_button.isEnabled() and dialog.url.text() == ""
    assert "appear once the server is serving" in dialog.curl_text.toPlainText()
    dialog.restart_button.click()
    qtbot.waitUntil(lambda: dialog.state not in ("starting", "stopped"), timeout=SERVE_TIMEOUT)
    assert dialog.state == "serving", dialog.status.text()
    assert dialog.server.pid != pid
    answer = _predict(qtbot, dialog)
    assert answer["predictions"] == [pipeline.predict(_frame(dialog.current_row()))[0]]


def test_the_window_answers_while_the_server_starts_and_closing_then_leaves_no_process(
        qtbot, project):
    from PySide6.QtCore import QTimer
    from designer.gui.serve_dialog import ServeDialog, live_servers
    gaps, last = [], [time.monotonic()]

    def beat():
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now
    timer = QTimer(interval=50, timeout=beat)
    timer.start()
    dlg = ServeDialog(project[0], "churn:1")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.server is not None and dlg.server.pid is not None, timeout=20_000)
    qtbot.wait(500)
    timer.stop()
    assert dlg.state == "starting" or dlg.state == "serving"
    assert max(gaps) < 1.0, f"the event loop stalled for {max(gaps):.2f} s"
    pid = dlg.server.pid
    dlg.close()                 # while it is still loading the model, typically
    assert process_gone(pid)
    assert not [s for s in live_servers() if s is dlg.server]


def test_closing_the_main_window_stops_a_server_still_starting(qtbot, project, registry,
                                                                tmp_path):
    from PySide6.QtCore import QSettings
    from designer.gui.main_window import MainWindow
    from designer.gui.serve_dialog import ServeDialog
    window = MainWindow(registry, QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))
    qtbot.addWidget(window)
    window.show()
    dlg = ServeDialog(project[0], "churn:1", window)        # as the Models tab opens it
    dlg.show()
    qtbot.waitUntil(lambda: dlg.server is not None and dlg.server.pid is not None, timeout=20_000)
    pid = dlg.server.pid
    window.document.undo_stack.setClean()                  # no "save changes?" question
    assert window.close()       # closeEvent -> stop_all_servers(), as app quit does
    assert process_gone(pid)
    assert dlg.state == "stopped" and not _server_children()


def test_a_model_that_does_not_exist_fails_with_the_registry_message(qtbot, project):
    from designer.gui.serve_dialog import ServeDialog
    dlg = ServeDialog(project[0], "nosuchmodel:1")
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.state == "failed", timeout=SERVE_TIMEOUT)
    assert "nosuchmodel" in dlg.status.text()
    assert dlg.log_button.isEnabled() and dlg.restart_button.isEnabled()
    assert not dlg.server.running


# -- Score a file ---------------------------------------------------------------------------------
def _score(qtbot, dlg, source, target):
    dlg.set_input(source)
    dlg.set_output(target)
    dlg.score_button.click()
    qtbot.waitUntil(lambda: not dlg.running, timeout=60_000)


def test_score_a_csv_equals_pipeline_predict_row_for_row(qtbot, project, pipeline):
    import numpy as np
    import pandas as pd
    from designer.gui.score_file import ScoreFileDialog
    folder = project[1]
    rows = pd.read_csv(folder / "churn.csv").drop(columns="churned").iloc[:300]
    rows.to_csv(folder / "customers.csv", index=False)
    dlg = ScoreFileDialog(project[0], "churn@champion")
    qtbot.addWidget(dlg)
    dlg.set_input(folder / "customers.csv")
    assert dlg.output.text() == str(folder / "customers.scored.csv")   # suggested beside it
    dlg.score_button.click()
    qtbot.waitUntil(lambda: not dlg.running, timeout=60_000)
    assert dlg.status.text().startswith("Scored 300 rows with churn:1"), dlg.status.text()
    out = pd.read_csv(folder / "customers.scored.csv")
    assert list(out["scored_label"]) == list(pipeline.predict(rows))
    np.testing.assert_allclose(out["scored_probability_yes"],
                               pipeline.predict_proba(rows)[:, 1], rtol=1e-12)
    assert dlg.open_folder.isEnabled() and dlg.progress.value() == 1000


def test_a_malformed_row_is_reported_with_its_line(qtbot, project):
    from designer.gui.score_file import ScoreFileDialog
    folder = project[1]
    lines = (folder / "churn.csv").read_text().splitlines()[:8]
    header = lines[0].rsplit(",", 1)[0]
    body = [line.rsplit(",", 1)[0] for line in lines[1:]]
    body[3] = "twelve," + body[3].split(",", 1)[1]                  # line 5 of the file
    (folder / "bad.csv").write_text("\n".join([header] + body) + "\n")
    dlg = ScoreFileDialog(project[0], "churn:1")
    qtbot.addWidget(dlg)
    _score(qtbot, dlg, folder / "bad.csv", folder / "bad-out.csv")
    text = dlg.status.text()
    assert "Line 5" in text and "tenure_months" in text, text
    assert dlg.status.property("role") == "error"
    assert not (folder / "bad-out.csv").exists() and not dlg.open_folder.isEnabled()


def test_cancel_stops_scoring_and_writes_nothing(qtbot, project):
    import pandas as pd
    from designer.gui.score_file import ScoreFileDialog
    folder = project[1]
    rows = pd.read_csv(folder / "churn.csv").drop(columns="churned")
    pd.concat([rows] * 100).to_csv(folder / "big.csv", index=False)      # 100,000 rows
    dlg = ScoreFileDialog(project[0], "churn:1")
    dlg.chunk_rows = 500        # 200 chunks: Cancel lands well before the end
    qtbot.addWidget(dlg)
    dlg.set_input(folder / "big.csv")
    dlg.set_output(folder / "big-out.csv")
    dlg.score_button.click()
    assert dlg.cancel_button.text() == "Cancel"
    qtbot.waitUntil(lambda: dlg.progress.value() > 0, timeout=60_000)
    dlg.cancel_button.click()
    qtbot.waitUntil(lambda: not dlg.running, timeout=30_000)
    assert dlg.status.text() == "Cancelled: nothing was written."
    assert not (folder / "big-out.csv").exists()
    assert not (folder / ".big-out.csv.partial").exists()
    assert dlg.cancel_button.text() == "Close" and dlg.score_button.isEnabled()
