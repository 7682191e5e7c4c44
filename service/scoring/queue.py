"""Tell the workers what changed, after the database commit.

Sending is best effort: if the broker is unreachable the change is still committed and marked stale
(its scored_revision is behind its updated_at), so the periodic sweep rescores it. No accepted write
and no scoring work is lost; at worst it is late by one sweep interval.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

import anyio

from workers.task_names import (
    TASK_DELIVER_NOTIFICATIONS,
    TASK_RESCORE_ALL,
    TASK_SCORE_MISSION,
    TASK_SCORE_PROFILE,
)

logger = logging.getLogger("ctomatch.scoring.queue")


class ScoringQueue(ABC):
    """Where services report changes; a base class (not a Protocol) so Litestar can inject it."""

    @abstractmethod
    async def mission_changed(self, mission_id: int) -> None: ...

    @abstractmethod
    async def profile_changed(self, profile_id: int) -> None: ...

    @abstractmethod
    async def rescore_all(self, job_id: str) -> None: ...

    @abstractmethod
    async def notifications_pending(self) -> None:
        """Outbox rows were committed; deliver them now rather than at the next periodic run."""


class CeleryScoringQueue(ScoringQueue):
    """Sends by task name, so the API never imports the worker code."""

    def __init__(self, celery: Any) -> None:
        self._celery = celery

    async def _send(self, name: str, *args: object) -> None:
        try:
            await anyio.to_thread.run_sync(lambda: self._celery.send_task(name, args=list(args)))
        except Exception as exc:
            logger.warning("could not enqueue %s%s (%s); the stale sweep will rescore it", name, args, exc)

    async def mission_changed(self, mission_id: int) -> None:
        await self._send(TASK_SCORE_MISSION, mission_id)

    async def profile_changed(self, profile_id: int) -> None:
        await self._send(TASK_SCORE_PROFILE, profile_id)

    async def rescore_all(self, job_id: str) -> None:
        await self._send(TASK_RESCORE_ALL, job_id)

    async def notifications_pending(self) -> None:
        await self._send(TASK_DELIVER_NOTIFICATIONS)
