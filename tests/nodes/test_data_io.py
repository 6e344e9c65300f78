"""Data input and output nodes on real files, a real SQLite file, a real PostgreSQL server and a
real HTTP server, all on this machine: what users see when things go right and wrong."""
from __future__ import annotations

import pandas as pd
import pytest

from designer.trust import trust
from nodes.base import NodeError
from nodes.params import ParamError
from tests.nodes import postgres
from tests.nodes.helpers import checked, infer_node, run_node, table
from tests.nodes.local_http import serve
from tests.nodes.node_examples import TINY_CSV, write_tiny_csv
from tests.nodes.data_examples import write_excel, write_parquet, write_sqlite

SECRET = postgres.PASSWORD


def trusted(type_id: str, params: dict) -> dict:
    """Checked params of a guarded node, trusted in this test's private trust store."""
    from nodes.registry import registry
    values = checked(type_id, params)
    trust(type_id, values, names=registry.get(type_id).trust_params)
    return values


# -- files -----------------------------------------------------------------------------------

def test_excel_reads_the_chosen_sheet_and_names_missing_ones(tmp_path):
    write_tiny_csv(tmp_path)
    write_excel(tmp_path)
    out = run_node("import_excel", {"path": "tiny.xlsx", "sheet": "rows"}, base_dir=tmp_path)
    pd.testing.assert_frame_equal(out["data"].df, pd.read_csv(tmp_path / "tiny.csv"))
    first = run_node("import_excel", {"path": "tiny.xlsx"}, base_dir=tmp_path)
    assert list(first["data"].df.columns) == ["note"]
    for call in (infer_node, run_node):  # before running, and when running
        with pytest.raises(NodeError, match=r"has no sheet 'Sheet9'.*'notes', 'rows'") as err:
            call("import_excel", {"path": "tiny.xlsx", "sheet": "Sheet9"}, base_dir=tmp_path)
        assert err.value.param == "sheet"


def test_parquet_round_trip_and_clear_errors(tmp_path):
    write_tiny_csv(tmp_path)
    write_parquet(tmp_path)
    out = run_node("import_parquet", {"path": "tiny.parquet"}, base_dir=tmp_path)
    pd.testing.assert_frame_equal(out["data"].df, pd.read_csv(tmp_path / "tiny.csv"))
    with pytest.raises(NodeError, match="does not exist"):
        infer_node("import_parquet", {"path": "nope.parquet"}, base_dir=tmp_path)
    with pytest.raises(NodeError, match="could not be read as Parquet"):
        run_node("import_parquet", {"path": "tiny.csv"}, base_dir=tmp_path)


def test_enter_data_manually_reads_like_a_csv_file():
    out = run_node("enter_data_manually", {"data": TINY_CSV})["data"].df
    pd.testing.assert_frame_equal(out, pd.read_csv(pd.io.common.StringIO(TINY_CSV)))
    with pytest.raises(NodeError, match="Expected 2 fields in line 3, saw 3"):
        run_node("enter_data_manually", {"data": "a,b\n1,2\n3,4,5\n"})


def test_export_data_writes_files_inside_the_folder_without_trust(tmp_path):
    df = pd.read_csv(pd.io.common.StringIO(TINY_CSV))
    run_node("export_data", {"format": "csv", "path": "out/rows.csv"}, {"data": table(df)},
             base_dir=tmp_path)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "out" / "rows.csv"), df)
    with pytest.raises(NodeError, match="already exists"):
        run_node("export_data", {"format": "csv", "path": "out/rows.csv", "if_exists": "fail"},
                 {"data": table(df)}, base_dir=tmp_path)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.csv"
    with pytest.raises(NodeError, match="has not been trusted"):
        run_node("export_data", {"format": "csv", "path": str(outside)}, {"data": table(df)},
                 base_dir=tmp_path)
    assert not outside.exists()
    with pytest.raises(ParamError, match="'path'"):
        checked("export_data", {"format": "parquet"})


# -- databases -------------------------------------------------------------------------------

