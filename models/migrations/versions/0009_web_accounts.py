"""web accounts: passwords, e-mail verification, one-time tokens, sign-in failures, read notifications

Revision ID: 0009_web_accounts
Revises: 0008_list_indexes
Create Date: 2026-12-02 15:00:00

Freelancers and companies now sign in to the web app with an e-mail and a password (an argon2 hash),
verify their e-mail and reset a forgotten password with one-time links (`account_tokens`, only a hash
of each token is stored). Failed sign-ins are counted per account and per client address
(`sign_in_failures`) so guessing is slowed across every API process. An account made on the web has
no API key until its owner creates one, so the key columns become optional. Accounts remember their
language (for e-mails) and when they were erased (GDPR art. 17). Notifications get a read time and
the page that acts on them; profiles record when their availability was last confirmed and reminded.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0009_web_accounts"
down_revision: str | None = "0008_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TOKEN_PURPOSE = sa.Enum(
    "verify_email",
    "reset_password",
    name="token_purpose",
    native_enum=False,
    create_constraint=True,
    length=20,
)


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("email_verified_at", models.base.DateTimeUTC(), nullable=True))
        batch_op.add_column(sa.Column("locale", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("erased_at", models.base.DateTimeUTC(), nullable=True))
        batch_op.alter_column("api_key_hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("api_key_prefix", existing_type=sa.String(length=12), nullable=True)
    # Accounts made before the web app were created by an operator or registered through the API:
    # their e-mail address is the one they were reached at, so it counts as verified.
    op.execute("UPDATE accounts SET email_verified_at = created_at")

    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("purpose", _TOKEN_PURPOSE, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", models.base.DateTimeUTC(), nullable=False),
        sa.Column("expires_at", models.base.DateTimeUTC(), nullable=False),
        sa.Column("used_at", models.base.DateTimeUTC(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_account_tokens_account_id", "account_tokens", ["account_id"])

    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("created_at", models.base.DateTimeUTC(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_failures_email_created_at", "sign_in_failures", ["email", "created_at"])
    op.create_index("ix_sign_in_failures_client_created_at", "sign_in_failures", ["client", "created_at"])

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("read_at", models.base.DateTimeUTC(), nullable=True))
        batch_op.add_column(sa.Column("link", sa.String(length=300), nullable=True))
    op.create_index(
        "ix_notifications_recipient_read_at", "notifications", ["recipient_account_id", "read_at"]
    )

    with op.batch_alter_table("freelancer_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("availability_confirmed_at", models.base.DateTimeUTC(), nullable=True))
        batch_op.add_column(sa.Column("availability_reminded_at", models.base.DateTimeUTC(), nullable=True))
    # A profile's availability was last stated when the profile was last written.
    op.execute("UPDATE freelancer_profiles SET availability_confirmed_at = updated_at")


def downgrade() -> None:
    with op.batch_alter_table("freelancer_profiles", schema=None) as batch_op:
        batch_op.drop_column("availability_reminded_at")
        batch_op.drop_column("availability_confirmed_at")
    op.drop_index("ix_notifications_recipient_read_at", table_name="notifications")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("link")
        batch_op.drop_column("read_at")
    op.drop_index("ix_sign_in_failures_client_created_at", table_name="sign_in_failures")
    op.drop_index("ix_sign_in_failures_email_created_at", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
    op.drop_index("ix_account_tokens_account_id", table_name="account_tokens")
    op.drop_table("account_tokens")
    # Web-only accounts have no key: they get an unusable placeholder (no key hashes to it).
    op.execute("UPDATE accounts SET api_key_prefix = '', api_key_hash = 'no-key-' || id WHERE api_key_hash IS NULL")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.alter_column("api_key_prefix", existing_type=sa.String(length=12), nullable=False)
        batch_op.alter_column("api_key_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("erased_at")
        batch_op.drop_column("locale")
        batch_op.drop_column("email_verified_at")
        batch_op.drop_column("password_hash")
