"""The API's rate limit, keyed on the connection's client address and nothing a client can write.

Forwarded headers (`X-Forwarded-For`, `X-Real-IP`, `Forwarded`) are never read here: any client can
send them, so keying on them would give every forged value a fresh budget. Behind a reverse proxy the
server rewrites the connection's client address from them, and only when the direct peer is one of
`FORWARDED_ALLOW_IPS` (uvicorn's proxy-headers middleware, wired by `ctomatch serve`).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.middleware import DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig

from service.settings import Settings

#: Operations endpoints and the docs are never limited (a monitor or a browser on the docs page).
UNLIMITED_PATHS = ["/health", "/metrics", "/docs"]


def client_address(request: Request[Any, Any, Any]) -> str:
    """The ASGI `client` of the connection (already the proxy's client when the proxy is trusted)."""
    client = request.scope.get("client")
    return str(client[0]) if client else "unknown"


def rate_limit_middleware(settings: Settings) -> DefineMiddleware:
    """`RATE_LIMIT_PER_MINUTE` requests a minute per client address."""
    return RateLimitConfig(
        rate_limit=("minute", settings.rate_limit_per_minute),
        exclude=UNLIMITED_PATHS,
        identifier_for_request=client_address,
    ).middleware
