"""MLWire's data input and output beyond CSV: Parquet, Excel, databases, web URLs, CSV text, and
exporting tables. Shared by the nodes and, pasted verbatim, by exported scripts.

Optional libraries (pyarrow, openpyxl, SQLAlchemy, keyring, a database driver) are imported inside
the functions that need them, so a script needs them only when its pipeline uses them.

Secrets: a database URL names its password as ${ENV_VAR} or ${keyring:SERVICE/USER}; the value
is looked up only while connecting, and is scrubbed from every message this module raises.
"""
import io
import ipaddress
import os
import re
import socket
import ssl
import time
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pandas as pd

from .ops import DataError, _names

__all__ = [
    "read_parquet", "read_excel", "read_csv_text", "resolve_secrets", "redact_url",
    "read_database", "write_database", "fetch_url", "read_url", "export_data",
    "URL_SCHEMES", "MAX_REDIRECTS",
]

URL_SCHEMES = ("http", "https")
MAX_REDIRECTS = 5
_SECRET_REF = re.compile(r"\$\{(keyring:[^}/]+/[^}]+|[A-Za-z_][A-Za-z0-9_]*)\}")


def _text_columns(df):
    df.columns = [str(c) for c in df.columns]
    return df


def _existing_file(path, param="path"):
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise DataError(f"The file {str(path)!r} {what}.",
                        f"Check the '{param}' parameter; relative paths start at the pipeline's "
                        "folder.", param=param)
    return path


def _missing_library(package, what):
    return DataError(f"{what} needs the Python package {package!r}, which is not installed.",
                     f"Install it with: pip install {package}")


# -- files -----------------------------------------------------------------------------------

def read_parquet(path):
    """A Parquet file as a table (pandas.read_parquet with pyarrow)."""
    path = _existing_file(path)
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise _missing_library("pyarrow", "Reading Parquet") from None
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow's ArrowInvalid and friends
        raise DataError(f"The file {str(path)!r} could not be read as Parquet: {exc}",
                        "Check that it is a Parquet file.", param="path") from exc
    return _text_columns(df.reset_index(drop=True))


def excel_sheets(path):
    """The sheet names of an .xlsx file."""
    try:
        import openpyxl
    except ImportError:
        raise _missing_library("openpyxl", "Reading Excel files") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:
        raise DataError(f"The file {str(path)!r} could not be read as an Excel (.xlsx) "
                        f"workbook: {exc}", "Save it as .xlsx.", param="path") from exc
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def read_excel(path, sheet="", header=True):
    """One sheet of an Excel workbook (`sheet` empty: the first). Without a header row the
    columns are named Col1, Col2, ..."""
    path = _existing_file(path)
    sheets = excel_sheets(path)
    if sheet and sheet not in sheets:
        raise DataError(f"The workbook {str(path)!r} has no sheet {sheet!r}.",
                        f"Its sheets: {_names(sheets)}.", param="sheet")
    if not sheets:
        raise DataError(f"The workbook {str(path)!r} has no sheets.", param="path")
    try:
        df = pd.read_excel(path, sheet_name=sheet or sheets[0], header=0 if header else None,
                           engine="openpyxl")
    except Exception as exc:
        raise DataError(f"The sheet {sheet or sheets[0]!r} of {str(path)!r} could not be read: "
                        f"{exc}", param="sheet") from exc
    if not header:
        df.columns = [f"Col{i + 1}" for i in range(df.shape[1])]
    return _text_columns(df)


def read_csv_text(text, separator=",", header=True):
    """CSV typed in by hand, read exactly like a CSV file."""
    if not text.strip():
        raise DataError("There is no data: the text is empty.",
                        "Type or paste CSV rows, the column names first.", param="data")
    try:
        df = pd.read_csv(io.StringIO(text), sep=separator, header=0 if header else None,
                         index_col=False)
    except pd.errors.ParserError as exc:
        detail = str(exc).split("error: ")[-1].strip().rstrip(".")
        raise DataError(f"The text could not be read as CSV: {detail}.",
                        "Fix that row, or check the 'separator' parameter.", param="data") from exc
    if not header:
        df.columns = [f"Col{i + 1}" for i in range(df.shape[1])]
    return df


