"""Console sign-in state: a server-side session that holds the operator's account id and which credential.

The browser only gets a random session id (HttpOnly, SameSite=Lax, path `/console`). An operator signs
in with their API key or with their e-mail and password; either is checked once and never stored: the
session keeps which of the two it was and a fingerprint of that credential's stored hash. Every request
reloads the account, so:

- deactivating (or erasing) the account ends every console session of it at once, whatever opened it;
- a session opened with an API key ends when that key is replaced or revoked (the account's other
  keys do not keep it open);
- a session opened with the password ends when the password is changed or reset, and survives a key
  rotation: a new key is issued when the old one leaks, and a leaked key never let anyone into a
  password session (the reverse holds too: a password change leaves key sessions open).

Signing in issues a fresh session id, so an id planted in a browser before sign-in is worthless
afterwards (no fixation).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias
from urllib.parse import urlsplit

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.di import NamedDependency
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, ApiKey
from models.enums import Role
from service.auth.actor import Actor
from service.handler_params import DbSession
from service.session_store import drop_expired

CONSOLE_PATH = "/console"
SIGN_IN_PATH = f"{CONSOLE_PATH}/sign-in"
SESSION_COOKIE = "ctomatch_console"
CSRF_COOKIE = "ctomatch_csrf"
SESSION_STORE = "console_sessions"
SESSION_MAX_AGE = 8 * 3600  # a working day; renewed while the operator keeps using the console

_ACCOUNT = "account_id"
_CREDENTIAL = "credential"
_FINGERPRINT = "credential_fingerprint"
_NAME = "name"
_FLASH = "flash"
_ROTATE = "_rotate_id"

FlashKind = Literal["success", "error"]
#: What opened a console session: the operator's API key, or their e-mail and password.
Credential = Literal["api_key", "password"]


class _RotatingSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side backend, plus: no cookie for empty sessions, a new id at sign-in."""

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        if not scope_session or not isinstance(scope_session, dict):
            # Anonymous visitors cost neither a store entry nor a cookie; an old cookie is expired.
            if self.config.key in connection.cookies:
                await super().store_in_message(Empty, message, connection)
            return
        if not scope_session.pop(_ROTATE, False):
            await super().store_in_message(scope_session, message, connection)
            return
        store = self.config.get_store_from_app(connection.scope["app"])
        if previous := connection.cookies.get(self.config.key):
            await self.delete(previous, store=store)
        session_id = self.generate_session_id()
        await self.set(session_id, self.serialize_data(scope_session, connection.scope), store=store)
        cookie = Cookie(
            key=self.config.key,
            value=session_id,
            max_age=self.config.max_age,
            path=self.config.path,
            domain=self.config.domain,
            secure=self.config.secure,
            httponly=self.config.httponly,
            samesite=self.config.samesite,
        )
        MutableScopeHeaders.from_message(message).add("Set-Cookie", cookie.to_header(header=""))


class ConsoleSessionConfig(ServerSideSessionConfig):
    """`ServerSideSessionConfig` whose backend rotates the id at sign-in (see module docstring)."""

    _backend_class = _RotatingSessionBackend


