"""The scoring web app: POST /predict, GET /health, GET /schema, OpenAPI docs; request guards.

Self-contained on purpose (FastAPI, pandas and the sibling validation.py only; no MLWire
import): `mlwire bundle` copies this file and validation.py into a bundle's `scoring/` package.

Guards, in this order, before any endpoint runs (see docs/serving.md):
  - Host header: when bound to a loopback address, only 127.0.0.1 / localhost / [::1] are
    accepted, so a web page whose domain resolves to 127.0.0.1 (DNS rebinding) is refused (403);
  - browser origin: a request with an Origin header that is not the server's own origin, or with
    `Sec-Fetch-Site: cross-site|same-site`, is refused (403): no cross-origin calls, no CSRF;
  - token: when the app has one, every endpoint but /health and the docs needs
    `Authorization: Bearer <token>` (or `X-MLWire-Token`), compared in constant time (401);
  - body: `application/json` only (415); a Content-Length over the limit is refused before
    reading (413), and a body sent without one is counted while it streams in (413).
"""
import hmac
import json

from fastapi import FastAPI, Request
from fastapi.responses import Response

from .fastpath import CompiledPipeline, scorer_for
from .validation import MAX_BODY_BYTES, RequestError, parse_json_body, predict_rows, rows_to_frame

__all__ = ["create_app", "LOOPBACK_HOSTS", "example_row"]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
OPEN_PATHS = frozenset({"/health", "/docs", "/docs/oauth2-redirect", "/openapi.json"})


def _json(body, status=200):
    return Response(json.dumps(body, allow_nan=False, ensure_ascii=False), status_code=status,
                    media_type="application/json")


