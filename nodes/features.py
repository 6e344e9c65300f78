"""Feature nodes: Group Data into Bins, Feature Hashing, SMOTE, Filter Based Feature Selection and
PCA. All but SMOTE join the table's lineage, so a model trained downstream applies them to raw
rows."""
from __future__ import annotations

from dataclasses import replace

from .base import CATEGORIES, NodeError, NodeType, Port
from .common import call, check_columns, pick_columns, reported
from .label import label_of_schema, label_of_table, label_param
from .lineage import TABLE_IN, LineageTransform, any_list
from .manipulation import _require_numeric
from .params import AnyJson, Bool, Choice, Column, Columns, Int, ParamError
from .schema import BOOL, NUMBER, STRING, ColumnInfo, PortType, TableSchema

__all__ = ["GroupDataIntoBins", "FeatureHashing", "Smote", "FilterBasedFeatureSelection",
           "Pca", "NODE_TYPES"]

FEATURE_SELECTION = CATEGORIES[2]
SEED = Int("seed", 0, "The random seed.", low=0, high=2**32 - 1)


class GroupDataIntoBins(LineageTransform):
    type_id = "group_data_into_bins"
    title = "Group Data into Bins"
    doc = ("Replaces numeric columns (empty: all numeric) by their bin number 0, 1, ... (or "
           "appends '<column>_bin'). Bin edges: quantiles or equal widths of the input rows, "
           "learned when fitted and reused on other rows, or custom edges. Values beyond the "
           "outer edges go to the first or last bin; missing values stay missing.")
    kernel, function = "ops_columns", "group_data_into_bins"
    fits_transform = True
    params = (
        Columns("columns", [], "The numeric columns to bin; empty: all numeric columns."),
        Choice("method", "quantile", "How the edges are chosen.",
               options=("quantile", "equal_width", "custom")),
        Int("bins", 4, "The number of bins (quantile and equal_width).", low=2, high=1000),
        AnyJson("edges", [], "The bin edges for method 'custom', e.g. [0, 18, 65, 120].",
                what="a list of numbers", predicate=any_list((int, float))),
        Choice("output_mode", "inplace", "Replace the columns, or append '<column>_bin'.",
               options=("inplace", "append")),
    )

    def check_more(self, params):
        if params["method"] == "custom" and len(set(params["edges"])) < 2:
            return [ParamError("edges", f"The 'edges' parameter of {self.title} must list at "
                                        "least two different numbers for method 'custom'.")]
        return []

    def input_columns(self, table, params):
        return tuple(pick_columns(table, params["columns"], [], numeric=True))

    def out_schema(self, table, params):
        check_columns(table, params["columns"], "columns", self.title)
        chosen = self.input_columns(table, params)
        _require_numeric(table, chosen, self.title)
        if params["output_mode"] == "append":
            added = [ColumnInfo(f"{c}_bin", NUMBER, table.column(c).has_missing
                                if table.has(c) else None) for c in chosen]
            return table.with_columns(list(table.columns) + added)
        return table.with_columns([ColumnInfo(c.name, NUMBER, c.has_missing)
                                   if c.name in chosen else c for c in table.columns])


class FeatureHashing(LineageTransform):
    type_id = "feature_hashing"
    title = "Feature Hashing"
    doc = ("Turns a text column into n_features numeric columns '<column>_hash_<i>' at its "
           "place: counts of its words (and word n-grams up to 'ngrams') hashed with "
           "scikit-learn's HashingVectorizer (no fitting, so new words need no retraining). "
           "Joins the table's lineage.")
    kernel, function = "ops_columns", "feature_hashing"
    params = (
        Column("column", doc="The text column to hash."),
        Int("n_features", 64, "The number of hash columns.", low=1, high=2**20),
        Int("ngrams", 1, "Hash word sequences up to this length.", low=1, high=5),
        Bool("keep_original", False, "Keep the text column before its hash columns."),
    )

    def input_columns(self, table, params):
        return (params["column"],)

    def out_schema(self, table, params):
        check_columns(table, [params["column"]], "column", self.title)
        hashed = [ColumnInfo(f"{params['column']}_hash_{i}", NUMBER, False)
                  for i in range(params["n_features"])]
        out = []
        for c in table.columns:
            if c.name == params["column"]:
                out += ([c] if params["keep_original"] else []) + hashed
            else:
                out.append(c)
        if not table.has(params["column"]):  # an open table: the column appears at run time
            return table.with_columns(table.columns, open=True)
        return table.with_columns(out)


