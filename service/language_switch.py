"""`GET /language/{code}?next=…`: remember a language for this browser and go back where one was."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from litestar import Request, Response, get
from litestar.datastructures import Cookie
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect

from service.auth.actor import ANONYMOUS, roles
from service.errors import NotFound
from service.i18n import _
from service.i18n.locale import LOCALE_COOKIE, SUPPORTED_LOCALES
from service.validation_texts import shown

ONE_YEAR = 365 * 24 * 3600


def safe_local_path(value: str | None, default: str = "/") -> str:
    """A path on this site only: `next` must never become an open redirect."""
    if not value or "\\" in value or any(ord(c) < 32 for c in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return default
    return value


@get(
    "/language/{code:str}",
    opt=roles(ANONYMOUS),
    include_in_schema=False,
    description="Roles: anyone (a page's language switch; sets a cookie, changes no data).",
    sync_to_thread=False,
)
def switch_language(
    request: Request[Any, Any, Any],
    code: FromPath[str],
    next_path: Annotated[str | None, QueryParameter(name="next")] = None,
) -> Response[Any]:
    if code not in SUPPORTED_LOCALES:
        raise NotFound(
            _(
                "no language '%(code)s'; available: %(available)s",
                code=shown(code),
                available=", ".join(SUPPORTED_LOCALES),
            )
        )
    cookie = Cookie(key=LOCALE_COOKIE, value=code, max_age=ONE_YEAR, path="/", samesite="lax", httponly=False)
    return Redirect(safe_local_path(next_path), status_code=303, cookies=[cookie])
