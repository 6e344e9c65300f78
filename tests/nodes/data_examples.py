"""Examples for the data input/output, transformation, feature and script nodes (issue 5, items
1-3), merged into node_examples.EXAMPLES. Some need files beside tiny.csv (Parquet, Excel,
SQLite) or the shared local web server; `prepare` makes them and trusts the example's guarded
nodes in the test's own trust store."""
from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tests.nodes.local_http import shared_server
from tests.nodes.node_examples import CSV, TINY_CSV, Example

__all__ = ["DATA_EXAMPLES", "prepare", "SIDE_CSV", "SCRIPT"]

SIDE_CSV = "color,warm,y\nred,True,r\nblue,False,b\n"
SIDE = ("enter_data_manually", {"data": SIDE_CSV})
SCRIPT = '''import pandas as pd


def run(data, data_b=None):
    print("rows:", len(data))
    out = data.copy()
    out["ratio"] = out["amount"] / out["x2"]
    return out
'''


def write_parquet(folder: Path) -> None:
    import pandas as pd
    pd.read_csv(folder / "tiny.csv").to_parquet(folder / "tiny.parquet", index=False)


def write_excel(folder: Path) -> None:
    import pandas as pd
    df = pd.read_csv(folder / "tiny.csv")
    with pd.ExcelWriter(folder / "tiny.xlsx", engine="openpyxl") as writer:
        pd.DataFrame({"note": ["see the next sheet"]}).to_excel(writer, sheet_name="notes",
                                                                 index=False)
        df.to_excel(writer, sheet_name="rows", index=False)


def write_sqlite(folder: Path) -> None:
    import csv
    with open(folder / "tiny.csv", newline="") as f:
        rows = list(csv.reader(f))
    with sqlite3.connect(folder / "tiny.sqlite") as db:
        db.execute("CREATE TABLE tiny (x1 REAL, x2 INTEGER, color TEXT, flag TEXT, y TEXT, "
                   "amount REAL)")
        db.executemany("INSERT INTO tiny VALUES (?, ?, ?, ?, ?, ?)",
                       [[v if v != "" else None for v in row] for row in rows[1:]])
    db.close()


def _web_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="mlwire-web-"))
    (folder / "tiny.csv").write_text(TINY_CSV, encoding="utf-8")
    return folder


@dataclass
class DataExample(Example):
    setup: Callable[[Path], None] | None = None
    build: Callable[[], dict] | None = None  # nodes made when needed (e.g. a server's URL)

    def pipeline(self):
        if self.build is not None:
            self.nodes = self.build()
        return super().pipeline()


def prepare(example: Example, pipeline, folder: Path) -> None:
    """Write the example's extra files and trust its script, database and URL nodes."""
    from designer.trust import guarded_nodes, trust
    setup = getattr(example, "setup", None)
    if setup is not None:
        setup(folder)
    for guarded in guarded_nodes(pipeline, folder):
        names = tuple(k for k in guarded.content if k != "type")
        trust(guarded.type_id, guarded.content, names=names)


def _on_source(node, *edges, **nodes):
    return Example({"src": CSV, **nodes, "n": node}, ["src.data -> n.data", *edges])


DATA_EXAMPLES: dict[str, Example] = {
    # -- data input and output -------------------------------------------------------------
    "import_parquet": DataExample({"n": ("import_parquet", {"path": "tiny.parquet"})},
                                  setup=write_parquet),
    "import_excel": DataExample({"n": ("import_excel", {"path": "tiny.xlsx", "sheet": "rows"})},
                                setup=write_excel),
    "enter_data_manually": Example({"n": ("enter_data_manually",
                                          {"data": "a,b,c\n1,x,True\n2,,False\n3.5,z,True\n"})}),
    "import_from_database": DataExample(
        {"n": ("import_from_database", {"url": "sqlite:///tiny.sqlite",
                                        "query": "SELECT x1, color, amount FROM tiny "
                                                 "WHERE amount > 10 ORDER BY amount"})},
        setup=write_sqlite),
    "import_from_web_url": DataExample(
        {}, build=lambda: {"n": ("import_from_web_url",
                                 {"url": shared_server(_web_folder) + "/tiny.csv"})}),
    "export_data": _on_source(("export_data", {"format": "parquet", "path": "out/tiny.parquet"})),
    # -- transformations -------------------------------------------------------------------
    "edit_metadata": _on_source(("edit_metadata", {"columns": ["x2", "flag", "y"],
                                                   "type": "string",
                                                   "new_names": ["x2_text", "flag_text",
                                                                 "label"],
                                                   "role": "ignore"})),
    "remove_duplicate_rows": _on_source(("remove_duplicate_rows", {"columns": ["color", "y"]})),
    "filter_rows": _on_source(("filter_rows", {"expression": "x1 > 2 and color in ['red', "
                                                             "'blue'] or x1 is None"})),
    "join_data": _on_source(("join_data", {"left_keys": ["color"], "right_keys": ["color"],
                                           "how": "left"}),
                            "side.data -> n.data_b", side=SIDE),
    "add_rows": _on_source(("add_rows", {}), "src.data -> n.data_b"),
    "add_columns": _on_source(("add_columns", {}), "src.data -> sel.data",
                              "sel.data -> n.data_b",
                              sel=("select_columns", {"columns": ["y", "amount"]})),
    "apply_math_operation": _on_source(("apply_math_operation",
                                        {"columns": ["x1", "amount"], "operation": "log",
                                         "output_mode": "append"})),
    "clip_values": _on_source(("clip_values", {"mode": "percentile", "lower": 10,
                                               "upper": 90})),
    "partition_and_sample": _on_source(("partition_and_sample",
                                        {"mode": "assign_to_folds", "folds": 4,
                                         "stratify_column": "y"})),
    "group_by_aggregate": _on_source(("group_by_aggregate",
                                      {"group_columns": ["color"],
                                       "functions": ["mean", "count", "max"]})),
    "apply_sql_transformation": _on_source(
        ("apply_sql_transformation",
         {"query": "SELECT t1.color, avg(t1.amount) AS amount, bool_or(t2.warm) AS warm "
                   "FROM t1 LEFT JOIN t2 USING (color) GROUP BY t1.color ORDER BY t1.color"}),
        "side.data -> n.data_b", side=SIDE),
    "execute_python_script": _on_source(("execute_python_script",
                                         {"code": SCRIPT, "timeout_seconds": 120})),
    # -- features --------------------------------------------------------------------------
    "group_data_into_bins": _on_source(("group_data_into_bins",
                                        {"columns": ["x1", "amount"], "bins": 3,
                                         "output_mode": "append"})),
    "feature_hashing": _on_source(("feature_hashing", {"column": "color", "n_features": 8})),
    "smote": Example({"src": ("sample_dataset", {"name": "wine"}),
                      "n": ("smote", {"label_column": "target", "k_neighbors": 3})},
                     ["src.data -> n.data"]),
    "filter_based_feature_selection": Example(
        {"src": ("sample_dataset", {"name": "wine"}),
         "n": ("filter_based_feature_selection", {"label_column": "target", "k": 4,
                                                  "method": "mutual_information"})},
        ["src.data -> n.data"]),
    "pca": _on_source(("pca", {"exclude_columns": ["flag"], "n_components": 2}),
                      "src.data -> clean.data", "clean.data -> n.data",
                      clean=("clean_missing_data", {"columns": ["x1"]})),
}
# _on_source wires src -> n; examples with a step between replace that edge.
DATA_EXAMPLES["pca"].edges.remove("src.data -> n.data")
