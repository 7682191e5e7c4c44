"""One-time links (verify an e-mail, reset a password): random tokens, kept only as keyed hashes.

The clear token travels once, in the e-mail; the database holds its HMAC (keyed by SECRET_KEY, like
API keys), so a leaked table opens nothing. A token expires (verify: 48 h, reset: 1 h), is used once,
and a new reset link retires the older ones of the account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, AccountToken
from models.base import utcnow
from models.enums import TokenPurpose
from service.auth.keys import keyed_hash

LIFETIME: Final[dict[TokenPurpose, timedelta]] = {
    TokenPurpose.VERIFY_EMAIL: timedelta(hours=48),
    TokenPurpose.RESET_PASSWORD: timedelta(hours=1),
}

TokenProblem = Literal["unknown", "expired", "used"]


class TokenRefused(Exception):
    """The link cannot be used: unknown (or of another purpose), expired, or already used."""

    def __init__(self, problem: TokenProblem) -> None:
        super().__init__(f"token {problem}")
        self.problem: TokenProblem = problem


@dataclass(frozen=True)
class IssuedToken:
    """A new token in clear (for the link, never stored) and its row."""

    value: str
    row: AccountToken


def token_hash(value: str, secret_key: str) -> str:
    return keyed_hash(value, secret_key, purpose="account-token")


async def issue_token(
    session: AsyncSession,
    account: Account,
    purpose: TokenPurpose,
    secret_key: str,
    *,
    now: datetime | None = None,
) -> IssuedToken:
    """Adds (does not commit) a new token; a reset token retires the account's unused reset tokens."""
    moment = now or utcnow()
    if purpose is TokenPurpose.RESET_PASSWORD:
        await session.execute(
            update(AccountToken)
            .where(
                AccountToken.account_id == account.id,
                AccountToken.purpose == purpose,
                AccountToken.used_at.is_(None),
            )
            .values(used_at=moment)
        )
    value = secrets.token_urlsafe(32)
    row = AccountToken(
        account_id=account.id,
        purpose=purpose,
        token_hash=token_hash(value, secret_key),
        created_at=moment,
        expires_at=moment + LIFETIME[purpose],
    )
    session.add(row)
    await session.flush()
    return IssuedToken(value, row)


async def find_token(
    session: AsyncSession, value: str, purpose: TokenPurpose, secret_key: str, *, now: datetime | None = None
) -> tuple[AccountToken, Account]:
    """The usable token and its account; `TokenRefused` says why not. Does not consume it."""
    row = await session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == token_hash(value, secret_key), AccountToken.purpose == purpose
        )
    )
    account = None if row is None else await session.get(Account, row.account_id)
    if row is None or account is None or not account.active or account.erased_at is not None:
        raise TokenRefused("unknown")
    if row.used_at is not None:
        raise TokenRefused("used")
    if row.expires_at <= (now or utcnow()):
        raise TokenRefused("expired")
    return row, account


async def consume_token(
    session: AsyncSession, value: str, purpose: TokenPurpose, secret_key: str, *, now: datetime | None = None
) -> Account:
    """Marks the token used (guarded, so two clicks at once use it once) and returns its account."""
    moment = now or utcnow()
    row, account = await find_token(session, value, purpose, secret_key, now=moment)
    claimed = await session.execute(
        update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=moment)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise TokenRefused("used")
    return account


async def latest_token_time(session: AsyncSession, account_id: int, purpose: TokenPurpose) -> datetime | None:
    """When the account last got a token of this purpose (the resend rate limit reads it)."""
    return await session.scalar(
        select(AccountToken.created_at)
        .where(AccountToken.account_id == account_id, AccountToken.purpose == purpose)
        .order_by(AccountToken.created_at.desc())
        .limit(1)
    )
