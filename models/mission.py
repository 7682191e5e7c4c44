"""Missions a company posts: the CTO missions to cover, competences, seniority, budget, schedule."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, DateTimeUTC, TimestampMixin, str_enum
from models.company import Company
from models.enums import Context, MissionStatus, Orientation, RemotePolicy


class Mission(TimestampMixin, Base):
    __tablename__ = "missions"
    __table_args__ = (
        CheckConstraint("tjm_min >= 100 AND tjm_min <= tjm_max AND tjm_max <= 5000", name="budget_range"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_order"),
        CheckConstraint("days_per_week >= 1 AND days_per_week <= 5", name="days_per_week_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    orientation: Mapped[Orientation] = mapped_column(str_enum(Orientation, "orientation", 8), nullable=False)
    seniority: Mapped[str] = mapped_column(ForeignKey("rate_bands.id"), nullable=False, index=True)
    tjm_min: Mapped[int] = mapped_column(Integer, nullable=False)
    tjm_max: Mapped[int] = mapped_column(Integer, nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    days_per_week: Mapped[int] = mapped_column(Integer, nullable=False)
    remote_policy: Mapped[RemotePolicy] = mapped_column(
        str_enum(RemotePolicy, "remote_policy", 8), nullable=False
    )
    location: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    sector: Mapped[str] = mapped_column(String(80), default="", nullable=False)
    context: Mapped[Context] = mapped_column(str_enum(Context, "mission_context", 16), nullable=False)
    status: Mapped[MissionStatus] = mapped_column(
        str_enum(MissionStatus, "mission_status", 8), default=MissionStatus.OPEN, nullable=False, index=True
    )
    # Moved by every write of the mission, child rows included (service.revisions.lock_for_write).
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)
    # The revision this row had when its matches were last computed, and by which algorithm:
    # the row is stale (rescored by the periodic sweep) while either differs from now.
    scored_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    scored_algorithm: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The revision the stale sweep last queued, and when: it is not queued again until that send has
    # had JOB_STALL_SECONDS to run (a lost send is retried after that).
    sweep_queued_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sweep_queued_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)

    company: Mapped[Company] = relationship(lazy="joined")
    competences: Mapped[list[MissionCompetence]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MissionCompetence.competence_id"
    )
    cto_missions: Mapped[list[MissionCtoMission]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MissionCtoMission.cto_mission_id"
    )


class MissionCompetence(Base):
    """A competence a mission asks for; `required` false means nice-to-have."""

    __tablename__ = "mission_competences"

    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), primary_key=True)
    competence_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_items.id"), primary_key=True, index=True)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False)


class MissionCtoMission(Base):
    __tablename__ = "mission_cto_missions"

    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), primary_key=True)
    cto_mission_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_items.id"), primary_key=True)
