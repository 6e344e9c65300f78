"""Data input nodes: Import CSV and the bundled sample data sets."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path as FilePath

from .base import CATEGORIES, InferContext, NodeError, NodeType, Port
from .common import call, reported
from .params import Bool, Choice, Path, String
from .schema import BOOL, NUMBER, STRING, ColumnInfo, PortType, TableSchema

__all__ = ["ImportCsv", "SampleDataset", "NODE_TYPES", "sniff_csv"]

DATA_INPUT = CATEGORIES[0]
SNIFF_ROWS = 200  # rows read to guess each column's kind before running

# What pandas.read_csv reads as missing and as booleans by default.
_NA = {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
       "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}
_BOOLS = {"True", "False", "TRUE", "FALSE", "true", "false"}


def _is_number(text: str) -> bool:
    if "_" in text:  # Python's float() accepts 1_000; pandas does not
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def _dedup(names: list[str]) -> list[str]:
    """Column names as pandas makes them: 'Unnamed: i' for blanks, 'a.1' for a repeated 'a'."""
    names = [name if name != "" else f"Unnamed: {i}" for i, name in enumerate(names)]
    counts: dict[str, int] = {}
    for i, name in enumerate(names):
        count = counts.get(name, 0)
        while count > 0:
            counts[name] = count + 1
            name = f"{name}.{count}"
            count = counts.get(name, 0)
        names[i] = name
        counts[name] = counts.get(name, 0) + 1
    return names


def _kind(values: list[str], any_rows: bool) -> tuple[str, bool]:
    present = [v for v in values if v not in _NA]
    missing = len(present) < len(values)
    if not any_rows:
        return STRING, False  # a header-only file: pandas gives object columns
    if all(v in _BOOLS for v in present) and present and not missing:
        return BOOL, missing
    if all(_is_number(v.strip()) for v in present):
        return NUMBER, missing  # also a column that is entirely missing (float NaN in pandas)
    return STRING, missing


def sniff_csv(path: FilePath, separator: str, encoding: str, header: bool,
              rows: int = SNIFF_ROWS) -> TableSchema | None:
    """The columns pandas.read_csv would give, guessed from the header and the first rows, with
    the standard library only. None when the separator is beyond the csv module (regex)."""
    if len(separator) != 1:
        return None
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # pandas drops a byte-order mark too
    with open(path, encoding=encoding, newline="") as f:
        return sniff_lines(f, separator, header, rows)


def sniff_lines(lines, separator: str, header: bool, rows: int = SNIFF_ROWS) -> TableSchema:
    """sniff_csv over an iterable of CSV text lines (e.g. an open file or text.splitlines())."""
    reader = (row for row in csv.reader(lines, delimiter=separator) if row)
    first = next(reader, None)
    if first is None:
        return TableSchema()
    sample, complete = ([] if header else [first]), True
    for row in reader:
        if len(sample) >= rows:
            complete = False
            break
        sample.append(row)
    names = _dedup(first) if header else [f"Col{i + 1}" for i in range(len(first))]
    columns = []
    for i, name in enumerate(names):
        values = [row[i] if i < len(row) else "" for row in sample]
        kind, missing = _kind(values, bool(sample))
        columns.append(ColumnInfo(name, kind, True if missing else (False if complete else None)))
    return TableSchema(tuple(columns))


class ImportCsv(NodeType):
    type_id = "import_csv"
    title = "Import CSV"
    category = DATA_INPUT
    doc = ("Reads a CSV file with pandas.read_csv. Relative paths start at the pipeline file's "
           "(or project file's) folder. Without a header row, columns are named Col1, Col2, ...")
    outputs = (Port("data", PortType.TABLE, "The file's rows."),)
    params = (
        Path("path", doc="The CSV file to read.", file_filter="CSV files (*.csv *.tsv *.txt)"),
        String("separator", ",", "The field separator, e.g. ',', ';' or '\\t'.", allow_empty=False),
        String("encoding", "utf-8", "The file's text encoding, e.g. 'utf-8' or 'latin-1'.",
               allow_empty=False),
        Bool("header", True, "Whether the first row holds the column names."),
    )

    def infer(self, inputs, params, ctx: InferContext):
        path = ctx.resolve(params["path"])
        if not path.is_file():
            raise NodeError(f"The file {str(path)!r} does not exist.",
                            "Check the 'path' parameter; relative paths start at the pipeline's "
                            "folder.", param="path")
        try:
            schema = sniff_csv(path, params["separator"], params["encoding"], params["header"])
        except LookupError:
            raise NodeError(f"{params['encoding']!r} is not a text encoding Python knows.",
                            "Use e.g. 'utf-8', 'latin-1' or 'cp1252'.", param="encoding") from None
        except UnicodeDecodeError as exc:
            raise NodeError(f"The file {str(path)!r} is not valid {params['encoding']} text "
                            f"near its start ({exc.reason}).",
                            "Set the 'encoding' parameter to the file's encoding, e.g. "
                            "'latin-1'.", param="encoding") from exc
        except (OSError, csv.Error):
            return {"data": None}  # run() reports it with the line or byte
        if schema is not None and not schema.columns:
            raise NodeError(f"The file {str(path)!r} is empty: it has no header and no rows.",
                            "Choose a CSV file with a header row.", param="path")
        return {"data": schema}

    def fingerprint(self, params, ctx):
        digest = hashlib.sha256()
        try:
            with open(ctx.resolve(params["path"]), "rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
        except OSError:
            return None
        return digest.hexdigest()

    def run(self, inputs, params, ctx):
        from . import ops
        from .values import Table
        with reported():
            df = ops.read_csv(ctx.resolve(params["path"]), params["separator"],
                              params["encoding"], params["header"])
        return {"data": Table(df)}

    def emit(self, params, ctx):
        # The exporter rewrites 'path' relative to the script's folder, SCRIPT_DIR.
        return (f"{ctx.out('data')} = read_csv(SCRIPT_DIR / {params['path']!r}, "
                f"separator={params['separator']!r}, encoding={params['encoding']!r}, "
                f"header={params['header']!r})\n")


# Column names of the bundled data sets, so that checking a pipeline never loads scikit-learn.
_IRIS = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")
_WINE = ("alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
         "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
         "od280/od315_of_diluted_wines", "proline")
_CANCER_PARTS = ("radius", "texture", "perimeter", "area", "smoothness", "compactness",
                 "concavity", "concave points", "symmetry", "fractal dimension")
_CANCER = tuple(f"mean {p}" for p in _CANCER_PARTS) + tuple(f"{p} error" for p in _CANCER_PARTS) \
    + tuple(f"worst {p}" for p in _CANCER_PARTS)
_DIABETES = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")
_DIGITS = tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8))
SAMPLE_COLUMNS = {"iris": _IRIS, "wine": _WINE, "breast_cancer": _CANCER,
                  "diabetes": _DIABETES, "digits": _DIGITS}
CLASSIFICATION_SETS = ("iris", "wine", "breast_cancer", "digits")


class SampleDataset(NodeType):
    type_id = "sample_dataset"
    title = "Sample Dataset"
    category = DATA_INPUT
    doc = ("One of scikit-learn's bundled data sets as a table; the label column is 'target' "
           "(class names as text for the classification sets; diabetes is a regression set).")
    outputs = (Port("data", PortType.TABLE, "The data set, features then 'target'."),)
    params = (Choice("name", "iris", "Which data set.", options=tuple(SAMPLE_COLUMNS)),)

    def infer(self, inputs, params, ctx):
        name = params["name"]
        target_kind = STRING if name in CLASSIFICATION_SETS else NUMBER
        columns = [ColumnInfo(c, NUMBER, False) for c in SAMPLE_COLUMNS[name]]
        return {"data": TableSchema(tuple(columns) + (ColumnInfo("target", target_kind, False),))}

    def run(self, inputs, params, ctx):
        from . import ops
        from .values import Table
        with reported():
            return {"data": Table(ops.load_sample_dataset(params["name"]))}

    def emit(self, params, ctx):
        return call(ctx.out("data"), "load_sample_dataset", name=params["name"])


NODE_TYPES = [ImportCsv, SampleDataset]
