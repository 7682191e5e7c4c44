"""people: possible duplicates of a freelancer, merged and deactivated profiles

Revision ID: 0012_people
Revises: 0011_on_behalf
Create Date: 2026-12-03 00:10:00

A person who registered twice is merged: the second profile leaves matching, says which profile it
was merged into and when (`merged_into_id`, `merged_at`), and keeps its matches and their history.
What operators did to profiles as people (merged, deactivated, "not the same person") is recorded in
the append-only `profile_events`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0012_people"
down_revision: str | None = "0011_on_behalf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_KINDS = ("merged", "deactivated", "not_duplicate")


def upgrade() -> None:
    with op.batch_alter_table("freelancer_profiles") as batch:
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("merged_at", models.base.DateTimeUTC(), nullable=True))
        batch.create_foreign_key(
            "fk_freelancer_profiles_merged_into_id_freelancer_profiles",
            "freelancer_profiles",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_freelancer_profiles_merged_into_id", ["merged_into_id"])
    op.create_table(
        "profile_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                *EVENT_KINDS, name="profile_event_kind", native_enum=False, create_constraint=True, length=16
            ),
            nullable=False,
        ),
        sa.Column("other_profile_id", sa.Integer(), nullable=True),
        sa.Column("actor_account_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("created_at", models.base.DateTimeUTC(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["freelancer_profiles.id"],
            name=op.f("fk_profile_events_profile_id_freelancer_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_profile_id"],
            ["freelancer_profiles.id"],
            name=op.f("fk_profile_events_other_profile_id_freelancer_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_account_id"],
            ["accounts.id"],
            name=op.f("fk_profile_events_actor_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_events")),
    )
    op.create_index(op.f("ix_profile_events_profile_id"), "profile_events", ["profile_id"])
    op.create_index(op.f("ix_profile_events_other_profile_id"), "profile_events", ["other_profile_id"])
    op.create_index("ix_profile_events_kind_profile", "profile_events", ["kind", "profile_id"])


def downgrade() -> None:
    op.drop_index("ix_profile_events_kind_profile", table_name="profile_events")
    op.drop_index(op.f("ix_profile_events_other_profile_id"), table_name="profile_events")
    op.drop_index(op.f("ix_profile_events_profile_id"), table_name="profile_events")
    op.drop_table("profile_events")
    with op.batch_alter_table("freelancer_profiles") as batch:
        batch.drop_index("ix_freelancer_profiles_merged_into_id")
        batch.drop_constraint("fk_freelancer_profiles_merged_into_id_freelancer_profiles", type_="foreignkey")
        batch.drop_column("merged_at")
        batch.drop_column("merged_into_id")
