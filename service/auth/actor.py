"""Who is calling: resolved once per request from the X-API-Key header, checked by one guard.

Each route declares the roles allowed to call it in `opt={"roles": ...}` (see `roles()`); the guard
refuses everyone else. Ownership rules (a freelancer edits only their own profile, ...) live in the
services, which receive the `Actor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, ApiKey, Company, FreelancerProfile
from models.base import utcnow
from models.enums import Role
from service.auth.keys import hash_api_key
from service.errors import Forbidden, Unauthenticated
from service.i18n import _

API_KEY_HEADER = "X-API-Key"
ANONYMOUS = "anonymous"
#: The OpenAPI schema and docs pages are generated routes; they are public.
DOCS_PATH = "/docs"
#: A key's `last_used_at` is written at most this often.
LAST_USED_PRECISION: Final = timedelta(minutes=1)


@dataclass(frozen=True)
class Actor:
    """The authenticated caller; `freelancer_id` / `company_id` are set for those roles."""

    account_id: int
    role: Role
    email: str
    freelancer_id: int | None = None
    company_id: int | None = None

    @property
    def is_operator(self) -> bool:
        return self.role is Role.OPERATOR


def roles(*allowed: Role | str) -> dict[str, Any]:
    """Route `opt` naming who may call it; include ANONYMOUS for public routes."""
    return {"roles": frozenset(str(r) for r in allowed)}


async def resolve_key(session: AsyncSession, api_key: str, secret_key: str) -> tuple[Actor, ApiKey] | None:
    """The caller of an active key of an active account, with that key's row; None otherwise."""
    found = (
        await session.execute(
            select(ApiKey, Account)
            .join(Account, ApiKey.account_id == Account.id)
            .where(ApiKey.key_hash == hash_api_key(api_key, secret_key), ApiKey.revoked_at.is_(None))
        )
    ).first()
    if found is None:
        return None
    key, account = found[0], found[1]
    if not account.active or account.erased_at is not None:
        return None
    freelancer_id = company_id = None
    if account.role is Role.FREELANCER:
        freelancer_id = await session.scalar(
            select(FreelancerProfile.id).where(FreelancerProfile.account_id == account.id)
        )
    elif account.role is Role.COMPANY:
        company_id = await session.scalar(select(Company.id).where(Company.account_id == account.id))
    return Actor(account.id, account.role, account.email, freelancer_id, company_id), key


async def resolve_actor(session: AsyncSession, api_key: str, secret_key: str) -> Actor | None:
    resolved = await resolve_key(session, api_key, secret_key)
    return None if resolved is None else resolved[0]


async def touch_key(session: AsyncSession, key: ApiKey, *, now: datetime | None = None) -> bool:
    """Records a use of the key at most once a minute (a guarded update: concurrent calls write once).

    Returns whether it wrote (the caller commits).
    """
    moment = now or utcnow()
    if key.last_used_at is not None and moment - key.last_used_at < LAST_USED_PRECISION:
        return False
    result = await session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key.id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < moment - LAST_USED_PRECISION),
        )
        .values(last_used_at=moment)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def allowed_roles(handler: BaseRouteHandler, path: str) -> frozenset[str]:
    value = handler.opt.get("roles")
    if value is None and (path == DOCS_PATH or path.startswith(DOCS_PATH + "/")):
        return frozenset({ANONYMOUS})
    if value is None and _is_generated_options_handler(handler):
        return frozenset({ANONYMOUS})  # answers 204 with `Allow`: it reveals only the route's methods
    if not isinstance(value, frozenset):
        raise RuntimeError(f"route {handler} does not declare its roles")
    return value


def _is_generated_options_handler(handler: BaseRouteHandler) -> bool:
    """Litestar adds an OPTIONS handler to every path that declares none (ours all declare roles)."""
    methods = getattr(handler, "http_methods", None)
    return methods == {"OPTIONS"} and getattr(handler.fn, "__name__", "") == "options_handler"


async def role_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Resolve the caller from its API key, then refuse it unless its role is one the route declares.

    A key that is sent but unknown is refused even on public routes, so a typo never silently turns
    a caller into an anonymous one.
    """
    allowed = allowed_roles(handler, connection.scope["path"])
    actor: Actor | None = None
    api_key = connection.headers.get(API_KEY_HEADER)
    if api_key:
        database = connection.app.state.database
        async with database.session() as session:
            resolved = await resolve_key(session, api_key, database.settings.secret_key)
            if resolved is not None:
                actor = resolved[0]
                if await touch_key(session, resolved[1]):
                    await session.commit()
        if actor is None:
            raise Unauthenticated(
                _("the API key in the %(header)s header is unknown or revoked", header=API_KEY_HEADER)
            )
    connection.scope["user"] = actor
    if ANONYMOUS in allowed:
        return
    if actor is None:
        raise Unauthenticated(_("send a valid API key in the %(header)s header", header=API_KEY_HEADER))
    if str(actor.role) not in allowed:
        raise Forbidden(
            _(
                "role '%(role)s' may not call this endpoint (allowed: %(allowed)s)",
                role=actor.role,
                allowed=", ".join(sorted(allowed)),
            )
        )


def current_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor | None:
    """The caller the guard resolved (None for an anonymous call on a public route)."""
    actor = connection.scope.get("user")
    return actor if isinstance(actor, Actor) else None


def require_actor(actor: Actor | None) -> Actor:
    if actor is None:
        raise Unauthenticated(_("send a valid API key in the %(header)s header", header=API_KEY_HEADER))
    return actor
