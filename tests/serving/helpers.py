"""Raw HTTP for the serving tests: full control over headers and body (Host, Origin, chunking)."""
import http.client
import json
import math
from urllib.parse import urlsplit


def request(url: str, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None, chunks: list[bytes] | None = None):
    """(status, parsed JSON or raw bytes) for one request on a fresh connection."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        headers = dict(headers or {})
        conn.putrequest(method, path, skip_host="Host" in headers,
                        skip_accept_encoding=True)
        for key, value in headers.items():
            conn.putheader(key, value)
        if chunks is not None:
            conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            for chunk in chunks:
                conn.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            conn.send(b"0\r\n\r\n")
        else:
            if body is not None and "Content-Length" not in headers:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
        response = conn.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, data
    finally:
        conn.close()


def post_rows(url: str, rows, headers: dict | None = None):
    body = json.dumps({"rows": rows}).encode()
    return request(url, "POST", "/predict", body,
                   {"Content-Type": "application/json", **(headers or {})})


def json_rows(df) -> list[dict]:
    """DataFrame rows as JSON-ready dicts: NaN -> None, numpy scalars -> Python."""
    rows = []
    for record in df.to_dict(orient="records"):
        rows.append({k: (None if isinstance(v, float) and math.isnan(v) else
                         (v.item() if hasattr(v, "item") else v)) for k, v in record.items()})
    return rows