def console_session_config(*, secure: bool) -> ConsoleSessionConfig:
    return ConsoleSessionConfig(
        key=SESSION_COOKIE,
        store=SESSION_STORE,
        path=CONSOLE_PATH,
        max_age=SESSION_MAX_AGE,
        renew_on_access=True,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


@dataclass(frozen=True)
class ConsoleOperator:
    """The signed-in operator: the `Actor` the services expect, plus a name for the page header."""

    actor: Actor
    name: str
    #: What the session was opened with, and a fingerprint of that credential's stored hash: a key
    #: replaced or a password changed since then ends the session, like a deactivated account.
    credential: Credential = "api_key"
    fingerprint: str = ""


#: What a console page declares (`operator: SignedInOperator`); the console router provides it.
SignedInOperator: TypeAlias = NamedDependency[ConsoleOperator]


class SignInRequired(Exception):
    """No valid console session: the router's handler redirects to the sign-in page, back to `next`."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign in to use the console")
        self.next_path = next_path


def safe_next(value: str | None, default: str = CONSOLE_PATH) -> str:
    """Only console paths on this site: a `next` parameter must never become an open redirect."""
    if not value or "\\" in value or any(ord(c) < 32 for c in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or ".." in parts.path.split("/"):
        return default
    if parts.path != CONSOLE_PATH and not parts.path.startswith(f"{CONSOLE_PATH}/"):
        return default
    return default if parts.path.startswith(SIGN_IN_PATH) else value


async def sign_in(request: Request[Any, Any, Any], operator: ConsoleOperator) -> Cookie:
    """Open the session (under a new id) and return the cookie that retires the pre-sign-in CSRF token.

    Expired sessions of a file or in-memory store are dropped here too, so abandoned ones never pile up.
    """
    request.set_session(
        {
            _ACCOUNT: operator.actor.account_id,
            _NAME: operator.name,
            _CREDENTIAL: operator.credential,
            _FINGERPRINT: operator.fingerprint,
            _ROTATE: True,
        }
    )
    await drop_expired(request.app.stores.get(SESSION_STORE))
    return Cookie(key=CSRF_COOKIE, value="", max_age=0, path=CONSOLE_PATH, httponly=True, samesite="lax")


def sign_out(request: Request[Any, Any, Any]) -> None:
    request.clear_session()


def flash(request: Request[Any, Any, Any], kind: FlashKind, text: str) -> None:
    """A one-time message for the next page (POST, redirect, GET)."""
    request.session[_FLASH] = {"kind": kind, "text": text}


def take_flash(request: Request[Any, Any, Any]) -> dict[str, str] | None:
    session = request.scope.get("session")
    if not isinstance(session, dict):
        return None
    message = session.pop(_FLASH, None)
    return message if isinstance(message, dict) else None


def session_account_id(request: Request[Any, Any, Any]) -> int | None:
    session = request.scope.get("session")
    value = session.get(_ACCOUNT) if isinstance(session, dict) else None
    return value if isinstance(value, int) else None


def session_name(request: Request[Any, Any, Any]) -> str | None:
    """The signed-in name, for error pages only (their handlers cannot query the database)."""
    session = request.scope.get("session")
    value = session.get(_NAME) if isinstance(session, dict) and _ACCOUNT in session else None
    return value if isinstance(value, str) else None


def key_fingerprint(key_hash: str) -> str:
    """The fingerprint of an API key: a prefix of its stored hash (already a keyed digest)."""
    return key_hash[:16]


def password_fingerprint(password_hash: str) -> str:
    """The fingerprint of a password: an argon2 hash starts with its (shared) parameters, so the
    whole hash is digested first."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


async def current_fingerprints(session: AsyncSession, account: Account, credential: Credential) -> set[str]:
    """The fingerprints the account's credentials of that kind have now (none: nothing matches)."""
    if credential == "password":
        return {password_fingerprint(account.password_hash)} if account.password_hash else set()
    hashes = await session.scalars(
        select(ApiKey.key_hash).where(ApiKey.account_id == account.id, ApiKey.revoked_at.is_(None))
    )
    return {key_fingerprint(h) for h in hashes}


def session_credential(request: Request[Any, Any, Any]) -> tuple[Credential, str]:
    """What opened this request's session and its fingerprint ("" for none: matches nothing)."""
    session = request.scope.get("session")
    stored = session if isinstance(session, dict) else {}
    kind = stored.get(_CREDENTIAL, "api_key")
    fingerprint = stored.get(_FINGERPRINT)
    credential: Credential = "password" if kind == "password" else "api_key"
    return credential, fingerprint if isinstance(fingerprint, str) else ""


async def load_operator(
    session: AsyncSession,
    account_id: int | None,
    credential: Credential = "api_key",
    fingerprint: str | None = None,
) -> ConsoleOperator | None:
    """The operator behind a session, if the account still exists, is active and is an operator, and
    still holds the credential the session was opened with (`fingerprint`; None, only right after a
    password was checked: the account's current password)."""
    if account_id is None:
        return None
    account = await session.get(Account, account_id, populate_existing=True)
    if account is None or not account.active or account.erased_at is not None:
        return None
    if account.role is not Role.OPERATOR:
        return None
    valid = await current_fingerprints(session, account, credential)
    if fingerprint is None and credential == "password" and valid:
        fingerprint = next(iter(valid))
    if fingerprint is None or fingerprint not in valid:
        return None
    actor = Actor(account.id, account.role, account.email)
    return ConsoleOperator(actor, account.display_name, credential, fingerprint)


async def operator_of_session(
    request: Request[Any, Any, Any], db_session: AsyncSession
) -> ConsoleOperator | None:
    """The operator this request's session still stands for, if any."""
    credential, fingerprint = session_credential(request)
    return await load_operator(db_session, session_account_id(request), credential, fingerprint)


async def provide_console_operator(request: Request[Any, Any, Any], db_session: DbSession) -> ConsoleOperator:
    """Dependency of every console page: the signed-in operator, or a redirect to sign in."""
    operator = await operator_of_session(request, db_session)
    if operator is None:
        if session_account_id(request) is not None:
            sign_out(request)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(here if request.method == "GET" else CONSOLE_PATH)
    return operator
