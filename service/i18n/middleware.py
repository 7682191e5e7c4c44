"""`LocaleMiddleware`: every request (pages and JSON API alike) runs in the reader's locale.

The choice is the remembered switch (cookie), then `Accept-Language`, then French. Responses say
which language they are in (`Content-Language`) and that they vary with both inputs, so a shared
cache never serves a French page to an English reader.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from litestar.datastructures import Headers, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.i18n.locale import LOCALE_COOKIE, negotiate_locale, reset_locale, set_locale


def _cookie(headers: Headers, name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header must not fail the request
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def locale_of_scope(scope: Scope) -> str:
    headers = Headers.from_scope(scope)
    return negotiate_locale(_cookie(headers, LOCALE_COOKIE), headers.get("accept-language"))


def locale_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        locale = locale_of_scope(scope)
        token = set_locale(locale)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                headers.setdefault("Content-Language", locale)
                vary = headers.get("Vary")
                present = (vary or "").lower()
                wanted = [v for v in ("Accept-Language", "Cookie") if v.lower() not in present]
                if wanted:
                    headers["Vary"] = ", ".join(([vary] if vary else []) + wanted)
            await send(message)

        try:
            await app(scope, receive, send_with_language)
        finally:
            reset_locale(token)

    return middleware
