"""Accounts and their API keys: creation, registration that is safe to retry, and key replacement.

Shared by freelancer and company registration, the operator route that issues a new key and the CLI.
A key is shown once and stored only as a keyed hash; a lost one is replaced, never recovered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, RegistrationIdempotencyKey
from models.base import utcnow
from models.enums import Role
from service.accounts.api_keys import REGISTRATION_LABEL, add_key, replace_keys
from service.auth.keys import keyed_hash
from service.errors import Conflict, FieldError, InvalidInput, NotFound
from service.i18n import _
from service.validation_texts import Code

logger = logging.getLogger("ctomatch.accounts")

IDEMPOTENCY_HEADER = "Idempotency-Key"
#: A retry with the same Idempotency-Key is answered with the first registration for this long.
IDEMPOTENCY_WINDOW = timedelta(hours=24)
#: 8 to 255 visible ASCII characters (a UUID is a good choice).
IDEMPOTENCY_KEY_PATTERN = "^[!-~]{8,255}$"
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
_IDEMPOTENCY_FIELD = f"header.{IDEMPOTENCY_HEADER}"


def _email_conflict(email: str) -> Conflict:
    return Conflict(
        _("an account with e-mail '%(email)s' already exists", email=email), extra={"field": "body.email"}
    )


async def email_taken(session: AsyncSession, email: str) -> bool:
    taken = await session.scalar(select(Account.id).where(func.lower(Account.email) == email.lower()))
    return taken is not None


async def ensure_email_free(session: AsyncSession, email: str) -> None:
    if await email_taken(session, email):
        raise _email_conflict(email)


async def _new_account(
    session: AsyncSession, *, email: str, role: Role, display_name: str, secret_key: str, api_key: str | None
) -> tuple[Account, str]:
    """Adds and flushes an account with its first API key (in `api_keys`); the key in clear, once."""
    account = Account(email=email.lower(), role=role, display_name=display_name)
    session.add(account)
    await session.flush()
    _, key = add_key(session, account, REGISTRATION_LABEL, secret_key, key=api_key)
    await session.flush()
    return account, key


async def create_account(
    session: AsyncSession,
    *,
    email: str,
    role: Role,
    display_name: str,
    secret_key: str,
    api_key: str | None = None,
) -> tuple[Account, str]:
    """Adds (does not commit) an account; returns it with its API key in clear, to show once."""
    await ensure_email_free(session, email)
    return await _new_account(
        session, email=email, role=role, display_name=display_name, secret_key=secret_key, api_key=api_key
    )


@dataclass(frozen=True)
class Registration:
    """A registered account and its new key; `replayed` when a retry found the account it had made."""

    account: Account
    api_key: str
    replayed: bool


@dataclass(frozen=True)
class _Claim:
    """Keyed hashes of an Idempotency-Key and of the request it came with (never the clear values)."""

    key_hash: str
    request_hash: str


def idempotency_key_errors(idempotency_key: str | None) -> list[FieldError]:
    """What is wrong with an Idempotency-Key header's form (none sent: nothing), to report with the body's."""
    if idempotency_key is None or _IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        return []
    return [FieldError(_IDEMPOTENCY_FIELD, _("must be 8 to 255 visible ASCII characters"), Code.PATTERN)]


def _claim(idempotency_key: str, role: Role, request: msgspec.Struct, secret_key: str) -> _Claim:
    if errors := idempotency_key_errors(idempotency_key):
        raise InvalidInput(errors)
    # The decoded body, re-encoded in its schema's field order: the same request however it is spelt.
    body = msgspec.json.encode(request, order="deterministic")
    return _Claim(
        key_hash=keyed_hash(idempotency_key, secret_key, purpose="idempotency-key"),
        request_hash=keyed_hash(role.value.encode() + b"\n" + body, secret_key, purpose="registration"),
    )


async def _replay(session: AsyncSession, claim: _Claim, secret_key: str) -> Registration | None:
    """The account an earlier request with this key created, with a fresh key; None if there is none."""
    record = await session.get(RegistrationIdempotencyKey, claim.key_hash)
    if record is None or record.created_at < utcnow() - IDEMPOTENCY_WINDOW:
        return None
    if record.request_hash != claim.request_hash:
        reason = _("this key was already used for another request; send a new key")
        raise InvalidInput([FieldError(_IDEMPOTENCY_FIELD, reason, Code.REUSED)])
    account = await session.get(Account, record.account_id)
    if account is None:  # pragma: no cover - the record is deleted with its account
        return None
    key = await replace_api_key(session, account, secret_key, by="a retry with the same Idempotency-Key")
    return Registration(account, key, replayed=True)


async def register_account(
    session: AsyncSession,
    *,
    email: str,
    role: Role,
    display_name: str,
    secret_key: str,
    request: msgspec.Struct,
    attach: Callable[[Account], None],
    idempotency_key: str | None = None,
    api_key: str | None = None,
) -> Registration:
    """Creates and commits an account and what `attach` adds to the session for it (profile, company).

    A duplicate e-mail is 409, whether the check before the insert sees it or the unique index refuses
    it at flush or commit (two registrations at once): that IntegrityError is handled here, once. With
    an `idempotency_key` seen in the last 24 h for the same request, the first registration is answered
    again with a fresh key that replaces the one whose answer never arrived.
    """
    claim = None if idempotency_key is None else _claim(idempotency_key, role, request, secret_key)
    if claim is not None:
        if (replayed := await _replay(session, claim, secret_key)) is not None:
            return replayed
        # An expired record no longer answers; it makes way for this registration.
        await session.execute(
            delete(RegistrationIdempotencyKey).where(
                RegistrationIdempotencyKey.key_hash == claim.key_hash,
                RegistrationIdempotencyKey.created_at < utcnow() - IDEMPOTENCY_WINDOW,
            )
        )
    refused: IntegrityError | None = None
    try:
        if not await email_taken(session, email):
            account, key = await _new_account(
                session,
                email=email,
                role=role,
                display_name=display_name,
                secret_key=secret_key,
                api_key=api_key,
            )
            attach(account)
            if claim is not None:
                session.add(
                    RegistrationIdempotencyKey(
                        key_hash=claim.key_hash, request_hash=claim.request_hash, account_id=account.id
                    )
                )
            await session.commit()
            return Registration(account, key, replayed=False)
    except IntegrityError as exc:
        await session.rollback()
        refused = exc
    # Someone holds this e-mail, or this key: a concurrent twin of this very request may have won.
    if claim is not None and (replayed := await _replay(session, claim, secret_key)) is not None:
        return replayed
    if refused is not None and not await email_taken(session, email):
        raise refused
    raise _email_conflict(email)


async def get_account(session: AsyncSession, account_id: int) -> Account:
    account = await session.get(Account, account_id)
    if account is None:
        raise NotFound(_("no account %(id)s", id=account_id))
    return account


async def get_account_by_email(session: AsyncSession, email: str) -> Account:
    account = await session.scalar(select(Account).where(func.lower(Account.email) == email.lower()))
    if account is None:
        raise NotFound(_("no account with e-mail '%(email)s'", email=email))
    return account


async def replace_api_key(session: AsyncSession, account: Account, secret_key: str, *, by: str) -> str:
    """Revokes the account's active keys and issues and commits a new one: the old ones are refused
    from that commit on. Returns the new key in clear, to show once. Who asked is logged (never the key).
    """
    _, key = await replace_keys(session, account, secret_key, by=by)
    return key
