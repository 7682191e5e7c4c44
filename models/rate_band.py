"""The TJM market grid by experience band (DOMAIN.md §1); operators may update the figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, DateTimeUTC, utcnow


class RateBand(Base):
    __tablename__ = "rate_bands"
    __table_args__ = (
        CheckConstraint("tjm_low <= tjm_high", name="tjm_range"),
        CheckConstraint("tjm_ceiling IS NULL OR tjm_ceiling >= tjm_high", name="tjm_ceiling"),
    )

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    label_en: Mapped[str] = mapped_column(String(100), nullable=False)
    label_fr: Mapped[str] = mapped_column(String(100), nullable=False)
    min_years: Mapped[float] = mapped_column(Float, nullable=False)
    max_years: Mapped[float | None] = mapped_column(Float, nullable=True)
    tjm_low: Mapped[int] = mapped_column(Integer, nullable=False)
    tjm_high: Mapped[int] = mapped_column(Integer, nullable=False)
    tjm_ceiling: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTimeUTC(), default=utcnow, onupdate=utcnow, nullable=False
    )
