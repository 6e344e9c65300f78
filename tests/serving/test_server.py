"""The model server in a subprocess on a free 127.0.0.1 port: predictions, every refusal, fuzzing,
memory over 1,000 requests, tokens."""
import json
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from .helpers import json_rows, post_rows, request

JSON = {"Content-Type": "application/json"}


def test_predictions_equal_the_pipeline(server, churn, churn_rows):
    rows = churn_rows.iloc[:200]
    status, body = post_rows(server.url, json_rows(rows))
    assert status == 200, body
    pipeline = churn.model.pipeline
    assert body["predictions"] == pipeline.predict(rows).tolist()
    expected = pipeline.predict_proba(rows)
    got = np.array([[p[str(c)] for c in pipeline.classes_] for p in body["probabilities"]])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert body["model"] == "churn:1"


def test_health_schema_and_docs(server):
    status, health = request(server.url, "GET", "/health")
    assert status == 200 and health["status"] == "ok" and health["model"] == "churn:1"
    status, schema = request(server.url, "GET", "/schema")
    assert status == 200
    columns = {c["name"]: c for c in schema["columns"]}
    assert "churned" not in columns
    assert columns["contract"]["categories"] == ["month-to-month", "one-year", "two-year"]
    assert columns["tenure_months"] == {"name": "tenure_months", "dtype": "int64",
                                        "kind": "integer", "nullable": False, "categories": None}
    assert columns["payment_method"]["nullable"]        # Clean Missing Data fills it
    status, body = post_rows(server.url, schema["example"]["rows"])
    assert status == 200 and body["predictions"][0] in ("no", "yes")
    status, openapi = request(server.url, "GET", "/openapi.json")
    assert status == 200 and "/predict" in openapi["paths"]
    status, page = request(server.url, "GET", "/docs")
    assert status == 200 and b"swagger" in page.lower()


def _row(churn):
    return {"tenure_months": 12, "monthly_charges": 70.5, "contract": "one-year",
            "payment_method": "card", "support_calls": 2, "senior": "no"}


BAD_ROWS = [
    # (what is changed, status, rule, column)
    ({"drop": "contract"}, 422, "missing_column", "contract"),
    ({"set": ("tenure_months", "twelve")}, 422, "wrong_type", "tenure_months"),
    ({"set": ("tenure_months", 1.5)}, 422, "wrong_type", "tenure_months"),
    ({"set": ("tenure_months", True)}, 422, "wrong_type", "tenure_months"),
    ({"set": ("monthly_charges", "70")}, 422, "wrong_type", "monthly_charges"),
    ({"set": ("contract", 3)}, 422, "wrong_type", "contract"),
    ({"set": ("contract", ["one-year"])}, 422, "wrong_type", "contract"),
    ({"set": ("tenure_months", None)}, 422, "null_not_allowed", "tenure_months"),
    ({"set": ("senior", None)}, 422, "null_not_allowed", "senior"),
    ({"set": ("tenure_months", 2 ** 70)}, 422, "wrong_type", "tenure_months"),
]


@pytest.mark.parametrize("change,status,rule,column", BAD_ROWS,
                         ids=[f"{r}-{c}" for _, _, r, c in BAD_ROWS])
def test_bad_rows_get_their_4xx(server, churn, change, status, rule, column):
    row = _row(churn)
    if "drop" in change:
        del row[change["drop"]]
    else:
        row[change["set"][0]] = change["set"][1]
    got, body = post_rows(server.url, [_row(churn), row])
    assert got == status, body
    assert body["error"]["rule"] == rule and body["error"]["column"] == column
    assert body["error"]["row"] == 1 and column in body["error"]["message"]


BAD_BODIES = [
    (b'{"rows": []}', 422, "empty_rows"),
    (b'{"rows": {}}', 422, "body_shape"),
    (b'[1, 2]', 422, "body_shape"),
    (b'{"rows": [1]}', 422, "row_not_object"),
    (b'{"rows": [{"tenure_months": NaN}]}', 400, "non_finite_number"),
    (b'{"rows": [{"monthly_charges": Infinity}]}', 400, "non_finite_number"),
    (b'{"rows": [{"tenure_months": 12, "monthly_charges": 1e999, "contract": "one-year", '
     b'"payment_method": "card", "support_calls": 2, "senior": "no"}]}', 422,
     "non_finite_number"),
    (b'{"rows": [', 400, "invalid_json"),
    (b'\xff\xfe\x00garbage', 400, "invalid_json"),
    (b'', 400, "invalid_json"),
    (b'{"rows": ' + b'[' * 100_000 + b']' * 100_000 + b'}', 400, "json_too_deep"),
    (b'{"rows": [{"a": ' + b'9' * 5000 + b'}]}', 400, "invalid_json"),
]


