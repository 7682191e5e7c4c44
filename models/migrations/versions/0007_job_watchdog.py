"""job watchdog: chunks planned up front with a state and a lease; sweep-queued markers

Revision ID: 0007_job_watchdog
Revises: 0006_registration_idempotency
Create Date: 2026-12-02 10:00:00

A full rescore now writes every chunk row when it is planned (state queued, its mission ids); a
worker claims a chunk with a lease before scoring it, and the watchdog beat task re-sends chunks whose
lease expired or whose job stalled, so a lost worker or a lost message never leaves a job running
forever. Chunk rows that existed before were finished chunks: they become `done`. Jobs that were
running have no rows for their unfinished chunks: they go back to `queued`, so the watchdog plans them
again (the finished chunks keep counting once). `sweep_queued_revision`/`sweep_queued_at` keep the
stale sweep from queuing a row again while its first send has not had time to run.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0007_job_watchdog"
down_revision: str | None = "0006_registration_idempotency"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SWEPT = ("missions", "freelancer_profiles")

_CHUNK_STATE = sa.Enum(
    "queued",
    "running",
    "done",
    "failed",
    name="chunk_state",
    native_enum=False,
    create_constraint=True,
    length=16,
)


def upgrade() -> None:
    # Plain ADD COLUMN on the tables other tables reference: no rebuild on SQLite.
    op.add_column(
        "scoring_jobs", sa.Column("planned_at", models.base.DateTimeUTC(timezone=True), nullable=True)
    )
    op.add_column(
        "scoring_jobs", sa.Column("heartbeat_at", models.base.DateTimeUTC(timezone=True), nullable=True)
    )
    for table in _SWEPT:
        op.add_column(table, sa.Column("sweep_queued_revision", sa.Integer(), nullable=True))
        op.add_column(
            table, sa.Column("sweep_queued_at", models.base.DateTimeUTC(timezone=True), nullable=True)
        )
    op.execute("UPDATE scoring_jobs SET heartbeat_at = updated_at")
    op.execute("UPDATE scoring_jobs SET planned_at = created_at WHERE state <> 'queued'")
    op.execute("UPDATE scoring_jobs SET state = 'queued', planned_at = NULL WHERE state = 'running'")

    # scoring_job_chunks is referenced by no table: rebuilding it on SQLite (batch) cascades nothing.
    with op.batch_alter_table("scoring_job_chunks") as batch_op:
        batch_op.add_column(sa.Column("state", _CHUNK_STATE, server_default="done", nullable=False))
        batch_op.add_column(
            sa.Column("mission_ids", models.base.JSONType, server_default=sa.text("'[]'"), nullable=False)
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("claim_token", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("queued_at", models.base.DateTimeUTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("lease_until", models.base.DateTimeUTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.alter_column(
            "finished_at", existing_type=models.base.DateTimeUTC(timezone=True), nullable=True
        )
    op.execute("UPDATE scoring_job_chunks SET queued_at = finished_at, attempts = 1")
    with op.batch_alter_table("scoring_job_chunks") as batch_op:
        batch_op.alter_column(
            "queued_at", existing_type=models.base.DateTimeUTC(timezone=True), nullable=False
        )
        batch_op.alter_column("state", existing_type=_CHUNK_STATE, server_default=None)
        batch_op.alter_column("mission_ids", existing_type=models.base.JSONType, server_default=None)


def downgrade() -> None:
    # Before this revision a chunk row meant a finished chunk: only those may stay.
    # Chunks still queued are still in the broker, and the older workers take the same messages.
    op.execute("DELETE FROM scoring_job_chunks WHERE state <> 'done'")
    with op.batch_alter_table("scoring_job_chunks") as batch_op:
        batch_op.alter_column(
            "finished_at", existing_type=models.base.DateTimeUTC(timezone=True), nullable=False
        )
        batch_op.drop_column("last_error")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("queued_at")
        batch_op.drop_column("claim_token")
        batch_op.drop_column("attempts")
        batch_op.drop_column("mission_ids")
        batch_op.drop_constraint(op.f("ck_scoring_job_chunks_chunk_state"), type_="check")
        batch_op.drop_column("state")
    # Native DROP COLUMN (SQLite >= 3.35): no table rebuild, so no cascade on the referencing rows.
    for table in reversed(_SWEPT):
        op.drop_column(table, "sweep_queued_at")
        op.drop_column(table, "sweep_queued_revision")
    op.drop_column("scoring_jobs", "heartbeat_at")
    op.drop_column("scoring_jobs", "planned_at")
