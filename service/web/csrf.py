"""Console CSRF tokens bound to the session: a token issued to one session is refused in any other.

Litestar's CSRF middleware is a double-submit cookie: any token it ever signed passes, as long as the
sender also brings a matching cookie, so a token taken from one operator's page worked with another
operator's session. Here the token's HMAC is keyed by the console secret *and* the id of the session
the request belongs to (the HttpOnly session cookie, when it names a live session): an unsafe request
passes only if its form field (or header) equals its CSRF cookie *and* was signed for that session.
Signing in opens a new session id, so the anonymous sign-in page's token stops working with it; on a
safe request, a cookie signed for another session is replaced by a fresh token for this one.
"""

from __future__ import annotations

import hashlib
import hmac
from secrets import compare_digest
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.connection import Request
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.csrf import (
    CSRF_SECRET_LENGTH,
    CSRFMiddleware,
    generate_csrf_hash,
    generate_csrf_token,
)
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

FORM_FIELD = "_csrf_token"


class SessionBoundCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF middleware (cookie, form field, template token), with session-bound tokens."""

    def __init__(self, app: ASGIApp, config: CSRFConfig, session_cookie: str) -> None:
        super().__init__(app, config)
        self.session_cookie = session_cookie

    def session_secret(self, session_id: str) -> str:
        """The signing key of one session's tokens ("" for visitors without a session)."""
        message = f"csrf-session:{session_id}".encode()
        return hmac.new(self.config.secret.encode(), message, hashlib.sha256).hexdigest()

    def session_id(self, scope: Scope, request: Request[Any, Any, Any]) -> str:
        """The id of the session this request belongs to; "" when it has none (an unknown or expired id
        loads an empty session and is dropped by the session middleware, so it binds nothing)."""
        return request.cookies.get(self.session_cookie, "") if scope.get("session") else ""

    @staticmethod
    def signed_for(token: str, secret: str) -> bool:
        """Whether `token` (random part + HMAC) was issued under `secret`."""
        if len(token) <= CSRF_SECRET_LENGTH:
            return False
        random_part, signature = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
        expected = generate_csrf_hash(token=random_part, secret=secret)
        return compare_digest(signature.encode(), expected.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request: Request[Any, Any, Any] = scope["litestar_app"].request_class(scope=scope, receive=receive)
        secret = self.session_secret(self.session_id(scope, request))
        cookie = request.cookies.get(self.config.cookie_name)
        state = ScopeState.from_scope(scope)
        if request.method in self.config.safe_methods:
            current = cookie if cookie and self.signed_for(cookie, secret) else None
            token = state.csrf_token = current or generate_csrf_token(secret=secret)
            send = self.create_send_wrapper(send=send, token=token, csrf_cookie=current)  # cookie set if new
            await self.app(scope, receive, send)
            return
        sent = request.headers.get(self.config.header_name)
        content_type, _ = request.content_type
        if not sent and content_type in {RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART}:
            value = (await request.form()).get(FORM_FIELD)
            sent = value if isinstance(value, str) else None
        double_submitted = bool(sent and cookie and compare_digest(sent.encode(), cookie.encode()))
        if not (sent and double_submitted and self.signed_for(sent, secret)):
            raise PermissionDeniedException("CSRF token verification failed")
        state.csrf_token = sent
        await self.app(scope, receive, send)
