"""Per-request context: a request id, bound into every log line, echoed to the client, and one access
line plus one histogram observation per request.

Two pieces, because Litestar runs app middleware only for requests that matched a route:

- `RequestContextMiddleware` (first in the app's middleware, so outermost): assigns the id, binds
  it in structlog's contextvars for the whole request, times it, and records route *template*,
  status and duration — never the raw path, headers or query string;
- `stamp_response` (a `before_send` hook, which sees every response): adds the `X-Request-ID`
  header, and gives requests no route matched (404/405 from the router) an id and an access line.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from typing import TYPE_CHECKING, Any

import structlog
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware

from service.observability.metrics import api_metrics
from service.settings import Settings

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
#: Key of the request id in the ASGI scope's state (`request.state["request_id"]` in handlers).
REQUEST_ID_STATE_KEY = "request_id"
UNMATCHED_ROUTE = "<unmatched>"

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_HEADER_NAME = REQUEST_ID_HEADER.lower().encode("latin-1")

access_logger = structlog.get_logger("ctomatch.access")


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == _HEADER_NAME:
            candidate = value.decode("latin-1")
            return candidate if _SANE_REQUEST_ID.fullmatch(candidate) else None
    return None


def _assign_request_id(scope: Scope) -> str:
    """Reuse a sane incoming X-Request-ID (a proxy's, a client's), else a new uuid4 hex."""
    request_id = _incoming_request_id(scope) or uuid.uuid4().hex
    scope.setdefault("state", {})[REQUEST_ID_STATE_KEY] = request_id
    return request_id


def request_id_of(scope: Scope) -> str | None:
    value = scope.get("state", {}).get(REQUEST_ID_STATE_KEY)
    return value if isinstance(value, str) else None


def _log_access(method: str, route: str, status: int, duration_ms: float | None, request_id: str) -> None:
    fields: dict[str, Any] = {"method": method, "route": route, "status": status, "request_id": request_id}
    if duration_ms is not None:
        fields["duration_ms"] = duration_ms
    if status >= 500:
        access_logger.warning("request", **fields)
    else:
        access_logger.info("request", **fields)


def _status_of(exc: BaseException) -> int:
    """The status an exception escaping the route stack will be answered with (by the app's handler)."""
    if isinstance(exc, asyncio.CancelledError):
        return 499  # the client went away (nginx's convention)
    status = getattr(exc, "status_code", None)
    return int(status) if isinstance(status, int) else 500


class RequestContextMiddleware(ASGIMiddleware):
    """Request id, log context, access line and request-duration histogram for routed requests."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._templates: dict[str, str] = {}

    def _route_template(self, scope: Scope) -> str:
        """The route as declared (`/api/v1/freelancers/{profile_id:str}`), a bounded label value.

        Litestar puts the untyped template (`…/{profile_id}`) in the scope; the declared form is the
        one in the docs and the code, so it is looked up among the app's routes (once per template).
        """
        template = scope.get("path_template") or UNMATCHED_ROUTE
        declared = self._templates.get(template)
        if declared is None:
            app: Litestar = scope["litestar_app"]
            routes = {route.path_format: route.path for route in app.routes}
            declared = routes.get(template, template)
            self._templates[template] = declared
        return declared

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request_id = _assign_request_id(scope)
        started = time.perf_counter()
        status = 500

        async def capture_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await next_app(scope, receive, capture_status)
            except BaseException as exc:
                status = _status_of(exc)
                raise
            finally:
                self._record(scope, status, time.perf_counter() - started, request_id)

    def _record(self, scope: Scope, status: int, seconds: float, request_id: str) -> None:
        method = str(scope.get("method", ""))
        try:
            route = self._route_template(scope)
            api_metrics(self.settings).http_duration.labels(method, route, str(status)).observe(seconds)
        except Exception:  # observability must never break a request
            route = UNMATCHED_ROUTE
            access_logger.exception("could not record request metrics")
        _log_access(method, route, status, round(seconds * 1000, 2), request_id)


async def stamp_response(message: Message, scope: Scope) -> None:
    """`before_send` hook: the X-Request-ID header on every response, routed or not."""
    if message["type"] != "http.response.start":
        return
    request_id = request_id_of(scope)
    if request_id is None:  # the router answered (404/405): no middleware ran for this request
        request_id = _assign_request_id(scope)
        _log_access(str(scope.get("method", "")), UNMATCHED_ROUTE, int(message["status"]), None, request_id)
    headers = MutableScopeHeaders.from_message(message)
    if REQUEST_ID_HEADER not in headers:
        headers[REQUEST_ID_HEADER] = request_id
