"""A scored pair mission × freelancer: one row per pair, rescored in place, with its explanation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, DateTimeUTC, JSONType, TimestampMixin, str_enum, utcnow
from models.enums import MatchStatus


class Match(TimestampMixin, Base):
    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("mission_id", "freelancer_id", name="uq_matches_mission_freelancer"),
        Index("ix_matches_mission_score", "mission_id", "score"),
        Index("ix_matches_freelancer_score", "freelancer_id", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), nullable=False)
    freelancer_id: Mapped[int] = mapped_column(
        ForeignKey("freelancer_profiles.id", ondelete="CASCADE"), nullable=False
    )
    score: Mapped[float] = mapped_column(Float, nullable=False)
    factors: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict, nullable=False)
    #: Structured reasons `{code, factor, tone, params}` (rows scored before 2026.12 hold strings).
    reasons: Mapped[list[Any]] = mapped_column(JSONType, default=list, nullable=False)
    skill_gaps: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    exclusion_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    algorithm_version: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[MatchStatus] = mapped_column(
        str_enum(MatchStatus, "match_status", 24), default=MatchStatus.PENDING, nullable=False, index=True
    )
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    score_at_decision: Mapped[float | None] = mapped_column(Float, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    scored_at: Mapped[datetime] = mapped_column(DateTimeUTC(), default=utcnow, nullable=False)
    grid_revision_id: Mapped[int | None] = mapped_column(ForeignKey("grid_revisions.id"), nullable=True)
    """The newest rate grid revision in effect when the pair was scored (null: scored before 0013)."""

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads a plain dict


#: The order of matches wherever they are ranked: the engine's rule (matching.engine), best score first,
#: then the lower profile id, then the lower mission id. Lists, the store's limit and the engine agree.
MATCH_RANK_ORDER = (Match.score.desc(), Match.freelancer_id, Match.mission_id)


class MatchDecision(Base):
    """Append-only audit of every status change of a match (who, when, from, to, why)."""

    __tablename__ = "match_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(
        ForeignKey("matches.id", ondelete="CASCADE"), nullable=False, index=True
    )
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    from_status: Mapped[MatchStatus] = mapped_column(str_enum(MatchStatus, "from_status", 24), nullable=False)
    to_status: Mapped[MatchStatus] = mapped_column(str_enum(MatchStatus, "to_status", 24), nullable=False)
    reason: Mapped[str] = mapped_column(String(1000), default="", nullable=False)
    on_behalf_of: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """The side an operator acted for ("company" or "freelancer"); null for one's own decision."""
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(), default=utcnow, nullable=False)
