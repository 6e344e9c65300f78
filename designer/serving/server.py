"""`mlwire serve`: one registered model version behind uvicorn, loaded once, on 127.0.0.1 by default.

`serve(...)` blocks until the server is stopped (Ctrl+C, SIGTERM). `python -m
designer.serving.server PROJECT --model REF ...` is the same, for ServerProcess (process.py): it
prints one JSON line {"url": ..., "pid": ..., "model": ...} on stdout once it answers, and reads
its token from the MLWIRE_SERVE_TOKEN environment variable so that it never shows in a process
list. The token itself is never printed or logged.
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import os
import socket
import sys
from dataclasses import dataclass

from .validation import MAX_BODY_BYTES

__all__ = ["serve", "prepare", "ServingError", "is_loopback", "TOKEN_ENV", "Prepared"]

TOKEN_ENV = "MLWIRE_SERVE_TOKEN"


class ServingError(Exception):
    """A server that cannot start as asked (address, token, model); the message says what to do."""


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Prepared:
    model: object           # nodes.values.Model; None when started from a snapshot
    info: object            # source.ModelInfo
    schema: dict
    scorer: object = None   # from a snapshot: a CompiledPipeline, in place of the model

    @property
    def pipeline(self):
        """What the app scores with: the model's pipeline, or the snapshot's scorer."""
        return self.scorer if self.model is None else self.model.pipeline


def prepare(project, spec: str, *, unknown_categories: str | None = None,
            extra_columns: str = "ignore", resolved=None, snapshot: bool = False) -> Prepared:
    """Resolve, load (through the gate), check and describe the model to serve.

    resolved: the source.ModelInfo that `spec` already resolved to (by the parent process).
    snapshot: with `resolved`, start from the model's serving snapshot when there is one (no
    scikit-learn import, see snapshot.py), and leave one for next time when there is not."""
    from .inference import InferenceError, check_inference, input_schema
    from .source import load_resolved, resolve_model
    if resolved is not None and snapshot:
        from . import snapshot as snapshots
        ready = snapshots.load(resolved.sha256, ref=resolved.ref,
                               unknown_categories=unknown_categories, extra_columns=extra_columns)
        if ready is not None:
            return Prepared(None, resolved, *ready)
    if resolved is not None:
        model, info = load_resolved(project, resolved), resolved
    else:
        model, info = resolve_model(project, spec)
    report = check_inference(model)
    if not report.ok:
        raise InferenceError(f"Model {info.ref} cannot be served from raw rows: {report.message}")
    schema = input_schema(model, ref=info.ref, sha256=info.sha256,
                          unknown_categories=unknown_categories, extra_columns=extra_columns)
    if snapshot:
        from . import snapshot as snapshots
        snapshots.keep(model, info.sha256)
    return Prepared(model, info, schema)


def check_address(host: str, token: str | None) -> None:
    if not is_loopback(host) and not token:
        raise ServingError(f"Serving on {host} makes the model reachable from other machines, so "
                           "it needs a token: add --token TOKEN (or set MLWIRE_SERVE_TOKEN); "
                           "callers then send 'Authorization: Bearer TOKEN'. Without --host the "
                           "server binds 127.0.0.1, reachable from this machine only.")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on (host, port); port 0 picks a free port."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    # proto must say TCP: asyncio sets TCP_NODELAY only on sockets that do, and without it
    # every keep-alive answer waits ~40 ms for the client's delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise ServingError(f"Cannot listen on {host}:{port} ({exc.strerror}). Choose another "
                           "--port, or stop the program that uses it.") from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(host: str, port: int) -> str:
    shown = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
    return f"http://{shown}:{port}"


def serve(prepared: Prepared, *, host: str = "127.0.0.1", port: int = 8000,
          token: str | None = None, max_body: int = MAX_BODY_BYTES,
          allowed_hosts: list[str] | None = None, on_ready=None, log_level: str = "warning",
          stderr=sys.stderr) -> None:
    """Serve until stopped. on_ready(url) is called once the server accepts requests."""
    import uvicorn
    from threadpoolctl import threadpool_limits

    from .app import LOOPBACK_HOSTS, create_app
    check_address(host, token)
    if not is_loopback(host):
        print(f"mlwire serve: WARNING: listening on {host}, reachable from other machines. "
              "Requests need the token; use it over a trusted network or behind TLS.",
              file=stderr, flush=True)
    hosts = set(allowed_hosts or ())
    if is_loopback(host):
        hosts |= set(LOOPBACK_HOSTS)
    app = create_app(prepared.pipeline, prepared.schema, token=token,
                     allowed_hosts=(hosts or None) if (is_loopback(host) or allowed_hosts)
                     else None, max_body=max_body)
    sock = bind(host, port)
    url = url_of(host, sock.getsockname()[1])
    # One row per request: OpenMP threads only add start-up cost (and thrash a busy machine).
    threadpool_limits(1)

    class _Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets)
            if not self.should_exit and on_ready is not None:
                on_ready(url)

    config = uvicorn.Config(app, lifespan="off", access_log=False, log_level=log_level,
                            server_header=False, date_header=False, timeout_keep_alive=30)
    try:
        _Server(config).run(sockets=[sock])
    finally:
        sock.close()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m designer.serving.server")
    p.add_argument("project")
    p.add_argument("--model", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--max-body", type=int, default=MAX_BODY_BYTES)
    p.add_argument("--unknown-categories", choices=("warn", "reject", "accept"))
    p.add_argument("--extra-columns", choices=("ignore", "reject"), default="ignore")
    p.add_argument("--allowed-host", action="append", default=[])
    p.add_argument("--resolved", metavar="JSON",
                   help="the version --model means, resolved by the parent (source.ModelInfo)")
    p.add_argument("--exit-with-parent", action="store_true",
                   help="stop when standard input closes (the parent process ended)")
    return p


def _exit_when_stdin_closes() -> None:
    """The parent holds the write end of our stdin; when it ends, even killed, the pipe closes
    and we stop gracefully instead of serving on as an orphan."""
    import signal
    import threading

    def watch() -> None:
        try:
            while sys.stdin.buffer.read(1024):
                pass
        except (OSError, ValueError):
            pass
        os.kill(os.getpid(), signal.SIGTERM)    # uvicorn's own graceful shutdown
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.exit_with_parent:
        _exit_when_stdin_closes()
    token = os.environ.get(TOKEN_ENV) or None
    try:
        check_address(args.host, token)
        from .source import ModelInfo
        resolved = ModelInfo.from_json(args.resolved) if args.resolved else None
        prepared = prepare(args.project, args.model, unknown_categories=args.unknown_categories,
                           extra_columns=args.extra_columns, resolved=resolved, snapshot=True)
    except Exception as exc:     # reported to the parent as one JSON line, then exit 2
        print(json.dumps({"error": str(exc)}), flush=True)
        return 2

    def ready(url: str) -> None:
        print(json.dumps({"url": url, "pid": os.getpid(), "model": prepared.info.ref,
                          "sha256": prepared.info.sha256}), flush=True)

    try:
        serve(prepared, host=args.host, port=args.port, token=token, max_body=args.max_body,
              allowed_hosts=args.allowed_host, on_ready=ready)
    except ServingError as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