class Smote(NodeType):
    type_id = "smote"
    title = "SMOTE"
    category = CATEGORIES[1]
    doc = ("Rebalances classes for training: adds synthetic rows of the minority classes "
           "(imbalanced-learn's SMOTE, k_neighbors) until every class has as many rows as the "
           "largest. Use it on training rows only (after Split Data). Features must be numeric "
           "and complete; boolean features become 0/1 numbers. Columns whose role is 'ignore' "
           "are not features; the synthetic rows leave them empty.")
    inputs = TABLE_IN
    outputs = (Port("data", PortType.TABLE, "The original rows, then the synthetic ones."),)
    example_params = {"label_column": "label"}
    params = (
        label_param("The class column to rebalance."),
        Int("k_neighbors", 5, "Neighbours used to make each synthetic row.", low=1, high=100),
        SEED,
    )
    fits_transform = True  # synthetic rows learned from all rows leak if a split follows

    def infer(self, inputs, params, ctx):
        table = inputs.get("data")
        if table is None:
            return {"data": None}
        label, ignored = label_of_schema(params, table, self.title)
        check_columns(table, [label], "label_column", self.title)
        for c in table.columns:
            if c.name != label and c.name not in ignored and not c.is_numeric:
                raise NodeError(f"SMOTE needs numeric features, but column {c.name!r} holds "
                                "text.", "Encode it first (Encode Categorical), drop it, or "
                                "give it the role 'ignore' (Edit Metadata).", column=c.name)
        # Synthetic rows have no value in an ignored column; whether any are made depends on
        # the rows.
        columns = [c if c.name == label else
                   replace(c, has_missing=None) if c.name in ignored else
                   ColumnInfo(c.name, NUMBER if c.kind == BOOL else c.kind, c.has_missing)
                   for c in table.columns]
        return {"data": table.with_columns(columns)}

    def run(self, inputs, params, ctx):
        from . import ops_features
        table = inputs["data"]
        label, ignored = label_of_table(params, table, self.title)
        with reported():
            df = ops_features.smote(table.df, label, params["k_neighbors"], params["seed"],
                                    ignored)
        ctx.log(f"{len(df) - len(table.df)} synthetic row(s) added\n")
        return {"data": table.derive(df)}

    def emit(self, params, ctx):
        label, ignored = label_of_schema(params, ctx.schemas.get("data"), self.title)
        extra = {"exclude": ignored} if ignored else {}
        return call(ctx.out("data"), "smote", ctx.inp("data"), label_column=label,
                    k_neighbors=params["k_neighbors"], seed=params["seed"], **extra)


