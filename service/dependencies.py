"""Dependencies every controller may ask for: the database session and the calling actor."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession

from service.auth.actor import Actor, current_actor, require_actor
from service.db import Database
from service.settings import Settings

_SESSION_KEY = "ctomatch_db_session"


def provide_db_session(state: State, request: Request[Any, Any, Any]) -> AsyncSession:
    """One session per request; services commit explicitly, anything uncommitted is rolled back.

    Not a generator dependency: when another dependency of the same handler fails validation (say
    `limit=0`), Litestar drops the generators it already started without closing them. The session is
    kept in the request's scope instead and `close_db_session` closes it once the response is sent.
    """
    scope_state = request.scope.setdefault("state", {})
    session = scope_state.get(_SESSION_KEY)
    if session is None:
        database: Database = state.database
        session = scope_state[_SESSION_KEY] = database.sessions()
    assert isinstance(session, AsyncSession)
    return session


def close_db_session(app: ASGIApp) -> ASGIApp:
    """Middleware closing the request's session (rolling back what was not committed), whatever happened."""

    async def closing(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await app(scope, receive, send)
        finally:
            state = scope.get("state")
            session = state.pop(_SESSION_KEY, None) if isinstance(state, dict) else None
            if isinstance(session, AsyncSession):
                await session.close()

    return closing


def provide_settings(state: State) -> Settings:
    database: Database = state.database
    return database.settings


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    return require_actor(current_actor(request))
