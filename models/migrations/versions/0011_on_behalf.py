"""decisions on behalf of a side: which side an operator acted for

Revision ID: 0011_on_behalf
Revises: 0010_api_keys
Create Date: 2026-12-02 20:30:00

An operator may accept or decline for a company, or answer for a freelancer. The audit row now says
so (`on_behalf_of`: "company" or "freelancer"), instead of such decisions looking like the operator's
own. Earlier rows stay null: who acted is already recorded, for whom was not.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_on_behalf"
down_revision: str | None = "0010_api_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("match_decisions") as batch:
        batch.add_column(sa.Column("on_behalf_of", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("match_decisions") as batch:
        batch.drop_column("on_behalf_of")
