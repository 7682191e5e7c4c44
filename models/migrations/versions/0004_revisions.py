"""revision counters on profiles, missions and companies; scored_revision becomes that counter

Revision ID: 0004_revisions
Revises: 0003_notifications
Create Date: 2026-12-01 20:50:00

Every write of a profile, a mission or a company (child rows included) moves its `revision`, which
serialises concurrent writers, answers If-Match, and tells the stale sweep and the pool cache what
changed. `scored_revision` held the `updated_at` that was scored; it now holds the revision that was
scored (NULL: scored again by the next sweep, once).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_revisions"
down_revision: str | None = "0003_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REVISED = ("freelancer_profiles", "missions", "companies")
_SCORED = ("freelancer_profiles", "missions")


def upgrade() -> None:
    for table in _REVISED:
        op.add_column(table, sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
    for table in _SCORED:
        # Native DROP/ADD COLUMN (SQLite >= 3.35): no table rebuild, so no cascade on the referencing rows.
        op.drop_column(table, "scored_revision")
        op.add_column(table, sa.Column("scored_revision", sa.Integer(), nullable=True))


def downgrade() -> None:
    import models.base

    for table in _SCORED:
        op.drop_column(table, "scored_revision")
        op.add_column(table, sa.Column("scored_revision", models.base.DateTimeUTC(), nullable=True))
    for table in _REVISED:
        op.drop_column(table, "revision")
