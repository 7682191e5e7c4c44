"""API keys an account manages: several at once, each labelled, shown once, revocable, kept as a hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, DateTimeUTC, utcnow


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100), nullable=False)
    #: HMAC-SHA256 of the key keyed by SECRET_KEY (service/auth/keys.py): the key itself is never kept.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: The first characters of the key, so its owner can tell keys apart.
    key_prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(), default=utcnow, nullable=False)
    #: Updated at most once a minute per key, so a busy client does not write on every call.
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
    #: Set once: a revoked key is refused from that commit on.
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
    revoked_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )

    @property
    def active(self) -> bool:
        return self.revoked_at is None
