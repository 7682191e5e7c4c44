"""Dependencies every controller may ask for: the database session and the calling actor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from service.auth.actor import Actor, current_actor, require_actor
from service.db import Database
from service.settings import Settings


async def provide_db_session(state: State) -> AsyncIterator[AsyncSession]:
    """One session per request; services commit explicitly, anything uncommitted is rolled back."""
    database: Database = state.database
    async with database.session() as session:
        yield session


def provide_settings(state: State) -> Settings:
    database: Database = state.database
    return database.settings


def provide_optional_actor(request: Request[Any, Any, Any]) -> Actor | None:
    return current_actor(request)


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    return require_actor(current_actor(request))