# -- databases -------------------------------------------------------------------------------

def redact_url(url):
    """`url` with any password part shown as ***, safe to print."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<a database URL that cannot be parsed>"
    if parts.password is None or _SECRET_REF.fullmatch(parts.password):
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()


def resolve_secrets(url):
    """(url with ${ENV_VAR} and ${keyring:SERVICE/USER} replaced by their URL-encoded values,
    the secret values, for scrubbing). A reference that has no value is an error naming it."""
    secrets = []

    def value_of(match):
        ref = match.group(1)
        if ref.startswith("keyring:"):
            service, _, user = ref[len("keyring:"):].partition("/")
            try:
                import keyring
            except ImportError:
                raise _missing_library("keyring", "A ${keyring:...} password") from None
            try:
                value = keyring.get_password(service, user)
            except Exception as exc:  # no keyring backend on this machine, locked, ...
                raise DataError(f"The OS keyring could not be read for service {service!r}, "
                                f"user {user!r}: {type(exc).__name__}.",
                                "Use an environment variable, ${NAME}, instead.",
                                param="url") from None
            if value is None:
                raise DataError(f"The OS keyring has no password for service {service!r}, user "
                                f"{user!r}.", f"Store it with: keyring set {service} {user}",
                                param="url")
        else:
            value = os.environ.get(ref)
            if value is None:
                raise DataError(f"The environment variable {ref} that the URL refers to is not "
                                "set.", f"Set {ref} to the password before running.",
                                param="url")
        secrets.append(value)
        return quote(value, safe="")
    resolved = _SECRET_REF.sub(value_of, url)
    secrets += [quote(s, safe="") for s in secrets]
    return resolved, [s for s in secrets if s]


def _scrub(text, secrets):
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _short(exc, secrets):
    """The driver's own message as a sentence, without SQLAlchemy's SQL echo and links, secrets
    scrubbed."""
    text = str(getattr(exc, "orig", None) or exc)
    text = text.split("\n[SQL:")[0].split("(Background on this error")[0]
    text = _scrub(" ".join(text.split()), secrets)
    return text if text.endswith((".", "?", "!")) else text + "."


def _engine_url(resolved, base_dir):
    """Relative SQLite paths start at `base_dir`; plain postgresql:// uses psycopg 3 when
    psycopg2 is not installed."""
    if resolved.startswith("sqlite:///") and not resolved.startswith("sqlite:////"):
        rest = resolved[len("sqlite:///"):]
        path, _, query = rest.partition("?")
        if path and path != ":memory:" and base_dir is not None:
            path = str(Path(base_dir) / path)
        resolved = "sqlite:///" + path + (f"?{query}" if query else "")
    if re.match(r"postgres(ql)?://", resolved):
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            resolved = "postgresql+psycopg://" + resolved.split("://", 1)[1]
    return resolved


def _connect(url, base_dir, what):
    """(engine, secrets) for a database URL, with clear, secret-free errors."""
    try:
        from sqlalchemy import create_engine
    except ImportError:
        raise _missing_library("sqlalchemy", what) from None
    resolved, secrets = resolve_secrets(url)
    resolved = _engine_url(resolved, base_dir)
    shown = redact_url(url)
    if resolved.startswith("sqlite:///"):
        path = resolved[len("sqlite:///"):].partition("?")[0]
        if what == "Import from Database" and path and path != ":memory:" \
                and not Path(path).is_file():
            raise DataError(f"The SQLite database file {path!r} does not exist.",
                            "Check the path in the 'url' parameter; relative paths start at "
                            "the pipeline's folder.", param="url")
    try:
        engine = create_engine(resolved)
    except ImportError as exc:
        raise DataError(f"The database driver for {shown.split(':', 1)[0]!r} is not installed "
                        f"({exc.name or 'a module'} is missing).",
                        "Install the driver package, e.g. psycopg[binary] for PostgreSQL.",
                        param="url") from None
    except Exception as exc:
        raise DataError(f"{shown!r} is not a database URL SQLAlchemy understands: "
                        f"{_short(exc, secrets)}", "Write it as "
                        "dialect+driver://user:${PASSWORD_VARIABLE}@host:port/database.",
                        param="url") from None
    try:
        connection = engine.connect()
    except Exception as exc:
        engine.dispose()
        raise DataError(f"Could not connect to the database {shown}: {_short(exc, secrets)}",
                        "Check that the server is running and accepts connections, and the "
                        "URL's host, port, user and password variable.", param="url") from None
    return engine, connection, secrets


def read_database(url, query, base_dir=None):
    """The rows a SQL query returns, from any database SQLAlchemy can reach."""
    engine, connection, secrets = _connect(url, base_dir, "Import from Database")
    from sqlalchemy import text
    try:
        with connection:
            return _text_columns(pd.read_sql_query(text(query), connection))
    except Exception as exc:
        raise DataError(f"The query failed: {_short(exc, secrets)}",
                        "Check the SQL in the 'query' parameter against the database's tables "
                        "and columns.", param="query") from None
    finally:
        engine.dispose()


def write_database(df, url, table, if_exists="fail", base_dir=None):
    """Write a table into a database table (DataFrame.to_sql, without the index)."""
    engine, connection, secrets = _connect(url, base_dir, "Export Data")
    try:
        with connection:
            df.to_sql(table, connection, if_exists=if_exists, index=False)
            connection.commit()
    except ValueError as exc:  # pandas: table exists and if_exists='fail'
        raise DataError(f"Could not write table {table!r}: {_scrub(str(exc), secrets)}",
                        "Set 'if_exists' to 'replace' or 'append'.", param="if_exists") from None
    except Exception as exc:
        raise DataError(f"Could not write table {table!r}: {_short(exc, secrets)}",
                        param="table") from None
    finally:
        engine.dispose()


# -- web -------------------------------------------------------------------------------------

_METADATA_IPS = {ipaddress.ip_address("100.100.100.200"), ipaddress.ip_address("fd00:ec2::254")}


def check_address(ip_text, host):
    """Refuse addresses a web import must never reach: link-local (cloud metadata services such
    as 169.254.169.254), unspecified, multicast and reserved ones."""
    ip = ipaddress.ip_address(ip_text.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return
    if ip.is_link_local or ip.is_unspecified or ip.is_multicast or ip.is_reserved \
            or ip in _METADATA_IPS:
        raise DataError(f"Refusing to fetch from {host!r} ({ip}): link-local, metadata and "
                        "reserved addresses are never fetched.",
                        "Use a URL of a public or local web server.", param="url")


def check_url(url):
    """(scheme, host, port, path) of an http(s) URL, or DataError saying what is not allowed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise DataError(f"{url!r} is not a valid URL: {exc}.", param="url") from None
    scheme = parts.scheme.lower()
    if scheme not in URL_SCHEMES:
        raise DataError(f"Only http and https URLs can be imported, not {scheme or 'a URL '}"
                        f"{'://' if scheme else 'without a scheme'} ({url!r}).",
                        "Use an http:// or https:// address; for local files use Import CSV, "
                        "Import Parquet or Import Excel.", param="url")
    if not parts.hostname:
        raise DataError(f"The URL {url!r} has no host.", param="url")
    if parts.username or parts.password:
        raise DataError("The URL contains a user name or password.",
                        "Web imports take public URLs only; remove the credentials.",
                        param="url")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