def test_sqlite_query_and_a_query_with_a_syntax_error(tmp_path):
    write_tiny_csv(tmp_path)
    write_sqlite(tmp_path)
    params = trusted("import_from_database", {"url": "sqlite:///tiny.sqlite",
                                              "query": "SELECT color, count(*) AS n FROM tiny "
                                                       "GROUP BY color ORDER BY color"})
    out = run_node("import_from_database", params, base_dir=tmp_path)["data"].df
    assert list(out.columns) == ["color", "n"] and out["n"].sum() == 16
    bad = trusted("import_from_database", {"url": "sqlite:///tiny.sqlite",
                                           "query": "SELEC color FROM tiny"})
    with pytest.raises(NodeError, match=r"The query failed: .*syntax error") as err:
        run_node("import_from_database", bad, base_dir=tmp_path)
    assert err.value.param == "query" and "[SQL:" not in str(err.value)
    missing = trusted("import_from_database", {"url": "sqlite:///nope.sqlite", "query": "x"})
    with pytest.raises(NodeError, match="does not exist"):
        run_node("import_from_database", missing, base_dir=tmp_path)
    assert not (tmp_path / "nope.sqlite").exists()


@pytest.mark.parametrize("url", [
    f"postgresql://analyst:{SECRET}@db.example.org/sales",
    f"mysql+pymysql://analyst@db.example.org/sales?password={SECRET}",
])
def test_a_literal_password_is_refused_without_repeating_it(url):
    with pytest.raises(ParamError, match=r"contains a password.*\$\{ENV_VAR\}") as err:
        checked("import_from_database", {"url": url, "query": "SELECT 1"})
    assert SECRET not in str(err.value)


def test_an_unset_password_variable_is_named(monkeypatch, tmp_path):
    monkeypatch.delenv("MLWIRE_NO_SUCH_VAR", raising=False)
    params = trusted("import_from_database", {
        "url": "postgresql://u:${MLWIRE_NO_SUCH_VAR}@127.0.0.1:1/db", "query": "SELECT 1"})
    with pytest.raises(NodeError, match="MLWIRE_NO_SUCH_VAR that the URL refers to is not set"):
        run_node("import_from_database", params, base_dir=tmp_path)


def _closed_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the with block ends


def test_a_refused_connection_is_a_clear_message_without_the_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("MLWIRE_TEST_PGPASSWORD", SECRET)
    params = trusted("import_from_database", {
        "url": f"postgresql://mlwire:${{MLWIRE_TEST_PGPASSWORD}}@127.0.0.1:{_closed_port()}/db",
        "query": "SELECT 1"})
    log = []
    with pytest.raises(NodeError, match=r"Could not connect to the database .*refused") as err:
        run_node("import_from_database", params, base_dir=tmp_path, log=log)
    text = str(err.value) + repr(err.value.__cause__) + "".join(log)
    assert SECRET not in text and "${MLWIRE_TEST_PGPASSWORD}" in str(err.value)


def test_an_untrusted_database_node_does_not_connect(tmp_path):
    write_tiny_csv(tmp_path)
    write_sqlite(tmp_path)
    params = checked("import_from_database", {"url": "sqlite:///tiny.sqlite",
                                              "query": "SELECT * FROM tiny"})
    with pytest.raises(NodeError, match="has not been trusted.*mlwire trust FILE"):
        run_node("import_from_database", params, base_dir=tmp_path)
    trust("import_from_database", params, names=("url", "query"))
    assert len(run_node("import_from_database", params, base_dir=tmp_path)["data"].df) == 16
    params["query"] = "SELECT * FROM tiny WHERE 1 = 1"  # changed content: trust is gone
    with pytest.raises(NodeError, match="has not been trusted"):
        run_node("import_from_database", params, base_dir=tmp_path)


