"""Which column a label-taking node predicts and which columns it leaves out of the features:
its label_column parameter, else the column whose role is 'label' (Edit Metadata); columns whose
role is 'ignore' are never features. One place, so that Train Model, Cross Validate Model, Tune
Model Hyperparameters, AutoML, SMOTE, Filter Based Feature Selection and Train Anomaly Detection
Model agree, at check time (schemas), at run time (tables) and in the exported script."""
from __future__ import annotations

from .base import NodeError
from .params import Column
from .schema import TableSchema, ignored_of, label_of

__all__ = ["label_param", "known_names", "label_and_ignored", "label_of_schema",
           "label_of_table"]

ROLE_HINT = "Set 'label_column', or give that column the role 'label' with Edit Metadata."


def label_param(what: str = "The column to predict.") -> Column:
    """The label_column declaration: optional, the label role standing in when empty."""
    return Column("label_column", None, f"{what} Empty: the column whose role is 'label' (set "
                                        "with Edit Metadata).", nullable=True)


def known_names(table: TableSchema) -> list[str]:
    """The columns a schema knows; for an open one (e.g. after SQL), also those its roles name,
    which the run finds when the columns are there (the run checks)."""
    names = list(table.names)
    return names + [c for c, _ in table.roles if c not in names] if table.open else names


def label_and_ignored(label, names, roles, title, *, required=True):
    """(the label: the parameter, else the column whose role is 'label'; the columns whose role
    is 'ignore', in `names` order, never the label). No label and `required`: a NodeError that
    says what to set."""
    label = label or label_of(roles, names)
    if label is None and required:
        raise NodeError(f"{title} does not know which column to predict.", ROLE_HINT,
                        param="label_column")
    return label, [n for n in ignored_of(roles, names) if n != label]


def label_of_schema(params, table: TableSchema | None, title, *, required=True):
    """label_and_ignored for a schema (infer, emit); no schema: the parameter as it is."""
    if table is None:
        return params["label_column"], []
    return label_and_ignored(params["label_column"], known_names(table), table.roles, title,
                             required=required)


def label_of_table(params, table, title, *, required=True):
    """label_and_ignored for a run-time Table."""
    return label_and_ignored(params["label_column"], [str(c) for c in table.df.columns],
                             table.roles, title, required=required)
