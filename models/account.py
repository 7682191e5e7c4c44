"""Accounts: who uses the product, with which role; keys (models/api_key.py), passwords and tokens are
kept only as hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, column_property, mapped_column

from models.api_key import ApiKey
from models.base import Base, DateTimeUTC, TimestampMixin, str_enum, utcnow
from models.enums import Role, TokenPurpose


class Account(TimestampMixin, Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    role: Mapped[Role] = mapped_column(
        str_enum(Role, "role", 20),
        nullable=False,
    )
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Read-only: the hash of the account's newest active key (keys live in `api_keys`), NULL without
    #: one. The console binds a key-opened session to it, so revoking or replacing the key ends it.
    api_key_hash: Mapped[str | None] = column_property(
        select(ApiKey.key_hash)
        .where(ApiKey.account_id == id, ApiKey.revoked_at.is_(None))
        .order_by(ApiKey.id.desc())
        .limit(1)
        .correlate_except(ApiKey)
        .scalar_subquery()
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    #: argon2 hash (service/accounts/passwords.py); NULL: the account signs in with an API key only.
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
    #: The language the account reads ("fr", "en"), for what is sent to it; NULL: French.
    locale: Mapped[str | None] = mapped_column(String(5), nullable=True)
    #: Set when the account was erased (GDPR art. 17): its personal data are gone, its id stays.
    erased_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)


class AccountToken(Base):
    """A one-time link (verify an e-mail, reset a password): only the token's hash is kept."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose, "token_purpose", 20), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(), default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)


class SignInFailure(Base):
    """One refused password, by e-mail (normalised) and client address: what the lockout counts."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_email_created_at", "email", "created_at"),
        Index("ix_sign_in_failures_client_created_at", "client", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    client: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(), default=utcnow, nullable=False)
