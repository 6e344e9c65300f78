"""ServerProcess: a model server in a child process, for the GUI's Serve button and for tests.

    server = ServerProcess("churn.mlw", "churn@champion")      # port 0: a free port
    url = server.start()            # blocks until it answers (or raises ServingError)
    ...                             # server.url, server.schema(), server.pid, server.running
    server.stop()                   # also on `with ServerProcess(...) as server:` exit

The child is `python -m designer.serving.server`; it loads the model once (an immutable
snapshot), so the designer's process never parses a model for serving. The token goes to the
child through its environment, never its command line. The child's log is kept in `log()`.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading

from pathlib import Path

from .server import TOKEN_ENV, ServingError, check_address

__all__ = ["ServerProcess"]

_ROOT = Path(__file__).resolve().parents[2]     # so the child imports this same MLWire


class ServerProcess:
    def __init__(self, project, model: str, *, host: str = "127.0.0.1", port: int = 0,
                 token: str | None = None, unknown_categories: str | None = None,
                 extra_columns: str = "ignore", max_body: int | None = None,
                 python: str = sys.executable):
        check_address(host, token)
        self.project = str(Path(project).resolve())
        self.model = model
        self.host, self.port, self.token = host, port, token
        self.url: str | None = None
        self.model_ref: str | None = None       # the resolved NAME:VERSION being served
        self._cmd = [python, "-m", "designer.serving.server", self.project, "--model", model,
                     "--host", host, "--port", str(port), "--extra-columns", extra_columns,
                     "--exit-with-parent"]
        if unknown_categories:
            self._cmd += ["--unknown-categories", unknown_categories]
        if max_body:
            self._cmd += ["--max-body", str(int(max_body))]
        self._proc: subprocess.Popen | None = None
        self._log = tempfile.TemporaryFile(mode="w+b")

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self, timeout: float = 60.0) -> str:
        """Start the child and wait until it answers; returns the URL."""
        if self.running:
            return self.url
        env = dict(os.environ)
        env.pop(TOKEN_ENV, None)
        if self.token:
            env[TOKEN_ENV] = self.token
        env["PYTHONPATH"] = os.pathsep.join([str(_ROOT)] + [p for p in env.get(
            "PYTHONPATH", "").split(os.pathsep) if p])
        # Resolve the reference here: a wrong name fails at once, and the child, given the
        # version, can start from the model cache without opening the project (quicker).
        from .source import resolve_version
        try:
            resolved = ["--resolved", resolve_version(self.project, self.model).to_json()]
        except Exception as exc:
            raise ServingError(f"The model server did not start: {exc}") from exc
        # stdin is a pipe we never write to: it closes when this process ends, however it
        # ends, and the child then stops (--exit-with-parent), so no server outlives the app.
        proc = self._proc = subprocess.Popen(self._cmd + resolved, stdout=subprocess.PIPE,
                                             stderr=self._log, stdin=subprocess.PIPE, env=env,
                                             cwd=str(_ROOT))
        line = self._first_line(proc, timeout)
        if self._proc is not proc:          # stop() ran meanwhile (from another thread)
            raise ServingError("The model server was stopped while it was starting.")
        try:
            message = json.loads(line) if line else {}
        except ValueError:
            message = {"error": line}
        if "url" not in message:
            self.stop()
            why = message.get("error") or (f"it exited with code {proc.returncode}"
                                           if proc.returncode is not None
                                           else f"it did not answer within {timeout:.0f} s")
            raise ServingError(f"The model server did not start: {why.rstrip('.')}. "
                               f"{self.log()[-2000:]}".strip())
        self.url, self.model_ref = message["url"], message.get("model")
        self.port = int(self.url.rsplit(":", 1)[1])
        return self.url

    @staticmethod
    def _first_line(proc: subprocess.Popen, timeout: float) -> str:
        out: list[str] = []

        def read() -> None:
            try:
                out.append(proc.stdout.readline().decode("utf-8", "replace").strip())
            except (OSError, ValueError):       # closed by stop() meanwhile
                pass
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout)
        return out[0] if out else ""

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the child (SIGTERM, then SIGKILL after `timeout`); safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream:
                stream.close()
        self.url = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def log(self) -> str:
        """What the child wrote on stderr (warnings, errors)."""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    # -- talking to it -------------------------------------------------------------------------
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def schema(self, timeout: float = 10.0) -> dict:
        """GET /schema: the columns with kinds, nulls, categories, policies, an example row."""
        return self._get("/schema", timeout)

    def health(self, timeout: float = 5.0) -> dict:
        return self._get("/health", timeout)

    def predict(self, rows: list[dict], timeout: float = 30.0) -> tuple[int, dict]:
        """POST /predict; returns (HTTP status, JSON body) whatever the status."""
        import urllib.error
        import urllib.request
        request = urllib.request.Request(
            self._require_url() + "/predict", data=json.dumps({"rows": rows}).encode(),
            headers={"Content-Type": "application/json", **self.headers()}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def _get(self, path: str, timeout: float) -> dict:
        import urllib.request
        request = urllib.request.Request(self._require_url() + path, headers=self.headers())
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def _require_url(self) -> str:
        if not self.running or not self.url:
            raise ServingError("The model server is not running; start() it first.")
        return self.url

    def __enter__(self) -> "ServerProcess":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __del__(self):
        try:
            self.stop(timeout=2)
        except Exception:
            pass


