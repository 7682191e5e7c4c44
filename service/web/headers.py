"""The console's security headers, on every console response: pages, redirects, error pages, refusals.

A `before_send` hook rather than per-response headers: Litestar applies a router's `response_headers`
to what handlers return, not to responses built by exception handlers (the redirect to sign in) or
by middleware, so those used to go out without them. Static files keep their own cache policy.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from service.web.session import CONSOLE_PATH

STATIC_PREFIX = f"{CONSOLE_PATH}/static/"

#: No inline script or style, no framing, no referrer leak to elsewhere, never stored by a cache.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def is_console_page(path: str) -> bool:
    """A console route other than its static files."""
    in_console = path == CONSOLE_PATH or path.startswith(f"{CONSOLE_PATH}/")
    return in_console and not path.startswith(STATIC_PREFIX)


async def stamp_console_headers(message: Message, scope: Scope) -> None:
    """`before_send` hook of the console plugin: the headers above on every console response."""
    if message["type"] != "http.response.start" or not is_console_page(str(scope.get("path", ""))):
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
