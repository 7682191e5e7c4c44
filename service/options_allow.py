"""`Allow` on OPTIONS answers lists every method of the path, not only the first handler's.

Litestar generates an OPTIONS handler per path while it registers handlers; when a controller adds a
second method to a path (GET then POST on `/api/v1/freelancers`), the generated handler keeps the
methods it saw first, so the answer said `Allow: GET, OPTIONS`. This `before_send` hook rewrites the
header from the app's final route table.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.types import Message, Scope

_STATE_KEY = "allow_by_path"


def _allow_by_path(app: Litestar) -> dict[str, str]:
    """The `Allow` value of every path, built once per app and kept in its state (not a global cache,
    which would keep every app ever built alive)."""
    table: dict[str, str] | None = app.state.get(_STATE_KEY)
    if table is None:
        methods: dict[str, set[str]] = {}
        for route in app.routes:
            methods.setdefault(route.path, set()).update(getattr(route, "methods", ()))
        table = {path: ", ".join(sorted(found | {"OPTIONS"})) for path, found in methods.items()}
        app.state[_STATE_KEY] = table
    return table


async def complete_allow_header(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    handler = scope.get("route_handler")
    app = scope.get("litestar_app") or scope.get("app")
    if handler is None or not isinstance(app, Litestar):
        return
    table = _allow_by_path(app)
    allow = next((table[p] for p in handler.paths if p in table), None)
    if allow is None:
        return
    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
    message["headers"] = [*headers, (b"allow", allow.encode("latin-1"))]
