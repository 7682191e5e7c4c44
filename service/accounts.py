"""Create accounts with a fresh API key; shared by freelancer and company registration and the CLI."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account
from models.enums import Role
from service.auth.keys import display_prefix, generate_api_key, hash_api_key
from service.errors import Conflict


async def ensure_email_free(session: AsyncSession, email: str) -> None:
    taken = await session.scalar(select(Account.id).where(func.lower(Account.email) == email.lower()))
    if taken is not None:
        raise Conflict(f"an account with e-mail '{email}' already exists", extra={"field": "body.email"})


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
    key = api_key or generate_api_key(role)
    account = Account(
        email=email.lower(),
        role=role,
        display_name=display_name,
        api_key_hash=hash_api_key(key, secret_key),
        api_key_prefix=display_prefix(key),
    )
    session.add(account)
    await session.flush()
    return account, key


async def rotate_api_key(session: AsyncSession, account: Account, secret_key: str) -> str:
    key = generate_api_key(account.role)
    account.api_key_hash = hash_api_key(key, secret_key)
    account.api_key_prefix = display_prefix(key)
    await session.commit()
    return key
