"""notification retries: a due time per row, and an index on (state, due time) for the delivery loop

Revision ID: 0005_notification_retries
Revises: 0004_revisions
Create Date: 2026-12-01 20:55:00

A failed attempt sets `next_attempt_at` (exponential backoff); the delivery loop picks pending and
sending rows whose `next_attempt_at` is NULL or past. The composite index replaces the one on `state`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0005_notification_retries"
down_revision: str | None = "0004_revisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN and index changes: no table rebuild on SQLite.
    op.add_column(
        "notifications", sa.Column("next_attempt_at", models.base.DateTimeUTC(timezone=True), nullable=True)
    )
    op.drop_index("ix_notifications_state", table_name="notifications")
    op.create_index(
        "ix_notifications_state_next_attempt_at", "notifications", ["state", "next_attempt_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_state_next_attempt_at", table_name="notifications")
    op.create_index("ix_notifications_state", "notifications", ["state"], unique=False)
    op.drop_column("notifications", "next_attempt_at")
