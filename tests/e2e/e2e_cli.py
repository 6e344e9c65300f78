"""End-to-end helpers: the `mlwire` command in a subprocess, as a user runs it.

A module of its own (not conftest), so that `from e2e_cli import ...` finds them whatever
other conftest modules pytest has imported first."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"


def mlwire(*args, cwd, timeout=240, env=None):
    """Run `mlwire ARGS` as a user would; returns the CompletedProcess (text).

    One worker process unless a test asks for more: these tests are about results and files,
    and each worker costs seconds of CPU to import pandas and scikit-learn."""
    return subprocess.run([sys.executable, "-m", "designer.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "MLWIRE_WORKERS": "1",
                               **(env or {})})


def run_json(*args, cwd):
    done = mlwire("run", *args, "--json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
