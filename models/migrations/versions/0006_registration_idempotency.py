"""registration idempotency keys; when an account's API key was last replaced

Revision ID: 0006_registration_idempotency
Revises: 0005_notification_retries
Create Date: 2026-12-01 20:55:00

A registration retried with the same `Idempotency-Key` answers with the account it created (and a
fresh key) instead of 409: the table keeps only keyed hashes of the header and of the request.
`accounts.api_key_rotated_at` records when an operator (or such a retry) replaced the key.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0006_registration_idempotency"
down_revision: str | None = "0005_notification_retries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: no rebuild of `accounts`, which other tables reference.
    op.add_column(
        "accounts", sa.Column("api_key_rotated_at", models.base.DateTimeUTC(timezone=True), nullable=True)
    )
    op.create_table(
        "registration_idempotency_keys",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_registration_idempotency_keys_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_registration_idempotency_keys")),
    )
    op.create_index(
        op.f("ix_registration_idempotency_keys_created_at"),
        "registration_idempotency_keys",
        ["created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_registration_idempotency_keys_created_at"), table_name="registration_idempotency_keys"
    )
    op.drop_table("registration_idempotency_keys")
    # Native DROP COLUMN (SQLite >= 3.35): no table rebuild, so no cascade on the referencing rows.
    op.drop_column("accounts", "api_key_rotated_at")