@pytest.mark.parametrize("body,status,rule", BAD_BODIES, ids=[r for _, _, r in BAD_BODIES])
def test_bad_bodies_get_their_4xx(server, body, status, rule):
    got, answer = request(server.url, "POST", "/predict", body, JSON)
    assert (got, answer["error"]["rule"]) == (status, rule), answer


def test_size_limit_by_header_and_by_stream(server):
    # A Content-Length over 10 MB is refused before any of the body is read.
    got, answer = request(server.url, "POST", "/predict", b"",
                          {**JSON, "Content-Length": str(11 * 1024 * 1024)})
    assert (got, answer["error"]["rule"]) == (413, "body_too_large")
    # Without Content-Length (chunked), the body is counted as it streams in.
    chunk = b" " * (1024 * 1024)
    got, answer = request(server.url, "POST", "/predict", headers=JSON, chunks=[chunk] * 11)
    assert (got, answer["error"]["rule"]) == (413, "body_too_large")
    got, _ = request(server.url, "POST", "/predict", b"{}", {**JSON, "Content-Length": "x"})
    assert got == 400


def test_media_type_host_and_origin(server, churn):
    body = json.dumps({"rows": [_row(churn)]}).encode()
    got, answer = request(server.url, "POST", "/predict", body, {"Content-Type": "text/plain"})
    assert (got, answer["error"]["rule"]) == (415, "unsupported_media_type")
    # DNS rebinding: a page on evil.example whose name resolves to 127.0.0.1.
    got, answer = request(server.url, "POST", "/predict", body,
                          {**JSON, "Host": f"evil.example:{server.port}"})
    assert (got, answer["error"]["rule"]) == (403, "foreign_host")
    got, _ = request(server.url, "GET", "/health", headers={"Host": "evil.example"})
    assert got == 403
    # CSRF: a browser on another origin.
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": f"http://127.0.0.1:{server.port + 1}"}):
        got, answer = request(server.url, "POST", "/predict", body, {**JSON, **headers})
        assert (got, answer["error"]["rule"]) == (403, "cross_origin"), headers
    # The server's own origin (its /docs page) is fine.
    got, _ = request(server.url, "POST", "/predict", body,
                     {**JSON, "Origin": f"http://127.0.0.1:{server.port}"})
    assert got == 200
    got, _ = request(server.url, "POST", "/predict", body, {**JSON, "Host": "localhost"})
    assert got == 200


def test_policies_unknown_categories_and_extra_columns(server, churn):
    row = {**_row(churn), "contract": "weekly", "customer_id": 17}
    got, body = post_rows(server.url, [row])
    assert got == 200
    rules = {w["rule"]: w for w in body["warnings"]}
    assert rules["unknown_category"]["column"] == "contract"
    assert rules["unknown_category"]["value"] == "weekly"
    assert rules["extra_columns"]["columns"] == ["customer_id"]
    # The prediction is the pipeline's own for that row (all-zero indicators for 'weekly').
    frame = pd.DataFrame([row]).drop(columns="customer_id")
    assert body["predictions"] == churn.model.pipeline.predict(frame).tolist()


def test_strict_policies(served, churn):
    from designer.serving.process import ServerProcess
    project, _ = served
    with ServerProcess(project, "churn", unknown_categories="reject",
                       extra_columns="reject", token="s3cret") as strict:
        got, body = post_rows(strict.url, [_row(churn)])
        assert (got, body["error"]["rule"]) == (401, "unauthorized")
        got, body = post_rows(strict.url, [_row(churn)], {"Authorization": "Bearer wrong"})
        assert got == 401
        auth = {"Authorization": "Bearer s3cret"}
        assert post_rows(strict.url, [_row(churn)], auth)[0] == 200
        assert request(strict.url, "GET", "/health")[0] == 200      # open: for probes
        assert request(strict.url, "GET", "/schema")[0] == 401
        got, body = post_rows(strict.url, [{**_row(churn), "contract": "weekly"}], auth)
        assert (got, body["error"]["rule"], body["error"]["column"]) == \
            (422, "unknown_category", "contract")
        got, body = post_rows(strict.url, [{**_row(churn), "x": 1}], auth)
        assert (got, body["error"]["rule"], body["error"]["column"]) == (422, "extra_column", "x")
        assert "s3cret" not in strict.log()


