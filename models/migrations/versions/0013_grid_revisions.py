"""grid revisions: an append-only history of the rate grid, and the revision each match was scored with

Revision ID: 0013_grid_revisions
Revises: 0012_people
Create Date: 2026-12-03 06:30:00

Every change of a band of the rate grid now appends a row to `grid_revisions` (who, when, the figures
before and after), and each match records the newest revision in effect when it was scored
(`matches.grid_revision_id`), so a score can be traced to the grid that produced it. The grid as it
stands gets one initial revision per band (before null, no actor), so every later match has a
revision to point to; a fresh database gets them when the reference data is loaded.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import models.base

revision: str = "0013_grid_revisions"
down_revision: str | None = "0012_people"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "grid_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("band_id", sa.String(length=16), nullable=False),
        sa.Column("actor_account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", models.base.DateTimeUTC(), nullable=False),
        sa.Column("before", _JSON, nullable=True),
        sa.Column("after", _JSON, nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["band_id"], ["rate_bands.id"], name="fk_grid_revisions_band_id_rate_bands"),
        sa.ForeignKeyConstraint(
            ["actor_account_id"], ["accounts.id"], name="fk_grid_revisions_actor_account_id_accounts"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_grid_revisions"),
    )
    op.create_index("ix_grid_revisions_band_id", "grid_revisions", ["band_id"])
    with op.batch_alter_table("matches") as batch:
        batch.add_column(sa.Column("grid_revision_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_matches_grid_revision_id_grid_revisions", "grid_revisions", ["grid_revision_id"], ["id"]
        )

    # The grid as it stands: one initial revision per band, in the grid's order.
    bands = op.get_bind().execute(
        sa.text("SELECT id, tjm_low, tjm_high, tjm_ceiling, note FROM rate_bands ORDER BY position, id")
    )
    now = datetime.now(UTC)
    revisions = sa.table(
        "grid_revisions",
        sa.column("band_id", sa.String()),
        sa.column("created_at", models.base.DateTimeUTC()),
        sa.column("after", _JSON),
    )
    rows = [
        {
            "band_id": band.id,
            "created_at": now,
            "after": {
                "tjm_low": band.tjm_low,
                "tjm_high": band.tjm_high,
                "tjm_ceiling": band.tjm_ceiling,
                "note": band.note,
            },
        }
        for band in bands
    ]
    if rows:
        op.bulk_insert(revisions, rows)


def downgrade() -> None:
    with op.batch_alter_table("matches") as batch:
        batch.drop_constraint("fk_matches_grid_revision_id_grid_revisions", type_="foreignkey")
        batch.drop_column("grid_revision_id")
    op.drop_index("ix_grid_revisions_band_id", table_name="grid_revisions")
    op.drop_table("grid_revisions")
