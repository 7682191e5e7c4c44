"""Idempotency keys of registrations, so a registration whose answer was lost can be retried safely.

Only keyed hashes are stored (the key sent in the `Idempotency-Key` header and the request it came
with), never the key nor the body in clear; the account they created is what a retry answers with.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, DateTimeUTC, utcnow


class RegistrationIdempotencyKey(Base):
    __tablename__ = "registration_idempotency_keys"

    #: HMAC-SHA256 (keyed by SECRET_KEY) of the Idempotency-Key header; one registration per key.
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: HMAC-SHA256 of the role and the decoded request body: a retry must send the same request.
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(), default=utcnow, nullable=False, index=True)