def _host_name(host):
    """'127.0.0.1:8000' -> '127.0.0.1'; '[::1]:8000' -> '[::1]'."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """Pure ASGI middleware: Host, Origin, token and body-size checks (see the module doc)."""

    def __init__(self, app, allowed_hosts=None, token=None, max_body=MAX_BODY_BYTES):
        self.app = app
        self.allowed_hosts = None if allowed_hosts is None else \
            frozenset(h.lower() for h in allowed_hosts)
        self.token = token.encode() if token else None
        self.max_body = max_body

    async def _refuse(self, send, status, rule, message, extra_headers=()):
        body = json.dumps({"error": {"rule": rule, "message": message}}).encode()
        headers = [(b"content-type", b"application/json"),
                   (b"content-length", str(len(body)).encode()), *extra_headers]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {}
        for key, value in scope.get("headers", ()):
            headers.setdefault(key, value)
        host = headers.get(b"host", b"").decode("latin-1")
        if self.allowed_hosts is not None and _host_name(host) not in self.allowed_hosts:
            return await self._refuse(send, 403, "foreign_host", "This server answers only "
                                      "requests addressed to it by its own name (Host header "
                                      "refused: protection against DNS rebinding).")
        origin = headers.get(b"origin")
        fetch_site = headers.get(b"sec-fetch-site", b"").lower()
        if fetch_site in (b"cross-site", b"same-site"):
            return await self._refuse(send, 403, "cross_origin", "Cross-origin browser requests "
                                      "are refused.")
        if origin is not None:
            netloc = origin.decode("latin-1").lower().split("://", 1)[-1].rstrip("/")
            if origin.lower() == b"null" or netloc != host.lower():
                return await self._refuse(send, 403, "cross_origin", "Cross-origin browser "
                                          "requests are refused (the Origin is not this "
                                          "server's own).")
        if self.token is not None and scope.get("path") not in OPEN_PATHS:
            given = headers.get(b"authorization", b"")
            given = given[7:].strip() if given[:7].lower() == b"bearer " else \
                headers.get(b"x-mlwire-token", b"").strip()
            if not hmac.compare_digest(given, self.token):
                return await self._refuse(send, 401, "unauthorized", "This server needs its "
                                          "token: send 'Authorization: Bearer <token>'.",
                                          [(b"www-authenticate", b"Bearer")])
        length = headers.get(b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                return await self._refuse(send, 400, "invalid_length", "The Content-Length "
                                          "header is not a number.")
            if int(length) > self.max_body:
                return await self._refuse(send, 413, "body_too_large", f"The body is larger "
                                          f"than the limit of {self.max_body} bytes; send fewer "
                                          "rows per request, or score a file in batch.")
        return await self.app(scope, receive, send)


def example_row(schema):
    """A plausible input row from the schema: a known category, or 0 / 0.0 / false / ''."""
    row = {}
    for column in schema["columns"]:
        cats = column.get("categories")
        row[column["name"]] = cats[0] if cats else {
            "integer": 0, "number": 0.0, "boolean": False}.get(column["kind"], "")
    return row


def _openapi_body(schema):
    types = {"integer": "integer", "number": "number", "boolean": "boolean", "text": "string"}
    props = {}
    for column in schema["columns"]:
        t = types[column["kind"]]
        prop = {"type": [t, "null"] if column.get("nullable") else t,
                "description": f"{column['dtype']}"}
        if column.get("categories"):
            prop["examples"] = column["categories"][:10]
        props[column["name"]] = prop
    row = {"type": "object", "properties": props, "required": [c["name"] for c in schema["columns"]]}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["rows"],
        "properties": {"rows": {"type": "array", "minItems": 1, "items": row}},
    }, "example": {"rows": [example_row(schema)]}}}}}


def create_app(pipeline, schema, *, token=None, allowed_hosts=None, max_body=MAX_BODY_BYTES,
               fast=True):
    """The ASGI app that serves `pipeline` (a fitted sklearn Pipeline, or a CompiledPipeline
    from a snapshot) for `schema`'s rows.

    allowed_hosts: the Host names accepted (None: any, for a server reached through other
    names, which then must have a token). The pipeline is used read-only: a snapshot.
    """
    title = f"MLWire model {schema.get('model') or ''}".strip()
    app = FastAPI(title=title, version="1", description=(
        f"Scores rows with {schema.get('model') or 'the model'} ({schema.get('task')}). "
        "Send JSON {\"rows\": [{column: value, ...}]}; see GET /schema for the columns."))
    model_ref = schema.get("model")
    scorer = scorer_for(pipeline, schema) if fast else pipeline
    app.state.fast = isinstance(scorer, CompiledPipeline)

    @app.exception_handler(RequestError)
    async def _request_error(request, exc):
        return _json(exc.to_json(), exc.status)

    @app.exception_handler(Exception)
    async def _internal(request, exc):     # a bug: say so without details, keep serving
        return _json({"error": {"rule": "internal", "message": "The server failed to answer "
                                "this request; see its log."}}, 500)

    @app.get("/health")
    async def health():
        return _json({"status": "ok", "model": model_ref, "sha256": schema.get("sha256"),
                      "fast_path": app.state.fast})

    @app.get("/schema")
    async def get_schema():
        return _json({**schema, "example": {"rows": [example_row(schema)]}})

    @app.post("/predict", openapi_extra=_openapi_body(schema), responses={
        200: {"description": "predictions (and class probabilities for classifiers)"},
        400: {"description": "not JSON, NaN/Infinity tokens, nested too deeply"},
        401: {"description": "missing or wrong token"},
        403: {"description": "foreign Host header or cross-origin browser request"},
        413: {"description": "body over the size limit"},
        415: {"description": "not application/json"},
        422: {"description": "rows that break the model's input schema; names column and rule"}})
    async def predict(request: Request):
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise RequestError(415, "unsupported_media_type", "Send the rows as "
                               "'Content-Type: application/json'.")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body:
                raise RequestError(413, "body_too_large", f"The body is larger than the limit "
                                   f"of {max_body} bytes; send fewer rows per request, or "
                                   "score a file in batch.")
        payload = parse_json_body(bytes(body))
        X, warnings = rows_to_frame(payload, schema, as_arrays=app.state.fast)
        out = predict_rows(scorer, X, schema)
        out["model"] = model_ref
        if warnings:
            out["warnings"] = warnings
        return _json(out)

    guard = Guard(app, allowed_hosts=allowed_hosts, token=token, max_body=max_body)
    guard.fastapi = app             # e.g. for app.openapi()
    return guard
