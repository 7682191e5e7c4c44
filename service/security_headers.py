"""Response headers every client can rely on: no MIME sniffing anywhere, no caching of keys or personal data.

One `before_send` hook, so it sees every response the app sends: routed ones, problems raised by the
guard or by middleware (413, 429), and the router's own 404/405 for unknown paths. The rule lives here:
- `X-Content-Type-Options: nosniff` on every response;
- `Cache-Control: no-store` on every `/api/v1` response (API keys at registration, profiles, contact
  data, matches...) except the successful reads of the public reference routes below, and on every
  error response, wherever it comes from.
The console sets its own, stricter, headers (`service.web.headers`).
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

API_PREFIX = "/api/v1"

#: Public, identical for everyone, safe for shared caches: the taxonomy, the rate grid, the market check.
PUBLIC_REFERENCE_PATHS = frozenset(
    {f"{API_PREFIX}/taxonomy", f"{API_PREFIX}/rate-grid", f"{API_PREFIX}/market-check"}
)
_READS = frozenset({"GET", "HEAD"})


def is_public_reference(method: str, path: str) -> bool:
    """A read of a public reference route: the only API answers that may be cached."""
    return method in _READS and (path.rstrip("/") or "/") in PUBLIC_REFERENCE_PATHS


def needs_no_store(method: str, path: str, status: int) -> bool:
    """Errors never, the API only for its public reference reads, may be stored by a cache."""
    if status >= 400:
        return True
    in_api = path == API_PREFIX or path.startswith(f"{API_PREFIX}/")
    return in_api and not is_public_reference(method, path)


async def stamp_security_headers(message: Message, scope: Scope) -> None:
    """`before_send` hook: see the module docstring for the rule."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    headers["X-Content-Type-Options"] = "nosniff"
    method = str(scope.get("method", "GET"))
    if needs_no_store(method, str(scope.get("path", "")), int(message["status"])):
        headers["Cache-Control"] = "no-store"