def test_other_addresses_need_a_token():
    from designer.serving.server import ServingError, check_address
    with pytest.raises(ServingError, match="needs a token"):
        check_address("0.0.0.0", None)
    check_address("127.0.0.1", None)
    check_address("::1", None)


def test_generated_requests_never_get_a_5xx(server, churn):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    columns = [c["name"] for c in churn.schema["columns"]]
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 80, 2 ** 80),
                        st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
                        st.sampled_from(["one-year", "card", "no", "yes", ""]))
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)
    rows = st.lists(st.dictionaries(st.sampled_from(columns + ["extra", ""]), values,
                                    max_size=len(columns) + 2), max_size=4)
    valid = st.fixed_dictionaries({
        "tenure_months": st.integers(0, 80), "support_calls": st.integers(0, 9),
        "monthly_charges": st.one_of(st.none(), st.floats(-1e6, 1e6)),
        "contract": st.sampled_from(["month-to-month", "one-year", "two-year", "weekly"]),
        "payment_method": st.one_of(st.none(), st.text(max_size=8), st.just("card")),
        "senior": st.sampled_from(["no", "yes"])})
    near_valid = st.tuples(valid, st.sampled_from(columns), values).map(
        lambda t: {**t[0], t[1]: t[2]})
    bodies = st.one_of(st.lists(valid, min_size=1, max_size=3).map(lambda r: {"rows": r}),
                       st.lists(near_valid, min_size=1, max_size=2).map(lambda r: {"rows": r}),
                       rows.map(lambda r: {"rows": r}), values,
                       st.dictionaries(st.text(max_size=6), values, max_size=3))
    statuses = []

    @settings(max_examples=150, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(bodies)
    def check(body):
        got, answer = request(server.url, "POST", "/predict", json.dumps(body).encode(), JSON)
        statuses.append(got)
        assert got < 500, (body, answer)

    check()
    assert 200 in statuses and 422 in statuses


def test_memory_stays_flat_over_1000_requests(server, churn_rows):
    import psutil
    process = psutil.Process(server.pid)
    rows = json_rows(churn_rows.iloc[:1])
    for _ in range(100):                        # warm up: caches, allocator pools
        post_rows(server.url, rows)
    before = process.memory_info().rss
    started = time.perf_counter()
    for _ in range(1000):
        got, _ = post_rows(server.url, rows)
        assert got == 200
    after = process.memory_info().rss
    assert after - before < 8 * 1024 * 1024, (before, after)
    print(f"1000 requests in {time.perf_counter() - started:.1f} s; RSS {before >> 20} -> "
          f"{after >> 20} MiB")


def test_a_killed_parent_leaves_no_server_behind(served):
    """The designer SIGKILLed while serving: its model server notices and stops by itself."""
    import psutil
    project, _ = served
    code = ("import sys, time\n"
            "from designer.serving.process import ServerProcess\n"
            "server = ServerProcess(sys.argv[1], 'iris')\n"
            "server.start(timeout=180)\n"
            "print(server.pid, flush=True)\n"
            "time.sleep(600)\n")
    parent = subprocess.Popen([sys.executable, "-c", code, str(project)],
                              stdout=subprocess.PIPE, text=True)
    try:
        child = psutil.Process(int(parent.stdout.readline()))
        assert child.is_running()
    finally:
        parent.kill()
        parent.wait(30)
    child.wait(timeout=30)        # psutil.TimeoutExpired (a failure) if it serves on
    assert not child.is_running()


def test_a_registered_model_is_served_from_the_signed_model_cache(served, server):
    from designer import model_cache
    from designer.serving.source import load_resolved, resolve_version
    project, _ = served
    info = resolve_version(project, "churn@champion")
    assert info.ref == "churn:1" and server.model_ref == "churn:1"
    cached = model_cache.load(info.sha256)       # put there when it was registered
    assert cached is not None
    model = load_resolved(project, info)
    assert model.signature == cached.signature and model.classes == ["no", "yes"]


def test_a_wrong_model_name_fails_before_a_server_starts(served):
    from designer.serving.process import ServerProcess
    from designer.serving.server import ServingError
    project, _ = served
    with pytest.raises(ServingError, match="nope"):
        ServerProcess(project, "nope", port=0).start()
