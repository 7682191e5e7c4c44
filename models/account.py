"""Accounts: who calls the API, with which role; the API key is kept only as a keyed hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, DateTimeUTC, TimestampMixin, str_enum
from models.enums import Role


class Account(TimestampMixin, Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    role: Mapped[Role] = mapped_column(
        str_enum(Role, "role", 20),
        nullable=False,
    )
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    api_key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    api_key_prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    #: When the current key replaced an earlier one (NULL: still the key issued at creation).
    api_key_rotated_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