class _PinnedHTTP:
    """http.client connections that connect to an address already checked, not a new lookup."""

    @staticmethod
    def open(scheme, host, port, ip, timeout):
        import http.client

        class Http(http.client.HTTPConnection):
            def connect(self):
                self.sock = socket.create_connection((ip, port), self.timeout)

        class Https(http.client.HTTPSConnection):
            def connect(self):
                sock = socket.create_connection((ip, port), self.timeout)
                self.sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)

        cls = Https if scheme == "https" else Http
        return cls(host, port, timeout=timeout)


def fetch_url(url, max_bytes, timeout):
    """(body bytes, final URL): GET over http(s), following at most MAX_REDIRECTS redirects, each
    checked again; refused past `max_bytes` or `timeout` seconds in all."""
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, path = check_url(url)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise DataError(f"The host {host!r} could not be found ({exc.strerror or exc}).",
                            "Check the URL.", param="url") from None
        for info in infos:
            check_address(info[4][0], host)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DataError(f"Fetching {url!r} took longer than {timeout:g} seconds.",
                            "Raise 'timeout_seconds' or use a faster source.", param="url")
        conn = _PinnedHTTP.open(scheme, host, port, infos[0][4][0], remaining)
        try:
            conn.request("GET", path, headers={"User-Agent": "MLWire", "Accept": "*/*",
                                               "Accept-Encoding": "identity"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise DataError(f"{url!r} redirects without saying where to.", param="url")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise DataError(f"The server answered {response.status} {response.reason} for "
                                f"{url!r}.", "Check the URL.", param="url")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise DataError(f"{url!r} is {int(length):,} bytes, more than the limit of "
                                f"{max_bytes:,}.", "Raise 'max_megabytes' if you mean it.",
                                param="max_megabytes")
            chunks, size = [], 0
            while chunk := response.read(1 << 16):
                size += len(chunk)
                if size > max_bytes:
                    raise DataError(f"{url!r} sent more than the limit of {max_bytes:,} bytes.",
                                    "Raise 'max_megabytes' if you mean it.",
                                    param="max_megabytes")
                if time.monotonic() > deadline:
                    raise DataError(f"Fetching {url!r} took longer than {timeout:g} seconds.",
                                    "Raise 'timeout_seconds'.", param="timeout_seconds")
                chunks.append(chunk)
            return b"".join(chunks), url
        except (OSError, ssl.SSLError) as exc:
            reason = "timed out" if isinstance(exc, (socket.timeout, TimeoutError)) \
                else (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)
            raise DataError(f"Could not fetch {url!r}: {reason}.",
                            "Check the URL and that the server is reachable.",
                            param="url") from None
        finally:
            conn.close()
    raise DataError(f"More than {MAX_REDIRECTS} redirects, the last to {url!r}.",
                    "Use the final address directly.", param="url")


def read_url(url, format="csv", separator=",", max_megabytes=100.0, timeout_seconds=60.0):
    """(table, final URL) from a CSV, Parquet or JSON (records) file on the web."""
    body, final_url = fetch_url(url, int(max_megabytes * 1024 * 1024), timeout_seconds)
    try:
        if format == "parquet":
            df = pd.read_parquet(io.BytesIO(body))
        elif format == "json":
            df = pd.read_json(io.BytesIO(body), orient="records")
        else:
            df = pd.read_csv(io.BytesIO(body), sep=separator, index_col=False)
    except Exception as exc:
        raise DataError(f"The file at {final_url!r} could not be read as {format}: "
                        f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                        "Check the 'format' (and 'separator') parameter.",
                        param="format") from None
    return _text_columns(df), final_url


# -- output ----------------------------------------------------------------------------------

def export_data(df, format="csv", path=None, url=None, table=None, if_exists="fail",
                base_dir=None):
    """Write a table to a CSV or Parquet file (folders created as needed) or a database table."""
    if format == "database":
        write_database(df, url, table, if_exists, base_dir)
        return
    target = Path(path)
    if target.exists() and if_exists == "fail":
        raise DataError(f"The file {str(target)!r} already exists.",
                        "Set 'if_exists' to 'replace', or choose another path.",
                        param="if_exists")
    if target.is_dir():
        raise DataError(f"{str(target)!r} is a folder.", "Give a file name.", param="path")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if format == "parquet":
            df.to_parquet(target, index=False)
        elif if_exists == "append" and target.exists():
            df.to_csv(target, index=False, header=False, mode="a")
        else:
            df.to_csv(target, index=False)
    except OSError as exc:
        raise DataError(f"Could not write {str(target)!r}: {exc.strerror or exc}.",
                        param="path") from exc
