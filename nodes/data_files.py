"""Input nodes for files and typed-in text: Import Parquet, Import Excel, Enter Data Manually."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path as FilePath
from xml.etree import ElementTree

from .base import CATEGORIES, NodeError, NodeType, Port
from .common import OPEN_TABLE, file_digest, reported, require_file
from .data_input import sniff_lines
from .params import Bool, Path, String
from .schema import PortType

__all__ = ["ImportParquet", "ImportExcel", "EnterDataManually", "NODE_TYPES", "xlsx_sheets"]

DATA_INPUT = CATEGORIES[0]
TABLE_OUT = (Port("data", PortType.TABLE, "The rows read."),)


def xlsx_sheets(path: FilePath) -> list[str] | None:
    """The sheet names of an .xlsx workbook, read with the standard library; None when the file
    is not a workbook this can read (run() then reports it)."""
    try:
        with zipfile.ZipFile(path) as book:
            root = ElementTree.fromstring(book.read("xl/workbook.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return None
    return [el.get("name", "") for el in root.iter() if re.sub(r"\{.*\}", "", el.tag) == "sheet"]


class _FileImport(NodeType):
    category = DATA_INPUT
    outputs = TABLE_OUT
    function = ""

    def fingerprint(self, params, ctx):
        return file_digest(ctx.resolve(params["path"]))

    def infer(self, inputs, params, ctx):
        require_file(ctx.resolve(params["path"]))
        return {"data": OPEN_TABLE}


class ImportParquet(_FileImport):
    type_id = "import_parquet"
    title = "Import Parquet"
    doc = ("Reads a Parquet file with pandas.read_parquet (pyarrow). Relative paths start at the "
           "pipeline file's (or project file's) folder. Column names become texts.")
    params = (Path("path", doc="The Parquet file to read.",
                   file_filter="Parquet files (*.parquet *.pq)"),)

    def run(self, inputs, params, ctx):
        from . import ops_io
        from .values import Table
        with reported():
            return {"data": Table(ops_io.read_parquet(ctx.resolve(params["path"])))}

    def emit(self, params, ctx):
        return f"{ctx.out('data')} = read_parquet(SCRIPT_DIR / {params['path']!r})\n"


class ImportExcel(_FileImport):
    type_id = "import_excel"
    title = "Import Excel"
    doc = ("Reads one sheet of an Excel workbook (.xlsx) with pandas.read_excel (openpyxl). "
           "An empty 'sheet' reads the first sheet. Without a header row, columns are named "
           "Col1, Col2, ...")
    params = (
        Path("path", doc="The .xlsx workbook to read.", file_filter="Excel workbooks (*.xlsx)"),
        String("sheet", "", "The sheet's name; empty: the first sheet."),
        Bool("header", True, "Whether the first row holds the column names."),
    )

    def infer(self, inputs, params, ctx):
        path = ctx.resolve(params["path"])
        require_file(path)
        sheets = xlsx_sheets(path)
        if sheets is not None and params["sheet"] and params["sheet"] not in sheets:
            raise NodeError(f"The workbook {str(path)!r} has no sheet {params['sheet']!r}.",
                            "Its sheets: " + (", ".join(repr(s) for s in sheets) or "none") + ".",
                            param="sheet")
        return {"data": OPEN_TABLE}

    def run(self, inputs, params, ctx):
        from . import ops_io
        from .values import Table
        with reported():
            df = ops_io.read_excel(ctx.resolve(params["path"]), params["sheet"], params["header"])
        return {"data": Table(df)}

    def emit(self, params, ctx):
        return (f"{ctx.out('data')} = read_excel(SCRIPT_DIR / {params['path']!r}, "
                f"sheet={params['sheet']!r}, header={params['header']!r})\n")

    def summary(self, params):
        return f"{FilePath(str(params.get('path', ''))).name} [{params.get('sheet') or 'first'}]"


class EnterDataManually(NodeType):
    type_id = "enter_data_manually"
    title = "Enter Data Manually"
    category = DATA_INPUT
    doc = ("A small table typed or pasted as CSV text, read exactly as Import CSV reads a file: "
           "the column names on the first line (unless 'header' is off), then one row per line.")
    outputs = (Port("data", PortType.TABLE, "The rows typed in."),)
    params = (
        String("data", doc="CSV text: column names, then rows.", allow_empty=False),
        String("separator", ",", "The field separator, e.g. ',', ';' or '\\t'.", allow_empty=False),
        Bool("header", True, "Whether the first line holds the column names."),
    )

    def infer(self, inputs, params, ctx):
        if len(params["separator"]) != 1:
            return {"data": OPEN_TABLE}
        return {"data": sniff_lines(io.StringIO(params["data"], newline=""),
                                    params["separator"], params["header"])}

    def run(self, inputs, params, ctx):
        from . import ops_io
        from .values import Table
        with reported():
            return {"data": Table(ops_io.read_csv_text(params["data"], params["separator"],
                                                       params["header"]))}

    def emit(self, params, ctx):
        return (f"{ctx.out('data')} = read_csv_text({params['data']!r}, "
                f"separator={params['separator']!r}, header={params['header']!r})\n")

    def summary(self, params):
        lines = str(params.get("data", "")).strip().splitlines()
        return f"{max(0, len(lines) - 1)} row(s)"


NODE_TYPES = [ImportParquet, ImportExcel, EnterDataManually]
