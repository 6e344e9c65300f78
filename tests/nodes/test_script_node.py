"""Execute Python Script: runs in a limited child process; every way a script can go wrong fails
the node with a clear message and leaves no process behind; untrusted code never runs."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from designer.trust import trust
from nodes.base import NodeError
from tests.nodes.helpers import checked, infer_node, run_node, table
from tests.nodes.node_examples import TINY_CSV

ROOT = Path(__file__).resolve().parents[2]
TINY = pd.read_csv(io.StringIO(TINY_CSV))


def script(body: str, **params):
    """Run `body` (dedented) as the node's code, trusted; returns (output table, log text)."""
    code = textwrap.dedent(body)
    values = checked("execute_python_script", {"code": code, "timeout_seconds": 60,
                                               "memory_megabytes": 2048, **params})
    trust("execute_python_script", values, names=("code",))
    log: list[str] = []
    try:
        out = run_node("execute_python_script", values, {"data": table(TINY)}, log=log)
    except NodeError as exc:
        exc.log = "".join(log)
        raise
    return out["data"].df, "".join(log)


def test_a_script_transforms_the_table_and_its_output_is_logged():
    df, log = script("""
        import sys
        def run(data, data_b=None):
            print("hello from the script")
            print("to stderr", file=sys.stderr)
            return data.assign(double=data["amount"] * 2)
    """)
    pd.testing.assert_frame_equal(df, TINY.assign(double=TINY["amount"] * 2))
    assert "hello from the script" in log and "to stderr" in log


@pytest.mark.parametrize("body, message", [
    ("import sys\ndef run(data, data_b=None):\n    sys.exit(3)\n",
     r"line 3: the script called sys.exit\(3\)"),
    ("def run(data, data_b=None):\n    return [1, 2]\n",
     r"line 2: run\(\) returned list, not a table.*unique string column names"),
    ("def run(data, data_b=None):\n    out = data.copy()\n    out.columns = range(6)\n"
     "    return out\n", r"line 4: .*not all texts \(e.g. 0\)"),
    ("def run(data, data_b=None):\n    return data[['x1', 'x1']]\n",
     r"line 2: .*'x1' more than once"),
    ("def run(data, data_b=None):\n    x = 1\n    return x / 0\n",
     r"line 3: ZeroDivisionError: division by zero"),
    ("import nosuchmodule_mlwire\ndef run(data, data_b=None):\n    return data\n",
     r"line 1: ModuleNotFoundError.*while the script was loading"),
    ("def transform(data):\n    return data\n", r"defines no function run"),
])
def test_contract_and_errors_name_the_line(body, message):
    with pytest.raises(NodeError, match=message):
        script(body)


def test_syntax_errors_are_found_before_running():
    with pytest.raises(NodeError, match=r"line 2: syntax error") as err:
        infer_node("execute_python_script", {"code": "def run(data):\n    return (\n"})
    assert err.value.param == "code"


@pytest.mark.parametrize("body, message, timeout", [
    ("import os\ndef run(data, data_b=None):\n    os._exit(1)\n",
     "ended with exit code 1 before returning a table", 60),
    ("import ctypes\ndef run(data, data_b=None):\n    ctypes.string_at(0)\n",
     r"crashed \(segmentation fault\)", 60),
    ("def run(data, data_b=None):\n    while True:\n        pass\n",
     "did not finish within 4 seconds", 4),
    ("import sys\ndef run(data, data_b=None):\n    for _ in range(1024):\n"
     "        sys.stdout.write('x' * 2**20)\n    return data\n",
     "printed more than 64 MB and was stopped", 60),
    ("def run(data, data_b=None):\n    hog = bytearray(4 * 2**30)\n    return data\n",
     "line 2: the script ran out of memory", 60),
])
def test_a_failing_process_fails_only_the_node_with_a_clear_message(body, message, timeout):
    started = time.perf_counter()
    with pytest.raises(NodeError, match=message):
        script(body, timeout_seconds=timeout, memory_megabytes=1024)
    assert time.perf_counter() - started < 30


def test_long_output_is_truncated_with_a_notice():
    df, log = script("""
        def run(data, data_b=None):
            for i in range(20000):
                print("line", i, "of the script's chatter")
            return data
    """)
    assert len(df) == len(TINY)
    assert "[output truncated: the script printed" in log and len(log) < 120_000


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


