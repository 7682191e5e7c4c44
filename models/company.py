"""Companies that post missions; each is owned by one company account."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.account import Account
from models.base import Base, TimestampMixin, str_enum
from models.enums import CompanySize, Context


class Company(TimestampMixin, Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    context: Mapped[Context] = mapped_column(str_enum(Context, "company_context", 16), nullable=False)
    sector: Mapped[str] = mapped_column(String(80), default="", nullable=False)
    size: Mapped[CompanySize] = mapped_column(str_enum(CompanySize, "company_size", 10), nullable=False)
    city: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    # Moved by every write of the company (service.revisions.lock_for_write): If-Match and last-writer-wins.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)

    account: Mapped[Account] = relationship(lazy="joined")