class FilterBasedFeatureSelection(LineageTransform):
    type_id = "filter_based_feature_selection"
    title = "Filter Based Feature Selection"
    category = FEATURE_SELECTION
    doc = ("Keeps the k numeric features that score best against the label: chi-squared "
           "(classification, non-negative features), ANOVA F (f_classif, or f_regression for a "
           "numeric label) or mutual information. The label and text columns pass through; the "
           "selection is learned when fitted and joins the table's lineage. 'scores' lists every "
           "candidate's score. Columns whose role is 'ignore' are not candidates; they pass "
           "through.")
    kernel, function = "ops_features", "filter_based_feature_selection"
    fits_transform = True
    outputs = LineageTransform.outputs + (
        Port("scores", PortType.TABLE, "Each candidate feature, its score and whether it was "
                                       "kept."),)
    example_params = {"label_column": "label"}
    params = (
        label_param("The label to score the features against."),
        Choice("method", "anova_f", "The score.",
               options=("chi_squared", "anova_f", "mutual_information")),
        Int("k", 10, "How many features to keep.", low=1, high=1_000_000),
        SEED,
    )

    def _resolved(self, params, label, ignored) -> dict:
        """The kernel's arguments: the label found (parameter or role) and the ignored columns."""
        return {**params, "label_column": label, **({"exclude": ignored} if ignored else {})}

    def input_columns(self, table, params):
        label, ignored = label_of_schema(params, table, self.title)
        return tuple(c for c in table.numeric() if c != label and c not in ignored)

    def out_schema(self, table, params):
        label, _ = label_of_schema(params, table, self.title)
        check_columns(table, [label], "label_column", self.title)
        candidates = self.input_columns(table, params)
        if len(candidates) <= params["k"] and not table.open:
            return table
        return table.with_columns([c for c in table.columns if c.name not in candidates],
                                  open=True)

    def infer(self, inputs, params, ctx):
        out = super().infer(inputs, params, ctx)
        out["scores"] = TableSchema((ColumnInfo("feature", STRING, False),
                                     ColumnInfo("score", NUMBER, None),
                                     ColumnInfo("selected", BOOL, False)))
        return out

    def run(self, inputs, params, ctx):
        from . import ops_features
        from .values import Table
        label, ignored = label_of_table(params, inputs["data"], self.title)
        out = super().run(inputs, self._resolved(params, label, ignored), ctx)
        out["scores"] = Table(ops_features.scores_table(out["transform"].step.estimator))
        return out

    def emit(self, params, ctx):
        label, ignored = label_of_schema(params, ctx.schemas.get("data"), self.title)
        return call(f"{ctx.out('data')}, {ctx.out('transform')}, {ctx.out('scores')}",
                    self.function, ctx.inp("data"), **self._resolved(params, label, ignored))


class Pca(LineageTransform):
    type_id = "pca"
    title = "PCA"
    category = FEATURE_SELECTION
    doc = ("Replaces numeric columns (empty: all numeric, minus exclude_columns; exclude the "
           "label) by n_components principal components 'pc_1', 'pc_2', ... at the first "
           "column's place (scikit-learn's PCA, fitted on the input and reused on other rows). "
           "Joins the table's lineage.")
    kernel, function = "ops_features", "pca"
    fits_transform = True
    params = (
        Columns("columns", [], "The numeric columns; empty: all numeric columns."),
        Columns("exclude_columns", [], "Columns to leave as they are (e.g. the label)."),
        Int("n_components", 2, "The number of components.", low=1, high=100_000),
        Bool("whiten", False, "Scale the components to unit variance."),
        SEED,
    )

    def input_columns(self, table, params):
        return tuple(pick_columns(table, params["columns"], params["exclude_columns"],
                                  numeric=True))

    def out_schema(self, table, params):
        check_columns(table, params["columns"], "columns", self.title)
        check_columns(table, params["exclude_columns"], "exclude_columns", self.title)
        chosen = self.input_columns(table, params)
        _require_numeric(table, chosen, self.title)
        if not chosen:
            return table.with_columns(table.columns, open=True)
        components = [ColumnInfo(f"pc_{i + 1}", NUMBER, False)
                      for i in range(params["n_components"])]
        out, placed = [], False
        for c in table.columns:
            if c.name in chosen:
                if not placed:
                    out += components
                    placed = True
            else:
                out.append(c)
        return replace(table.with_columns(out), open=table.open)


NODE_TYPES = [GroupDataIntoBins, FeatureHashing, Smote, FilterBasedFeatureSelection, Pca]
