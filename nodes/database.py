"""Import from Database, and the database URL parameter that never holds a password.

A URL names its password as ${ENV_VAR} or ${keyring:SERVICE/USER}; a literal password (in the
user-info part or a password=... query option) is refused, and the refusal never repeats it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .base import CATEGORIES, NodeType, Port
from .common import OPEN_TABLE, reported, uncached
from .params import Bool, ParamError, String
from .schema import PortType

__all__ = ["DatabaseUrl", "ImportFromDatabase", "NODE_TYPES", "literal_password",
           "SECRET_HINT", "sqlite_relative"]

SECRET_HINT = ("Write the password as ${ENV_VAR} (an environment variable, e.g. ${PGPASSWORD}) "
               "or ${keyring:SERVICE/USER} (the OS keyring): passwords are never stored in the "
               "pipeline or project.")
_REFERENCE = re.compile(r"^\$\{(keyring:[^}/]+/[^}]+|[A-Za-z_][A-Za-z0-9_]*)\}$")
_PASSWORD_OPTIONS = {"password", "passwd", "pwd", "pass", "secret", "token", "access_token",
                     "api_key", "apikey"}


def literal_password(url: str) -> bool:
    """Whether `url` holds a password that is not a ${...} reference."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return False
    netloc = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "@" in netloc:
        userinfo = netloc.rsplit("@", 1)[0]
        if ":" in userinfo:
            password = userinfo.split(":", 1)[1]
            if password and not _REFERENCE.match(password):
                return True
    query = rest.partition("?")[2]
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key.lower() in _PASSWORD_OPTIONS and value and not _REFERENCE.match(value):
            return True
    return False


@dataclass(frozen=True)
class DatabaseUrl(String):
    """A SQLAlchemy database URL without a literal password. Messages never echo the value."""

    allow_empty: bool = False

    def describe(self) -> str:
        return ("a database URL such as postgresql://user:${PGPASSWORD}@host/db or "
                "sqlite:///file.db, without a literal password")

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and value.strip() != "" and not literal_password(value)

    def check(self, value: Any, owner: str = "the node") -> Any:
        if value is None and self.nullable:
            return None
        if isinstance(value, str) and literal_password(value):
            raise ParamError(self.name, f"The '{self.name}' parameter of {owner} contains a "
                                        f"password. {SECRET_HINT}")
        return super().check(value, owner)

    def spec(self) -> dict:
        return {**super().spec(), "kind": "database_url"}

    def script_relative(self, value: str, base_dir: FilePath, script_dir: FilePath) -> str:
        """For the exporter: a relative SQLite path rewritten against the script's folder."""
        return sqlite_relative(value, base_dir, script_dir)


def sqlite_relative(url: str, base_dir: FilePath, script_dir: FilePath) -> str:
    if not url.startswith("sqlite:///") or url.startswith("sqlite:////"):
        return url
    path, sep, query = url[len("sqlite:///"):].partition("?")
    if not path or path == ":memory:" or FilePath(path).is_absolute():
        return url
    target = (FilePath(base_dir) / path).resolve()
    try:
        path = FilePath(os.path.relpath(target, FilePath(script_dir).resolve())).as_posix()
    except ValueError:
        path = str(target)
    return "sqlite:///" + path + sep + query


def redacted(url: str) -> str:
    """The URL for display: any password part shown as *** (references are kept)."""
    try:
        parts = urlsplit(url)
        if parts.password and not _REFERENCE.match(parts.password):
            host = parts.netloc.rsplit("@", 1)[1]
            return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()
    except ValueError:
        return "<a database URL>"
    return url


class ImportFromDatabase(NodeType):
    type_id = "import_from_database"
    title = "Import from Database"
    category = CATEGORIES[0]
    doc = ("Runs a SQL query on any database SQLAlchemy can reach (PostgreSQL, MySQL, SQL Server, "
           "SQLite, ...) and returns its rows. The URL never holds a password: write "
           "${ENV_VAR} or ${keyring:SERVICE/USER} in its place, e.g. "
           "postgresql://analyst:${PGPASSWORD}@db.example.org/sales. Relative SQLite paths "
           "start at the pipeline's folder. Runs only once its URL and query are trusted on "
           "this computer: the designer asks when you press Run, or use `mlwire trust FILE`.")
    outputs = (Port("data", PortType.TABLE, "The query's rows."),)
    params = (
        DatabaseUrl("url", doc="The SQLAlchemy database URL, the password as ${ENV_VAR} or "
                               "${keyring:SERVICE/USER}."),
        String("query", doc="The SQL query whose rows to import.", allow_empty=False,
               code="sql"),
        Bool("use_cached_results", False, "Reuse the rows of an earlier run with the same URL "
                                          "and query instead of querying again."),
    )
    trust_params = ("url", "query")

    def needs_trust(self, params, base_dir) -> bool:
        return True

    def fingerprint(self, params, ctx):
        return None if params.get("use_cached_results") else uncached()

    def infer(self, inputs, params, ctx):
        return {"data": OPEN_TABLE}

    def run(self, inputs, params, ctx):
        from designer.trust import require_trusted
        from . import ops_io
        from .values import Table
        require_trusted(self.type_id, ctx.title or self.title, params, self.trust_params,
                        "query")
        ctx.log(f"Querying {redacted(params['url'])}\n")
        with reported():
            df = ops_io.read_database(params["url"], params["query"], ctx.base_dir)
        ctx.log(f"{len(df)} row(s), {df.shape[1]} column(s)\n")
        return {"data": Table(df)}

    def emit(self, params, ctx):
        return (f"{ctx.out('data')} = read_database({params['url']!r}, {params['query']!r}, "
                "base_dir=SCRIPT_DIR)\n")

    def summary(self, params):
        return redacted(str(params.get("url", "")))


NODE_TYPES = [ImportFromDatabase]
