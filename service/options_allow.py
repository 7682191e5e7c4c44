"""`Allow` on OPTIONS answers lists every method of the path, not only the first handler's.

Litestar generates an OPTIONS handler per path while it registers handlers; when a controller adds a
second method to a path (GET then POST on `/api/v1/freelancers`), the generated handler keeps the
methods it saw first, so the answer said `Allow: GET, OPTIONS`. This `before_send` hook rewrites the
header from the app's final route table.
"""

from __future__ import annotations

from functools import cache

from litestar import Litestar
from litestar.types import Message, Scope


@cache
def _methods_by_path(app: Litestar) -> dict[str, str]:
    table: dict[str, set[str]] = {}
    for route in app.routes:
        table.setdefault(route.path, set()).update(getattr(route, "methods", ()))
    return {path: ", ".join(sorted(methods | {"OPTIONS"})) for path, methods in table.items()}


async def complete_allow_header(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    handler = scope.get("route_handler")
    app = scope.get("litestar_app") or scope.get("app")
    if handler is None or not isinstance(app, Litestar):
        return
    allow = next((_methods_by_path(app).get(p) for p in handler.paths if p in _methods_by_path(app)), None)
    if allow is None:
        return
    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
    message["headers"] = [*headers, (b"allow", allow.encode("latin-1"))]
