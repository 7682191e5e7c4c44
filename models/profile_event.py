"""What operators did to a freelancer profile as a person: merged, deactivated, "not a duplicate".

Append-only, like `match_decisions`: a row is never changed or deleted, so a merged profile's story
stays readable on the profile it was merged into.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, DateTimeUTC, str_enum, utcnow


class ProfileEventKind(StrEnum):
    MERGED = "merged"
    """`profile_id` was merged into `other_profile_id` (and left matching)."""
    DEACTIVATED = "deactivated"
    """`profile_id` was deactivated by an operator, with a reason."""
    NOT_DUPLICATE = "not_duplicate"
    """`profile_id` and `other_profile_id` are two people: the pair is no longer flagged."""


class ProfileEvent(Base):
    __tablename__ = "profile_events"
    __table_args__ = (Index("ix_profile_events_kind_profile", "kind", "profile_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("freelancer_profiles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[ProfileEventKind] = mapped_column(
        str_enum(ProfileEventKind, "profile_event_kind", 16), nullable=False
    )
    other_profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("freelancer_profiles.id", ondelete="CASCADE"), nullable=True, index=True
    )
    actor_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    reason: Mapped[str] = mapped_column(String(1000), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(), default=utcnow, nullable=False)
