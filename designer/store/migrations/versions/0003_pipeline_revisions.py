"""Pipeline revisions, and each run's metrics as JSON text on its runs row.

Pipeline revisions: every saved state of a pipeline, numbered per pipeline name; existing
pipelines get their current document as revision 1.

`runs.metrics_json`: the run's metrics as the JSON text `mlwire runs --json` prints, so listing
10,000 runs reads one text per run instead of aggregating every metric row. Added with ALTER TABLE
ADD COLUMN (no table copy) and filled for existing runs from their metric rows, by the same SQL
the store runs whenever it writes metrics (designer/store/metrics_json.py), written out here
because a migration must keep doing what it did when it was written.

Revision ID: 0003
Revises: 0002
"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

USER_VERSION = 3        # a literal: a migration must keep doing what it did when it was written


# {"node": {"name": value, ...}, ...}: nodes by id, a node's metrics in recorded order, values
# with 17 significant digits (exactly the stored double), NaN and infinities as null.
BACKFILL_METRICS_JSON = """
UPDATE runs SET metrics_json = coalesce((
    SELECT '{' || group_concat(item, ', ') || '}' FROM (
        SELECT json_quote(node) || ': {' || group_concat(item, ', ') || '}' AS item FROM (
            SELECT metrics.node_id AS node,
                   json_quote(metrics.name) || ': ' ||
                   CASE WHEN metrics.value IS NULL THEN 'null'
                        WHEN abs(metrics.value) > 1.7976931348623157e308 THEN 'null'
                        ELSE printf('%!.17g', metrics.value) END AS item
            FROM metrics WHERE metrics.run_id = runs.id
            ORDER BY metrics.node_id, metrics.id)
        GROUP BY node)), '{}')
"""


def _digest(text: str) -> str:
    canonical = json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def upgrade() -> None:
    op.create_table(
        "pipeline_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pipeline_name", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_revisions")),
        sa.UniqueConstraint("pipeline_name", "revision",
                            name=op.f("uq_pipeline_revisions_pipeline_name_revision")),
    )
    conn = op.get_bind()
    for name, document, updated_at in conn.execute(
            sa.text("SELECT name, document, updated_at FROM pipelines")).fetchall():
        conn.execute(sa.text("INSERT INTO pipeline_revisions (pipeline_name, revision, document, "
                             "sha256, saved_at) VALUES (:name, 1, :document, :sha256, :saved_at)"),
                     {"name": name, "document": document, "sha256": _digest(document),
                      "saved_at": updated_at})
    op.add_column("runs", sa.Column("metrics_json", sa.Text(), server_default="{}",
                                    nullable=False))
    op.execute(sa.text(BACKFILL_METRICS_JSON))
    op.execute(f"PRAGMA user_version = {USER_VERSION:d}")


def downgrade() -> None:
    op.drop_column("runs", "metrics_json")      # SQLite 3.35+
    op.drop_table("pipeline_revisions")
    op.execute("PRAGMA user_version = 2")
