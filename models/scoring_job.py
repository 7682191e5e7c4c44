"""Background rescoring jobs and their chunks: progress a person can poll, counted exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, DateTimeUTC, TimestampMixin, str_enum, utcnow
from models.enums import JobState


class ScoringJob(TimestampMixin, Base):
    __tablename__ = "scoring_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    state: Mapped[JobState] = mapped_column(str_enum(JobState, "job_state", 16), nullable=False)
    total_chunks: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)


class ScoringJobChunk(Base):
    """One row per finished chunk, written in the same transaction as the chunk's matches.

    The primary key makes a redelivered chunk count once, however often a worker crash replays it.
    """

    __tablename__ = "scoring_job_chunks"

    job_id: Mapped[str] = mapped_column(ForeignKey("scoring_jobs.id", ondelete="CASCADE"), primary_key=True)
    chunk_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    pairs_scored: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    finished_at: Mapped[datetime] = mapped_column(DateTimeUTC(), default=utcnow, nullable=False)
