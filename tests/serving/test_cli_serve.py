"""`mlwire serve`: refuses other addresses without a token, names unknown models."""
import subprocess
import sys


def _serve(*args):
    return subprocess.run([sys.executable, "-m", "designer.cli", "serve", *args],
                          capture_output=True, text=True, timeout=120)


def test_serve_needs_a_token_off_loopback(served):
    project, _ = served
    done = _serve(str(project), "--model", "churn", "--host", "0.0.0.0")
    assert done.returncode == 2 and "needs a token" in done.stderr


def test_serve_names_an_unknown_model(served):
    project, _ = served
    done = _serve(str(project), "--model", "nope@champion", "--port", "0")
    assert done.returncode == 2 and "no registered model 'nope'" in done.stderr
