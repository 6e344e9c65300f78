"""Execute Python Script: the user's `def run(data, data_b=None)` in a separate, limited process.

The script runs in a child of the worker (`python -I -c ...`) in its own process group, with a
memory limit (RLIMIT_AS), a timeout and a cap on what it prints; it dies with its parent
(PR_SET_PDEATHSIG on Linux). Inputs and the result travel as pickles in a private temporary
folder. sys.exit, os._exit, a crash, a hang or a flood of output fail the node with a clear
message, and the whole process group is killed, so nothing is left behind.
"""
from __future__ import annotations

import ast
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .base import CATEGORIES, NodeError, NodeType, Port
from .common import OPEN_TABLE
from .params import Int, String
from .schema import PortType

__all__ = ["ExecutePythonScript", "NODE_TYPES", "run_script_process", "LOG_LIMIT",
           "OUTPUT_CAP", "DEFAULT_CODE"]

LOG_LIMIT = 100_000        # bytes of the script's output kept in the node's log
OUTPUT_CAP = 64 * 2**20    # printing more than this stops the script
DEFAULT_CODE = '''import pandas as pd


def run(data, data_b=None):
    """data and data_b are pandas DataFrames (data_b is None when not connected).
    Return a pandas DataFrame with unique string column names."""
    return data
'''

_CHILD_MAIN = r'''

def _child_main():
    import os, pickle, resource, sys
    folder, memory, parent = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    try:  # die with the worker, even if it is killed
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except Exception:
        pass
    if os.getppid() != parent:
        os._exit(70)
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    def fail(error):
        with open(os.path.join(folder, "error.json"), "w", encoding="utf-8") as f:
            f.write(__import__("json").dumps(error))
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    try:
        with open(os.path.join(folder, "script.py"), encoding="utf-8") as f:
            code = f.read()
        with open(os.path.join(folder, "inputs.pkl"), "rb") as f:
            data, data_b = pickle.load(f)
        result = call_script(load_script(code), code, data, data_b)
        with open(os.path.join(folder, "result.tmp"), "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(os.path.join(folder, "result.tmp"), os.path.join(folder, "result.pkl"))
    except ScriptError as exc:
        fail({"message": exc.message, "line": exc.line, "details": exc.details})
    except MemoryError:
        fail({"message": "the script ran out of memory.", "line": None, "details": ""})
    except BaseException as exc:
        fail({"message": f"{type(exc).__name__}: {exc}", "line": None, "details": ""})
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


_child_main()
'''


def _child_source() -> str:
    from .kernels import kernel_source
    return ("class DataError(ValueError):\n    pass\n\n" + kernel_source("ops_script")
            + _CHILD_MAIN)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def run_script_process(code: str, data, data_b, *, timeout: float, memory_mb: int,
                       cwd: Path, log) -> object:
    """Run the script in a child process; the DataFrame it returned, or NodeError."""
    import pickle
    with tempfile.TemporaryDirectory(prefix="mlwire-script-") as tmp:
        folder = Path(tmp)
        (folder / "script.py").write_text(code, encoding="utf-8")
        with open(folder / "inputs.pkl", "wb") as f:
            pickle.dump((data, data_b), f, protocol=pickle.HIGHEST_PROTOCOL)
        env = {k: v for k, v in os.environ.items()}
        env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   PYTHONUNBUFFERED="1", PYTHONFAULTHANDLER="1")
        memory = memory_mb * 2**20 if memory_mb else 0
        proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _child_source(), str(folder), str(memory),
             str(os.getpid())],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            cwd=str(cwd) if Path(cwd).is_dir() else tmp, env=env, start_new_session=True)
        kept, total, stopped = bytearray(), 0, None
        deadline = time.monotonic() + timeout
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(proc.stdout, selectors.EVENT_READ)
                while True:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        stopped = "timeout"
                        break
                    ready = selector.select(min(remaining, 0.25))
                    if ready:
                        chunk = os.read(proc.stdout.fileno(), 1 << 16)
                        if not chunk:
                            break
                        total += len(chunk)
                        if len(kept) < LOG_LIMIT:
                            kept += chunk[:LOG_LIMIT - len(kept)]
                        if total > OUTPUT_CAP:
                            stopped = "output"
                            break
                    elif proc.poll() is not None:
                        break  # exited; a leftover grandchild may hold the pipe open
        finally:
            _kill_group(proc)
            proc.stdout.close()
        text = kept.decode("utf-8", errors="replace")
        if total > len(kept):
            text += (f"\n[output truncated: the script printed {total:,} bytes"
                     f"{' or more' if stopped == 'output' else ''}; the first {len(kept):,} "
                     "are shown]\n")
        if text:
            log(text)
        if stopped == "timeout":
            raise NodeError(f"The script did not finish within {timeout:g} seconds and was "
                            "stopped.", "Make it faster, or raise 'timeout_seconds'.",
                            param="timeout_seconds")
        if stopped == "output":
            raise NodeError(f"The script printed more than {OUTPUT_CAP // 2**20} MB and was "
                            "stopped.", "Print less (the log keeps only the first "
                            f"{LOG_LIMIT // 1000} kB anyway).")
        if (folder / "result.pkl").is_file():
            with open(folder / "result.pkl", "rb") as f:
                return pickle.load(f)
        if (folder / "error.json").is_file():
            error = json.loads((folder / "error.json").read_text(encoding="utf-8"))
            if error.get("details"):
                log(error["details"])
            message = error["message"]
            hint = "The node's log has the script's output and traceback."
            if "out of memory" in message:
                hint = f"It may use at most {memory_mb} MB; raise 'memory_megabytes'. " + hint
            raise NodeError(f"Execute Python Script: {message}", hint)
        code_ = proc.returncode
        if code_ is not None and code_ < 0:
            name = _signal_name(-code_)
            what = "crashed (segmentation fault)" if name == "SIGSEGV" else \
                f"was killed by {name}"
            raise NodeError(f"The script's process {what} before returning a table.",
                            "Look for native code (ctypes, extensions) misbehaving, or memory "
                            f"use beyond {memory_mb} MB.")
        raise NodeError(f"The script's process ended with exit code {code_} before returning "
                        "a table (os._exit() or a crash in native code).",
                        "run() must return a DataFrame; report problems by raising an "
                        "exception.")


