"""API keys an account manages: create (shown once), list, revoke; an operator replaces or revokes any.

A key is stored only as its keyed hash (service/auth/keys.py). Revoking is a guarded update that sets
`revoked_at` once; from that commit on the key is refused with 401. Who revoked or replaced a key is
logged (never the key).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, ApiKey
from models.base import utcnow
from service.auth.keys import display_prefix, generate_api_key, hash_api_key
from service.errors import FieldError, InvalidInput, NotFound
from service.i18n import _

logger = logging.getLogger("ctomatch.accounts")

LABEL_MAX: Final = 100
#: Labels of the keys the product issues itself.
REGISTRATION_LABEL: Final = "registration"
REPLACEMENT_LABEL: Final = "replacement"
#: The label migration 0010 gave the key each account had before keys had their own table.
COPIED_LABEL: Final = "first key"


def add_key(
    session: AsyncSession, account: Account, label: str, secret_key: str, *, key: str | None = None
) -> tuple[ApiKey, str]:
    """Adds (does not commit) a key for `account`; returns its row and the key in clear, to show once."""
    clear = key or generate_api_key(account.role)
    row = ApiKey(
        account_id=account.id,
        label=label,
        key_hash=hash_api_key(clear, secret_key),
        key_prefix=display_prefix(clear),
        created_at=utcnow(),
    )
    session.add(row)
    return row, clear


def clean_label(label: str) -> str:
    """The label as stored; `InvalidInput` (field `body.label`) when empty or too long."""
    text = " ".join(label.split())
    if not text:
        raise InvalidInput([FieldError("body.label", _("give the key a label, e.g. the tool that uses it"))])
    if len(text) > LABEL_MAX:
        raise InvalidInput([FieldError("body.label", _("at most %(n)s characters", n=LABEL_MAX))])
    return text


async def create_key(
    session: AsyncSession, account: Account, label: str, secret_key: str
) -> tuple[ApiKey, str]:
    """A new key beside the account's others, committed; the key in clear is returned once."""
    row, clear = add_key(session, account, clean_label(label), secret_key)
    await session.commit()
    logger.info("API key %s created for account %s", row.id, account.id)
    return row, clear


async def keys_of(session: AsyncSession, account_id: int) -> Sequence[ApiKey]:
    """The account's keys, active first, newest first."""
    rows = await session.scalars(
        select(ApiKey)
        .where(ApiKey.account_id == account_id)
        .order_by(ApiKey.revoked_at.is_not(None), ApiKey.id.desc())
    )
    return rows.all()


async def revoke_key(
    session: AsyncSession, key_id: int, *, by_account_id: int, owner_id: int | None
) -> ApiKey:
    """Revokes one key and commits. With `owner_id`, only that account's key (another's is 404, like a
    missing one); without, any key (operators). Revoking a revoked key changes nothing."""
    row = await session.get(ApiKey, key_id)
    if row is None or (owner_id is not None and row.account_id != owner_id):
        raise NotFound(_("no API key %(id)s", id=key_id))
    if row.revoked_at is None:
        await session.execute(
            update(ApiKey)
            .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_by_account_id=by_account_id)
        )
        await session.commit()
        await session.refresh(row)
        logger.info("API key %s of account %s revoked by account %s", row.id, row.account_id, by_account_id)
    return row


async def replace_keys(
    session: AsyncSession, account: Account, secret_key: str, *, by: str, by_account_id: int | None = None
) -> tuple[ApiKey, str]:
    """Revokes every active key of `account` and issues one new key, in one commit (a lost or leaked
    key). Returns the new row and the key in clear, to show once."""
    # The account's row lock serialises replacements (concurrent retries of one registration): each
    # waits for the one before to commit, then revokes the key it issued, so one key stays active.
    await session.execute(select(Account.id).where(Account.id == account.id).with_for_update())
    now = utcnow()
    await session.execute(
        update(ApiKey)
        .where(ApiKey.account_id == account.id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_account_id=by_account_id)
    )
    row, clear = add_key(session, account, REPLACEMENT_LABEL, secret_key)
    await session.commit()
    logger.info("API keys of account %s (%s) replaced by %s", account.id, account.role, by)
    return row, clear
