"""api keys: several labelled keys per account, each revocable, in their own table

Revision ID: 0010_api_keys
Revises: 0009_web_accounts
Create Date: 2026-12-02 16:00:00

An account's key was three columns of `accounts`; a person now manages their keys (create several,
label them, see when each was last used, revoke one). Each account's current key is copied into
`api_keys` (its label says it is the key issued before; its creation time is the last rotation, or the
account's creation), so every key in use keeps working, then the columns are dropped. The downgrade
puts back, for each account, its newest active key.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0010_api_keys"
down_revision: str | None = "0009_web_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The label of a key copied from `accounts` (the only key an account had).
COPIED_LABEL = "first key"


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", models.base.DateTimeUTC(), nullable=False),
        sa.Column("last_used_at", models.base.DateTimeUTC(), nullable=True),
        sa.Column("revoked_at", models.base.DateTimeUTC(), nullable=True),
        sa.Column("revoked_by_account_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_api_keys_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_api_keys_revoked_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_index(op.f("ix_api_keys_account_id"), "api_keys", ["account_id"])
    # Web accounts without a key have NULL, and 0009's downgrade placeholders ('no-key-…', prefix '')
    # are not keys: neither is copied.
    op.execute(
        sa.text(
            "INSERT INTO api_keys (account_id, label, key_hash, key_prefix, created_at) "
            "SELECT id, :label, api_key_hash, api_key_prefix, COALESCE(api_key_rotated_at, created_at) "
            "FROM accounts WHERE api_key_hash IS NOT NULL AND api_key_prefix <> ''"
        ).bindparams(label=COPIED_LABEL)
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_accounts_api_key_hash", type_="unique")
        batch_op.drop_column("api_key_rotated_at")
        batch_op.drop_column("api_key_prefix")
        batch_op.drop_column("api_key_hash")


_accounts = sa.table(
    "accounts",
    sa.column("id", sa.Integer()),
    sa.column("api_key_hash", sa.String()),
    sa.column("api_key_prefix", sa.String()),
    sa.column("api_key_rotated_at", models.base.DateTimeUTC()),
)
_keys = sa.table(
    "api_keys",
    sa.column("id", sa.Integer()),
    sa.column("account_id", sa.Integer()),
    sa.column("key_hash", sa.String()),
    sa.column("key_prefix", sa.String()),
    sa.column("created_at", models.base.DateTimeUTC()),
    sa.column("revoked_at", models.base.DateTimeUTC()),
)


def _newest_active(column: sa.ColumnClause[object]) -> sa.ScalarSelect[object]:
    return (
        sa.select(column)
        .where(_keys.c.account_id == _accounts.c.id, _keys.c.revoked_at.is_(None))
        .order_by(_keys.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("api_key_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("api_key_prefix", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("api_key_rotated_at", models.base.DateTimeUTC(), nullable=True))
    # The newest active key comes back; it counts as a rotation when the account had an earlier key.
    key_count = sa.select(sa.func.count()).where(_keys.c.account_id == _accounts.c.id).scalar_subquery()
    op.execute(
        _accounts.update().values(
            api_key_hash=_newest_active(_keys.c.key_hash),
            api_key_prefix=_newest_active(_keys.c.key_prefix),
            api_key_rotated_at=sa.case((key_count > 1, _newest_active(_keys.c.created_at)), else_=None),
        )
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_accounts_api_key_hash", ["api_key_hash"])
    op.drop_index(op.f("ix_api_keys_account_id"), table_name="api_keys")
    op.drop_table("api_keys")
