"""Freelance CTO profiles and the competences / CTO missions they hold."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, DateTimeUTC, JSONType, TimestampMixin, str_enum, utcnow
from models.enums import Orientation, RemotePreference


class FreelancerProfile(TimestampMixin, Base):
    __tablename__ = "freelancer_profiles"
    __table_args__ = (
        CheckConstraint("years_experience >= 0 AND years_experience <= 60", name="years_range"),
        CheckConstraint("tjm >= 100 AND tjm <= 5000", name="tjm_range"),
        CheckConstraint("days_per_week >= 1 AND days_per_week <= 5", name="days_per_week_range"),
        # The freelancer list's default order (newest first), both directions.
        Index("ix_freelancer_profiles_updated_at_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    full_name: Mapped[str] = mapped_column(String(200), nullable=False)
    headline: Mapped[str] = mapped_column(String(300), nullable=False)
    summary: Mapped[str] = mapped_column(Text, default="", nullable=False)
    years_experience: Mapped[float] = mapped_column(Float, nullable=False, index=True)
    tjm: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    available_from: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    days_per_week: Mapped[int] = mapped_column(Integer, nullable=False)
    remote_preference: Mapped[RemotePreference] = mapped_column(
        str_enum(RemotePreference, "remote_preference", 16), nullable=False
    )
    location: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    #: Cities or regions where the freelancer can also work on site (besides `location`), as written
    #: (known places in the spelling of fixtures/places.json); `mobility_anywhere`: anywhere in France.
    mobility: Mapped[list[str]] = mapped_column(
        JSONType, default=list, server_default=text("'[]'"), nullable=False
    )
    mobility_anywhere: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), nullable=False
    )
    orientation: Mapped[Orientation] = mapped_column(str_enum(Orientation, "orientation", 8), nullable=False)
    sectors: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    certifications: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, nullable=False)
    stack: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    past_roles: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, nullable=False)
    references: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, nullable=False)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    linkedin_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False, index=True)
    #: The profile this one was merged into (a second registration of the same person): it stays
    #: inactive, its matches and their history kept, shown on the kept profile's page.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("freelancer_profiles.id", ondelete="SET NULL"), nullable=True, index=True
    )
    merged_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
    #: When the freelancer last said their availability is right (the web app's "confirm" action, or
    #: a write of the profile); 30 days later they are reminded and operators see it as unconfirmed.
    availability_confirmed_at: Mapped[datetime | None] = mapped_column(
        DateTimeUTC(), default=utcnow, nullable=True
    )
    availability_reminded_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
    # Moved by every write of the profile, child rows included (service.revisions.lock_for_write).
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)
    # The revision this row had when its matches were last computed, and by which algorithm:
    # the row is stale (rescored by the periodic sweep) while either differs from now.
    scored_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    scored_algorithm: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The revision the stale sweep last queued, and when: it is not queued again until that send has
    # had JOB_STALL_SECONDS to run (a lost send is retried after that).
    sweep_queued_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sweep_queued_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)

    account: Mapped[Account] = relationship(lazy="joined")
    competences: Mapped[list[ProfileCompetence]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProfileCompetence.competence_id"
    )
    cto_missions: Mapped[list[ProfileCtoMission]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProfileCtoMission.cto_mission_id"
    )


class ProfileCompetence(Base):
    __tablename__ = "profile_competences"
    __table_args__ = (CheckConstraint("level >= 1 AND level <= 5", name="level_range"),)

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("freelancer_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    competence_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_items.id"), primary_key=True, index=True)
    level: Mapped[int] = mapped_column(Integer, nullable=False)


class ProfileCtoMission(Base):
    __tablename__ = "profile_cto_missions"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("freelancer_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    cto_mission_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_items.id"), primary_key=True)


from models.account import Account  # noqa: E402  (relationship target, imported late to avoid a cycle)
