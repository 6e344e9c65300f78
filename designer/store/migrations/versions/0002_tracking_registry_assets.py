"""Run tags and notes, metric series, run inputs, model artifacts, the model registry, data assets.

Only new tables (no existing one is rebuilt); run inputs are filled from the fingerprints that
revision 0001 kept in node_runs, so "which runs used this data" covers older runs too.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

USER_VERSION = 2        # a literal: a migration must keep doing what it did when it was written


def _run_fk(table: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete=ondelete,
                                   name=op.f(f"fk_{table}_run_id_runs"))


def upgrade() -> None:
    op.create_table(
        "run_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_tags")),
        sa.UniqueConstraint("run_id", "key", name=op.f("uq_run_tags_run_id_key")),
        _run_fk("run_tags"),
    )
    op.create_index(op.f("ix_run_tags_key_value"), "run_tags", ["key", "value"])
    op.create_table(
        "run_notes",
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run_notes")),
        _run_fk("run_notes"),
    )
    op.create_table(
        "metric_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("node_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_steps")),
        sa.UniqueConstraint("run_id", "node_id", "name", "step",
                            name=op.f("uq_metric_steps_run_id_node_id_name_step")),
        _run_fk("metric_steps"),
    )
    op.create_table(
        "run_inputs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("node_id", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_inputs")),
        sa.UniqueConstraint("run_id", "node_id", "path",
                            name=op.f("uq_run_inputs_run_id_node_id_path")),
        _run_fk("run_inputs"),
    )
    op.create_index(op.f("ix_run_inputs_sha256"), "run_inputs", ["sha256"])
    op.create_table(
        "artifacts",
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("format", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_artifacts")),
    )
    op.create_table(
        "run_artifacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("node_id", sa.Text(), nullable=False),
        sa.Column("port", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_artifacts")),
        sa.UniqueConstraint("run_id", "node_id", "port",
                            name=op.f("uq_run_artifacts_run_id_node_id_port")),
        _run_fk("run_artifacts"),
        sa.ForeignKeyConstraint(["sha256"], ["artifacts.sha256"],
                                name=op.f("fk_run_artifacts_sha256_artifacts")),
    )
    op.create_index(op.f("ix_run_artifacts_sha256"), "run_artifacts", ["sha256"])
    op.create_table(
        "registered_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registered_models")),
        sa.UniqueConstraint("name", name=op.f("uq_registered_models_name")),
    )
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("node_id", sa.Text(), nullable=False),
        sa.Column("port", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("pipeline_name", sa.Text(), nullable=False),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("features", sa.Text(), nullable=False),
        sa.Column("classes", sa.Text(), nullable=True),
        sa.Column("metrics", sa.Text(), nullable=False),
        sa.Column("environment", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("model_id", "version", name=op.f("uq_model_versions_model_id_version")),
        sa.ForeignKeyConstraint(["model_id"], ["registered_models.id"], ondelete="CASCADE",
                                name=op.f("fk_model_versions_model_id_registered_models")),
        _run_fk("model_versions", ondelete=None),
        sa.ForeignKeyConstraint(["sha256"], ["artifacts.sha256"],
                                name=op.f("fk_model_versions_sha256_artifacts")),
    )
    op.create_index(op.f("ix_model_versions_run_id"), "model_versions", ["run_id"])
    op.create_table(
        "model_version_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_version_tags")),
        sa.UniqueConstraint("version_id", "key", name=op.f("uq_model_version_tags_version_id_key")),
        sa.ForeignKeyConstraint(["version_id"], ["model_versions.id"], ondelete="CASCADE",
                                name=op.f("fk_model_version_tags_version_id_model_versions")),
    )
    op.create_table(
        "model_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_aliases")),
        sa.UniqueConstraint("model_id", "alias", name=op.f("uq_model_aliases_model_id_alias")),
        sa.ForeignKeyConstraint(["model_id"], ["registered_models.id"], ondelete="CASCADE",
                                name=op.f("fk_model_aliases_model_id_registered_models")),
        sa.ForeignKeyConstraint(["version_id"], ["model_versions.id"], ondelete="CASCADE",
                                name=op.f("fk_model_aliases_version_id_model_versions")),
    )
    op.create_table(
        "data_assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_assets")),
        sa.UniqueConstraint("name", name=op.f("uq_data_assets_name")),
    )
    op.create_table(
        "data_asset_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=True),
        sa.Column("columns", sa.Integer(), nullable=True),
        sa.Column("schema", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_asset_versions")),
        sa.UniqueConstraint("asset_id", "version",
                            name=op.f("uq_data_asset_versions_asset_id_version")),
        sa.ForeignKeyConstraint(["asset_id"], ["data_assets.id"], ondelete="CASCADE",
                                name=op.f("fk_data_asset_versions_asset_id_data_assets")),
    )
    op.create_index(op.f("ix_data_asset_versions_sha256"), "data_asset_versions", ["sha256"])
    # Older runs: the files their nodes read, from the fingerprints kept per node run.
    op.execute("INSERT OR IGNORE INTO run_inputs (run_id, node_id, path, sha256) "
               "SELECT n.run_id, n.node_id, f.key, f.value "
               "FROM node_runs AS n, json_each(n.fingerprints) AS f "
               "WHERE json_valid(n.fingerprints) AND f.type = 'text'")
    op.execute(f"PRAGMA user_version = {USER_VERSION:d}")


def downgrade() -> None:
    for table in ("data_asset_versions", "data_assets", "model_aliases", "model_version_tags",
                  "model_versions", "registered_models", "run_artifacts", "artifacts",
                  "run_inputs", "metric_steps", "run_notes", "run_tags"):
        op.drop_table(table)
    op.execute("PRAGMA user_version = 1")
