"""mobility: where a freelancer can work on site besides the city they live in

Revision ID: 0014_mobility
Revises: 0013_grid_revisions
Create Date: 2026-12-03 11:00:00

A freelancer may name cities or regions where they can come on site (`mobility`, a JSON list of
strings) or say they can anywhere in France (`mobility_anywhere`); the engine then stops counting a
hybrid or on-site mission in such a place as out of reach. Existing profiles list nothing and are not
mobile, which is what they said until now. The server defaults let a process of the previous release,
which does not know the columns, still write profiles while the new one rolls out.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014_mobility"
down_revision: str | None = "0013_grid_revisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("freelancer_profiles") as batch:
        batch.add_column(sa.Column("mobility", _JSON, server_default=sa.text("'[]'"), nullable=False))
        batch.add_column(
            sa.Column("mobility_anywhere", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("freelancer_profiles") as batch:
        batch.drop_column("mobility_anywhere")
        batch.drop_column("mobility")
