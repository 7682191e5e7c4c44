"""Background rescoring jobs and their chunks: progress a person can poll, counted exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, DateTimeUTC, JSONType, TimestampMixin, str_enum, utcnow
from models.enums import ChunkState, JobState


class ScoringJob(TimestampMixin, Base):
    __tablename__ = "scoring_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    state: Mapped[JobState] = mapped_column(str_enum(JobState, "job_state", 16), nullable=False)
    total_chunks: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    # Why a failed job failed, in words an operator reads (GET /api/v1/jobs/{id}).
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
    # When its chunks were planned: profiles written after this are not covered by the job.
    planned_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
    # The last sign of progress (created, planned, a chunk claimed or finished, a watchdog re-send):
    # the watchdog re-sends the work of a job whose heartbeat is older than JOB_STALL_SECONDS.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), default=utcnow, nullable=True)


class ScoringJobChunk(Base):
    """One row per planned chunk, written when the job is planned; it is the truth of the chunk's state.

    A worker claims a chunk (queued, or running with an expired lease) before scoring it and marks it
    done in the transaction that writes its matches, so a chunk counts once however often a crash or a
    re-send delivers it. The watchdog re-queues chunks whose lease expired (their worker died).
    """

    __tablename__ = "scoring_job_chunks"

    job_id: Mapped[str] = mapped_column(ForeignKey("scoring_jobs.id", ondelete="CASCADE"), primary_key=True)
    chunk_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[ChunkState] = mapped_column(
        str_enum(ChunkState, "chunk_state", 16), default=ChunkState.QUEUED, nullable=False
    )
    mission_ids: Mapped[list[int]] = mapped_column(JSONType, default=list, nullable=False)
    # Deliveries that claimed the chunk (a Celery retry of the same delivery is not a new attempt).
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)
    # Which delivery holds the claim: its retries (same task id) may claim it again at once.
    claim_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    queued_at: Mapped[datetime] = mapped_column(DateTimeUTC(), default=utcnow, nullable=False)
    # A running chunk whose lease is past belongs to a worker that died or hung: claimable again.
    lease_until: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    pairs_scored: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
