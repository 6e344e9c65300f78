"""A real HTTP server on 127.0.0.1 for web-import tests (never any other address).

Serves files from a folder, plus:
  /redirect?to=URL      302 to URL (e.g. a metadata address, a file:// URL)
  /hops?n=N             N redirects in a row, then tiny.csv
  /big?mb=N             N MB of CSV rows, without a Content-Length
  /slow                 sends a header row, then nothing for a while
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

__all__ = ["serve", "shared_server"]


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", query["to"][0])
            self.end_headers()
        elif parts.path == "/hops":
            n = int(query["n"][0])
            self.send_response(302)
            self.send_header("Location", f"/hops?n={n - 1}" if n > 1 else "/tiny.csv")
            self.end_headers()
        elif parts.path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()
            row = b"1,2,3,4,5,6,7,8,9,10\n" * 5000
            try:
                for _ in range(int(float(query["mb"][0]) * 2**20 / len(row)) + 1):
                    self.wfile.write(row)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif parts.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()
            try:
                self.wfile.write(b"a,b\n")
                self.wfile.flush()
                time.sleep(3)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        else:
            super().do_GET()


@contextmanager
def serve(folder):
    """Serve `folder` on 127.0.0.1 (a free port); yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


_SHARED: dict = {}


def shared_server(folder_factory) -> str:
    """One server for the whole test session (examples need a URL before any fixture runs)."""
    if "url" not in _SHARED:
        folder = folder_factory()
        context = serve(folder)
        _SHARED["url"] = context.__enter__()
        _SHARED["context"] = context
    return _SHARED["url"]