class ExecutePythonScript(NodeType):
    type_id = "execute_python_script"
    title = "Execute Python Script"
    category = CATEGORIES[1]
    doc = ("Runs your Python code: define run(data, data_b=None) returning a pandas DataFrame "
           "with unique string column names. It runs in a separate process with a timeout and a "
           "memory limit; what it prints goes to the node's log. It runs only once this "
           "computer trusts its code: code you write in the designer is yours; code that came "
           "in a file is shown for review when you press Run (or use `mlwire trust FILE`). The "
           "exported script runs the same code in-process.")
    inputs = (Port("data", PortType.TABLE, "The first table, passed as data.", optional=True),
              Port("data_b", PortType.TABLE, "The second table, passed as data_b.",
                   optional=True))
    outputs = (Port("data", PortType.TABLE, "The DataFrame run() returned."),)
    params = (
        String("code", DEFAULT_CODE, "Python code defining run(data, data_b=None).",
               allow_empty=False, code="python"),
        Int("timeout_seconds", 600, "Stop the script after this many seconds.", low=1,
            high=7 * 24 * 3600),
        Int("memory_megabytes", 4096, "The script's address-space limit in MB (0: none).",
            low=0, high=2**22),
    )
    trust_params = ("code",)

    def needs_trust(self, params, base_dir) -> bool:
        return True

    def infer(self, inputs, params, ctx):
        try:
            tree = ast.parse(params["code"])
        except SyntaxError as exc:
            raise NodeError(f"line {exc.lineno}: syntax error: {exc.msg}.", param="code") \
                from None
        except ValueError as exc:
            raise NodeError(f"The code cannot be parsed: {exc}.", param="code") from None
        if not any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "run"
                   for n in tree.body):
            raise NodeError("The script defines no function run(data, data_b=None).",
                            "Define it at the top level; it must return a pandas DataFrame "
                            "with unique string column names.", param="code")
        data = inputs.get("data")
        from dataclasses import replace
        if data is None:
            return {"data": OPEN_TABLE}
        return {"data": replace(OPEN_TABLE, lineage=data.lineage, roles=data.roles)}

    def run(self, inputs, params, ctx):
        from designer.trust import require_trusted
        from .values import Table
        require_trusted(self.type_id, ctx.title or self.title, params, self.trust_params,
                        "code")
        data, data_b = inputs.get("data"), inputs.get("data_b")
        df = run_script_process(params["code"], data.df if data is not None else None,
                                data_b.df if data_b is not None else None,
                                timeout=params["timeout_seconds"],
                                memory_mb=params["memory_megabytes"], cwd=ctx.base_dir,
                                log=ctx.log)
        import pandas as pd
        if not isinstance(df, pd.DataFrame):  # the child checked; a tampered pickle would not
            raise NodeError("The script's result is not a DataFrame.")
        return {"data": data.derive(df) if data is not None else Table(df)}

    def emit(self, params, ctx):
        args = [ctx.inputs.get(p, "None") for p in ("data", "data_b")]
        return (f"{ctx.out('data')} = execute_python_script({params['code']!r}, "
                f"{', '.join(args)})\n")

    def summary(self, params):
        lines = [l for l in str(params.get("code", "")).splitlines() if l.strip()]
        return f"{len(lines)} line(s) of Python"


NODE_TYPES = [ExecutePythonScript]
