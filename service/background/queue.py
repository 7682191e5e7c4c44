"""Tell the workers what changed, after the database commit.

Sending is best effort: if the broker is unreachable the change is still committed and marked stale
(its scored_revision is behind its revision), so the periodic sweep rescores it. No accepted write
and no scoring work is lost; at worst it is late by one sweep interval.

So a send must never hold the request: it has a hard deadline (the publisher app's
broker_connection_timeout, i.e. ENQUEUE_TIMEOUT_SECONDS), and after a failure a circuit breaker skips
sends for ENQUEUE_COOLDOWN_SECONDS, logging the outage once rather than once per write.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import anyio
from kombu.utils.url import maybe_sanitize_url

from service.background.task_names import (
    TASK_DELIVER_NOTIFICATIONS,
    TASK_RESCORE_ALL,
    TASK_SCORE_MISSION,
    TASK_SCORE_PROFILE,
)
from service.logging_config import redact_text

logger = logging.getLogger("ctomatch.scoring.queue")

#: After a failed send, skip sends for this long: a down broker then costs each write nothing (no
#: connection attempt per request, no retry storm) and is probed again at most once per period. What is
#: skipped is only late (the stale sweep rescores it), so a short period is enough.
ENQUEUE_COOLDOWN_SECONDS = 5.0


class WorkQueue(ABC):
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


class CeleryWorkQueue(WorkQueue):
    """Sends by task name, so the API never imports the worker code."""

    def __init__(
        self,
        celery: Any,
        *,
        timeout: float | None = None,
        cooldown: float = ENQUEUE_COOLDOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._celery = celery
        self._timeout = float(timeout if timeout is not None else celery.conf.broker_connection_timeout)
        self._cooldown = cooldown
        self._clock = clock
        self._skip_until = 0.0  # the circuit is open (sends skipped) while the clock is before this
        self._failing = False  # an outage was logged and has not been seen to end
        self._missed = 0  # sends not enqueued (failed or skipped) since the outage was logged

    def _publish(self, name: str, args: list[object]) -> None:
        # No result subscription (the API never reads results; on a down Redis it alone blocked ~19 s)
        # and no publish retry: the stale sweep is the retry.
        self._celery.send_task(name, args=args, ignore_result=True, retry=False)

    async def _send(self, name: str, *args: object) -> None:
        now = self._clock()
        if now < self._skip_until:
            self._missed += 1
            logger.debug("broker down: enqueue of %s skipped; the stale sweep will rescore it", name)
            return
        if self._failing:
            # Probing a broker that was down: one probe at a time, sends meanwhile are skipped.
            self._skip_until = now + self._cooldown
        try:
            with anyio.fail_after(self._timeout):
                # Abandoned on timeout: a hung socket must not hold the request (it ends on its own
                # socket timeout).
                await anyio.to_thread.run_sync(self._publish, name, list(args), abandon_on_cancel=True)
        except Exception as exc:
            self._failed(name, exc)
            return
        self._skip_until = 0.0
        if self._failing:
            self._failing = False
            logger.info(
                "broker %s reachable again; %s enqueues were missed during the outage (the stale sweep "
                "rescores them)",
                self._broker(),
                self._missed,
            )
            self._missed = 0

    def _failed(self, name: str, exc: Exception) -> None:
        self._skip_until = self._clock() + self._cooldown
        self._missed += 1
        if self._failing:
            logger.debug("broker still down: enqueue of %s failed (%s)", name, type(exc).__name__)
            return
        self._failing = True
        reason = f"no answer within {self._timeout:.2f} s" if isinstance(exc, TimeoutError) else str(exc)
        logger.warning(
            "could not enqueue %s to broker %s (%s: %s); the stale sweep will rescore it, and enqueues "
            "are skipped for the next %.0f s",
            name,
            self._broker(),
            type(exc).__name__,
            redact_text(reason.splitlines()[0] if reason else ""),
            self._cooldown,
        )

    def _broker(self) -> str:
        """The broker URL with its password masked: the log must never carry it."""
        return redact_text(maybe_sanitize_url(str(self._celery.conf.broker_url)))

    async def mission_changed(self, mission_id: int) -> None:
        await self._send(TASK_SCORE_MISSION, mission_id)

    async def profile_changed(self, profile_id: int) -> None:
        await self._send(TASK_SCORE_PROFILE, profile_id)

    async def rescore_all(self, job_id: str) -> None:
        await self._send(TASK_RESCORE_ALL, job_id)

    async def notifications_pending(self) -> None:
        await self._send(TASK_DELIVER_NOTIFICATIONS)
