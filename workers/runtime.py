"""One event loop and one Database per worker process, made lazily after the fork."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from celery.signals import worker_process_shutdown
from sqlalchemy.ext.asyncio import AsyncSession

from service.db import Database
from service.logging_config import configure_logging
from service.settings import Settings, get_settings

T = TypeVar("T")

_runner: asyncio.Runner | None = None
_database: Database | None = None


def run_with_session(work: Callable[[AsyncSession, Settings], Awaitable[T]]) -> T:
    """Run `work(session, settings)` on this process's loop, with a fresh session."""
    global _runner, _database
    if _runner is None:
        configure_logging(get_settings())
        _runner = asyncio.Runner()
    if _database is None:
        _database = Database(get_settings())
    database = _database

    async def _call() -> T:
        async with database.session() as session:
            return await work(session, database.settings)

    return _runner.run(_call())


@worker_process_shutdown.connect
def _dispose(**_: object) -> None:
    global _runner, _database
    if _runner is not None and _database is not None:
        _runner.run(_database.dispose())
    if _runner is not None:
        _runner.close()
    _runner = _database = None