def test_postgresql_export_then_import(pg, monkeypatch, tmp_path):
    monkeypatch.setenv("MLWIRE_TEST_PGPASSWORD", SECRET)
    df = pd.read_csv(pd.io.common.StringIO(TINY_CSV))
    export = trusted("export_data", {"format": "database", "url": pg.url(), "table": "tiny"})
    log = []
    run_node("export_data", export, {"data": table(df)}, base_dir=tmp_path, log=log)
    query = trusted("import_from_database", {"url": pg.url(),
                                             "query": "SELECT * FROM tiny ORDER BY amount, x2"})
    out = run_node("import_from_database", query, base_dir=tmp_path, log=log)["data"].df
    expected = df.sort_values(["amount", "x2"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)
    assert SECRET not in "".join(log)
    monkeypatch.setenv("MLWIRE_TEST_PGPASSWORD", "wrong-" + SECRET)
    with pytest.raises(NodeError, match="password authentication failed") as err:
        run_node("import_from_database", query, base_dir=tmp_path)
    assert SECRET not in str(err.value)


# -- the web ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def web(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    write_tiny_csv(folder)
    write_parquet(folder)
    with serve(folder) as url:
        yield url


def _web(url: str, **params) -> dict:
    return trusted("import_from_web_url", {"url": url, **params})


def test_web_import_follows_redirects_and_logs_the_final_url(web, tmp_path):
    log = []
    out = run_node("import_from_web_url", _web(f"{web}/hops?n=3"), base_dir=tmp_path, log=log)
    pd.testing.assert_frame_equal(out["data"].df, pd.read_csv(pd.io.common.StringIO(TINY_CSV)))
    assert f"Final URL: {web}/tiny.csv" in "".join(log)
    parquet = run_node("import_from_web_url", _web(f"{web}/tiny.parquet", format="parquet"),
                       base_dir=tmp_path)
    assert len(parquet["data"].df) == 16


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/data.csv",
                                 "gopher://127.0.0.1/x", "/etc/passwd"])
def test_only_http_and_https_urls(url, tmp_path):
    with pytest.raises(NodeError, match="Only http and https URLs"):
        infer_node("import_from_web_url", {"url": url}, base_dir=tmp_path)
    with pytest.raises(NodeError, match="Only http and https URLs"):
        run_node("import_from_web_url", _web(url), base_dir=tmp_path)


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/",
                                    "http://[::ffff:169.254.169.254]/", "file:///etc/passwd",
                                    "ftp://127.0.0.1/x.csv"])
def test_redirects_are_checked_again(web, target, tmp_path):
    with pytest.raises(NodeError, match="Refusing to fetch|Only http and https") as err:
        run_node("import_from_web_url", _web(f"{web}/redirect?to={target}"), base_dir=tmp_path)
    assert err.value.param == "url"


def test_addresses_never_fetched():
    from nodes.ops import DataError
    from nodes.ops_io import check_address
    for ip in ("169.254.169.254", "::ffff:169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1",
               "100.100.100.200", "fd00:ec2::254"):
        with pytest.raises(DataError, match="Refusing"):
            check_address(ip, "example")
    for ip in ("127.0.0.1", "::1", "10.1.2.3", "192.168.1.10", "93.184.216.34"):
        check_address(ip, "example")  # allowed: no connection is made here


def test_size_cap_redirect_limit_and_timeout(web, tmp_path):
    with pytest.raises(NodeError, match="more than the limit of 1,048,576 bytes"):
        run_node("import_from_web_url", _web(f"{web}/big?mb=3", max_megabytes=1.0),
                 base_dir=tmp_path)
    with pytest.raises(NodeError, match="More than 5 redirects"):
        run_node("import_from_web_url", _web(f"{web}/hops?n=7"), base_dir=tmp_path)
    with pytest.raises(NodeError, match="timed out|longer than 1 seconds"):
        run_node("import_from_web_url", _web(f"{web}/slow", timeout_seconds=1.0),
                 base_dir=tmp_path)
    with pytest.raises(NodeError, match="answered 404"):
        run_node("import_from_web_url", _web(f"{web}/nothing.csv"), base_dir=tmp_path)


def test_an_untrusted_url_is_not_fetched(web, tmp_path):
    params = checked("import_from_web_url", {"url": f"{web}/tiny.csv?untrusted"})
    with pytest.raises(NodeError, match="has not been trusted"):
        run_node("import_from_web_url", params, base_dir=tmp_path)