def _wait_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_grandchildren_are_killed_when_the_script_times_out(tmp_path):
    pidfile = tmp_path / "pids"
    with pytest.raises(NodeError, match="did not finish"):
        script(f"""
            import os, subprocess
            def run(data, data_b=None):
                child = subprocess.Popen(["sleep", "300"])
                with open({str(pidfile)!r}, "w") as f:
                    f.write(f"{{os.getpid()}} {{child.pid}}")
                while True:
                    pass
        """, timeout_seconds=8)
    for pid in map(int, pidfile.read_text().split()):
        assert _wait_gone(pid), f"process {pid} outlived the node"


WORKER = """
import sys
sys.path.insert(0, {root!r})
from tests.nodes.helpers import run_node, table
import pandas as pd
run_node("execute_python_script", {params!r}, {{"data": table(pd.DataFrame({{"a": [1]}}))}})
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_script_dies_with_a_killed_worker(tmp_path):
    pidfile = tmp_path / "pid"
    code = (f"import os, time\ndef run(data, data_b=None):\n"
            f"    open({str(pidfile)!r}, 'w').write(str(os.getpid()))\n"
            "    time.sleep(300)\n")
    params = checked("execute_python_script", {"code": code})
    trust("execute_python_script", params, names=("code",))
    worker = subprocess.Popen([sys.executable, "-c", WORKER.format(root=str(ROOT), params=params)],
                              env=os.environ.copy())
    try:
        deadline = time.monotonic() + 60
        while not pidfile.exists() or not pidfile.read_text():
            assert time.monotonic() < deadline and worker.poll() is None, "script never started"
            time.sleep(0.05)
        pid = int(pidfile.read_text())
        assert _alive(pid)
        worker.send_signal(signal.SIGKILL)  # what Cancel does to a worker
        worker.wait()
        assert _wait_gone(pid), "the script outlived its killed worker"
    finally:
        if worker.poll() is None:
            worker.kill()


def test_untrusted_code_does_not_run(tmp_path):
    marker = tmp_path / "ran"
    code = f"def run(data, data_b=None):\n    open({str(marker)!r}, 'w').close()\n    return data\n"
    params = checked("execute_python_script", {"code": code})
    with pytest.raises(NodeError, match="has not been trusted.*mlwire trust FILE"):
        run_node("execute_python_script", params, {"data": table(TINY)})
    assert not marker.exists()


def test_an_untrusted_pipeline_file_does_not_run_its_script(tmp_path):
    """End to end through `mlwire run`: the run is recorded, the node failed, nothing ran; after
    `mlwire trust` (here its function, answering yes) it runs, until the code is edited."""
    marker = tmp_path / "ran"
    (tmp_path / "d.csv").write_text("a\n1\n2\n")
    code = f"def run(data, data_b=None):\n    open({str(marker)!r}, 'w').close()\n    return data\n"
    doc = {"format": "mlwire.pipeline/1", "name": "p",
           "nodes": [{"id": "src", "type": "import_csv", "params": {"path": "d.csv"}},
                     {"id": "py", "type": "execute_python_script", "params": {"code": code}}],
           "edges": [{"source": "src", "source_port": "data", "target": "py",
                      "target_port": "data"}]}
    path = tmp_path / "p.pipeline.json"
    path.write_text(json.dumps(doc))
    cli = [sys.executable, "-c", "import sys; sys.path.insert(0, %r); from designer.cli import "
           "main; sys.exit(main())" % str(ROOT)]
    done = subprocess.run(cli + ["run", str(path), "--json"], capture_output=True, text=True,
                          timeout=240, env={**os.environ, "MLWIRE_WORKERS": "1"})
    assert done.returncode == 1, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "failed" and result["nodes"]["py"]["status"] == "failed"
    assert "has not been trusted" in done.stdout + done.stderr
    assert not marker.exists()
    from designer.trust import trust_file, untrusted_nodes
    out = io.StringIO()
    assert trust_file(path, ask=lambda prompt: "n", out=out) == 1
    assert "| def run(data, data_b=None):" in out.getvalue()  # the code was shown
    assert trust_file(path, ask=lambda prompt: "yes", out=out) == 0
    from designer.model import load_pipeline
    assert untrusted_nodes(load_pipeline(path), tmp_path) == []
    from tests.nodes.inprocess import run_pipeline
    run_pipeline(load_pipeline(path), tmp_path)
    assert marker.exists()
    # Editing the file changes the code: trust does not carry over.
    doc["nodes"][1]["params"]["code"] = code.replace("return data", "return data.head(1)")
    path.write_text(json.dumps(doc))
    assert len(untrusted_nodes(load_pipeline(path), tmp_path)) == 1
