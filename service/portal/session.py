"""Web-app sign-in state: a server-side session holding only the account id (and a flash message).

The browser gets a random id in an HttpOnly, SameSite=Lax cookie (Secure in production) for the whole
site; signing in issues a fresh id (no fixation) and every request reloads the account, so a
deactivated or erased account is signed out at once. The console keeps its own session (path
`/console`): the two never share a cookie.
"""

from __future__ import annotations

from typing import Any, Literal

from litestar import Request
from litestar.datastructures import Cookie

from service.session_store import drop_expired
from service.web.session import ConsoleSessionConfig

SESSION_COOKIE = "ctomatch_session"
CSRF_COOKIE = "ctomatch_form"
SESSION_STORE = "portal_sessions"
SESSION_MAX_AGE = 14 * 24 * 3600  # two weeks, renewed while the person keeps using the site
SIGN_IN_PATH = "/sign-in"

_ACCOUNT = "account_id"
_FLASH = "flash"
_ROTATE = "_rotate_id"

FlashKind = Literal["success", "error", "info"]


def portal_session_config(*, secure: bool) -> ConsoleSessionConfig:
    """The console's rotating server-side session, on the whole site under its own cookie."""
    return ConsoleSessionConfig(
        key=SESSION_COOKIE,
        store=SESSION_STORE,
        path="/",
        max_age=SESSION_MAX_AGE,
        renew_on_access=True,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


async def open_session(request: Request[Any, Any, Any], account_id: int) -> Cookie:
    """Sign in under a new session id; returns the cookie that retires the pre-sign-in form token."""
    request.set_session({_ACCOUNT: account_id, _ROTATE: True})
    await drop_expired(request.app.stores.get(SESSION_STORE))
    return Cookie(key=CSRF_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="lax")


def close_session(request: Request[Any, Any, Any]) -> None:
    request.clear_session()


def session_account_id(request: Request[Any, Any, Any]) -> int | None:
    session = request.scope.get("session")
    value = session.get(_ACCOUNT) if isinstance(session, dict) else None
    return value if isinstance(value, int) else None


def flash(request: Request[Any, Any, Any], kind: FlashKind, text: str) -> None:
    """A one-time message for the next page (POST, redirect, GET); already in the reader's language.

    After `close_session` it opens an anonymous session that holds only the message."""
    if not isinstance(request.scope.get("session"), dict):
        request.set_session({})
    request.session[_FLASH] = {"kind": kind, "text": text}


def take_flash(request: Request[Any, Any, Any]) -> dict[str, str] | None:
    session = request.scope.get("session")
    if not isinstance(session, dict):
        return None
    message = session.pop(_FLASH, None)
    return message if isinstance(message, dict) else None
