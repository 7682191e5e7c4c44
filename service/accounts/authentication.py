"""Password sign-in, slowed against guessing: failures are counted per account and per client.

After `SIGN_IN_MAX_FAILURES` wrong passwords for one e-mail within `SIGN_IN_WINDOW_SECONDS`, that
account refuses passwords until the oldest failure leaves the window, and so does a client address
after `SIGN_IN_MAX_FAILURES_PER_CLIENT` (one machine trying many accounts). The counts live in the
database, so every API process sees them. An unknown e-mail costs the same hash check as a known one
and gets the same answer, so the form does not tell who has an account.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from models import Account, SignInFailure
from models.base import utcnow
from service.accounts.passwords import hash_password, needs_rehash, verify_password
from service.i18n import _, ngettext
from service.settings import Settings

logger = logging.getLogger("ctomatch.accounts")


class SignInRefused(Exception):
    """Why a sign-in failed, said to the person (`message`), and when to retry if locked out."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after

    @property
    def locked(self) -> bool:
        return self.retry_after is not None


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class _Window:
    count: int
    oldest: datetime | None


async def _failures(
    session: AsyncSession, column: InstrumentedAttribute[str], value: str, since: datetime
) -> _Window:
    row = (
        await session.execute(
            select(func.count(SignInFailure.id), func.min(SignInFailure.created_at)).where(
                column == value, SignInFailure.created_at >= since
            )
        )
    ).one()
    return _Window(int(row[0]), row[1])


def _wait(oldest: datetime | None, window: timedelta, now: datetime) -> tuple[int, str]:
    """Seconds until the oldest counted failure leaves the window, and that time in words."""
    seconds = max(1, math.ceil(((oldest or now) + window - now).total_seconds()))
    minutes = max(1, math.ceil(seconds / 60))
    return seconds, ngettext("%(num)s minute", "%(num)s minutes", minutes)


async def _check_not_locked(
    session: AsyncSession, email: str, client: str, settings: Settings, now: datetime
) -> None:
    window = timedelta(seconds=settings.sign_in_window_seconds)
    since = now - window
    by_account = await _failures(session, SignInFailure.email, email, since)
    if by_account.count >= settings.sign_in_max_failures:
        seconds, wait = _wait(by_account.oldest, window, now)
        message = _(
            "Too many wrong passwords for this account: for its safety, sign-in is paused. "
            "Try again in %(wait)s, or reset your password.",
            wait=wait,
        )
        raise SignInRefused(message, retry_after=seconds)
    by_client = await _failures(session, SignInFailure.client, client, since)
    if by_client.count >= settings.sign_in_max_failures_per_client:
        seconds, wait = _wait(by_client.oldest, window, now)
        message = _("Too many failed sign-ins from this connection. Try again in %(wait)s.", wait=wait)
        raise SignInRefused(message, retry_after=seconds)


async def authenticate(
    session: AsyncSession, email: str, password: str, client_address: str, settings: Settings
) -> Account:
    """The account whose e-mail and password these are; `SignInRefused` otherwise (committed, so the
    failure counts even though the request fails)."""
    address = normalise_email(email)
    client = (client_address or "unknown")[:64]
    now = utcnow()
    await _check_not_locked(session, address, client, settings, now)
    account = await session.scalar(select(Account).where(func.lower(Account.email) == address))
    usable = account is not None and account.erased_at is None
    if not verify_password(account.password_hash if usable and account else None, password) or not usable:
        session.add(SignInFailure(email=address, client=client, created_at=now))
        await session.commit()
        logger.info("password sign-in refused", extra={"client": client})
        raise SignInRefused(_("Wrong e-mail or password."))
    assert account is not None and account.password_hash is not None
    if not account.active:
        raise SignInRefused(_("This account is deactivated. Contact an operator to reopen it."))
    await session.execute(delete(SignInFailure).where(SignInFailure.email == address))
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    await session.commit()
    return account
