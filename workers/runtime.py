"""One event loop and one Database per worker process, made lazily after the fork."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from celery import current_app, current_task
from celery.signals import worker_process_shutdown
from sqlalchemy.ext.asyncio import AsyncSession

from service.db import Database
from service.logging_config import configure_logging
from service.settings import Settings
from workers.celery_app import settings_of

T = TypeVar("T")

_runner: asyncio.Runner | None = None
_database: Database | None = None


def _running_app() -> Any:
    """The app of the task being run (a worker's, or an eager one's), else this process's current app."""
    task = current_task
    return task.app if task else current_app._get_current_object()


def run_with_session(work: Callable[[AsyncSession, Settings], Awaitable[T]]) -> T:
    """Run `work(session, settings)` on this process's loop, with a fresh session, on the settings of
    the app that runs the task (those its worker was started with)."""
    global _runner, _database
    if _runner is None or _database is None:
        settings = settings_of(_running_app())
        configure_logging(settings)
        _runner, _database = asyncio.Runner(), Database(settings)
    runner, database = _runner, _database

    async def _call() -> T:
        async with database.session() as session:
            return await work(session, database.settings)

    return runner.run(_call())


@worker_process_shutdown.connect
def _dispose(**_: object) -> None:
    global _runner, _database
    if _runner is not None and _database is not None:
        _runner.run(_database.dispose())
    if _runner is not None:
        _runner.close()
    _runner = _database = None
