"""Export Data: write a table to a CSV or Parquet file, or into a database table."""
from __future__ import annotations

import os
from pathlib import Path as FilePath

from .base import CATEGORIES, NodeType, Port
from .common import reported, uncached
from .database import DatabaseUrl, redacted
from .params import Choice, ParamError, Path, String
from .schema import PortType

__all__ = ["ExportData", "NODE_TYPES"]


def _inside(path: FilePath, folder: FilePath) -> bool:
    try:
        FilePath(os.path.realpath(path)).relative_to(os.path.realpath(folder))
    except ValueError:
        return False
    return True


class ExportData(NodeType):
    type_id = "export_data"
    title = "Export Data"
    category = CATEGORIES[0]
    doc = ("Writes its input table to a CSV or Parquet file (folders are created as needed; "
           "relative paths start at the pipeline's folder) or into a database table (any "
           "SQLAlchemy URL, the password as ${ENV_VAR} or ${keyring:SERVICE/USER}). It runs on "
           "every run. Writing to a database, or to a file outside the pipeline's folder, needs "
           "this computer's trust: the designer asks when you press Run, or use `mlwire trust "
           "FILE`.")
    inputs = (Port("data", PortType.TABLE, "The table to write."),)
    params = (
        Choice("format", "csv", "Where to write: a CSV file, a Parquet file or a database table.",
               options=("csv", "parquet", "database")),
        Path("path", None, "The file to write (csv and parquet).", nullable=True,
             file_filter="CSV or Parquet files (*.csv *.parquet)"),
        DatabaseUrl("url", None, "The database URL (database).", nullable=True),
        String("table", None, "The database table to write (database).", nullable=True,
               allow_empty=False),
        Choice("if_exists", "replace", "What to do when the file or table exists: fail, replace "
                                       "it, or append the rows.",
               options=("fail", "replace", "append")),
    )
    trust_params = ("format", "path", "url", "table")

    def check_more(self, params):
        fmt = params["format"]
        if fmt == "database":
            return [ParamError(name, f"The '{name}' parameter of {self.title} is needed to write "
                                     "to a database.")
                    for name in ("url", "table") if not params[name]]
        errors = []
        if not params["path"]:
            errors.append(ParamError("path", f"The 'path' parameter of {self.title} is needed "
                                             f"to write a {fmt} file."))
        if fmt == "parquet" and params["if_exists"] == "append":
            errors.append(ParamError("if_exists", f"The 'if_exists' parameter of {self.title} "
                                                  "cannot be 'append' for Parquet files."))
        return errors

    def needs_trust(self, params, base_dir) -> bool:
        if params.get("format") == "database":
            return True
        path = FilePath(str(params.get("path") or "")).expanduser()
        return not _inside(path if path.is_absolute() else FilePath(base_dir) / path, base_dir)

    def fingerprint(self, params, ctx):
        return uncached()

    def infer(self, inputs, params, ctx):
        return {}

    def run(self, inputs, params, ctx):
        from . import ops_io
        if self.needs_trust(params, ctx.base_dir):
            from designer.trust import require_trusted
            require_trusted(self.type_id, ctx.title or self.title, params, self.trust_params,
                            "export")
        df = inputs["data"].df
        path = ctx.resolve(params["path"]) if params["path"] else None
        with reported():
            ops_io.export_data(df, params["format"], path, params["url"], params["table"],
                               params["if_exists"], ctx.base_dir)
        where = redacted(params["url"]) + f" table {params['table']}" \
            if params["format"] == "database" else str(path)
        ctx.log(f"Wrote {len(df)} row(s) to {where}\n")
        return {}

    def emit(self, params, ctx):
        path = f"SCRIPT_DIR / {params['path']!r}" if params["path"] else "None"
        return (f"export_data({ctx.inp('data')}, format={params['format']!r}, path={path}, "
                f"url={params['url']!r}, table={params['table']!r}, "
                f"if_exists={params['if_exists']!r}, base_dir=SCRIPT_DIR)\n")

    def summary(self, params):
        if params.get("format") == "database":
            return f"{params.get('table')} @ {redacted(str(params.get('url') or ''))}"
        return str(params.get("path") or "")


NODE_TYPES = [ExportData]
