"""A scoring queue for in-process API tests: records each call, checks the change is already committed,
and (inline=True) scores right away, as a worker would, through a separate session.

The real Celery path is covered by tests/integration/test_workers.py with a real worker process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from models import FreelancerProfile, Mission, ScoringJob
from service.background.queue import WorkQueue
from service.db import Database
from service.scoring import jobs, services
from service.settings import Settings


@dataclass
class RecordingWorkQueue(WorkQueue):
    settings: Settings
    inline: bool = False
    calls: list[tuple[str, object]] = field(default_factory=list)
    uncommitted: list[tuple[str, object]] = field(default_factory=list)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A connection of its own, on whatever event loop the app runs (as a worker's would be)."""
        database = Database(self.settings)
        try:
            async with database.session() as session:
                yield session
        finally:
            await database.dispose()

    async def _visible(
        self, model: type[Mission] | type[FreelancerProfile] | type[ScoringJob], key: object
    ) -> bool:
        async with self.session() as session:
            return await session.get(model, key) is not None

    async def mission_changed(self, mission_id: int) -> None:
        self.calls.append(("mission", mission_id))
        if not await self._visible(Mission, mission_id):
            self.uncommitted.append(("mission", mission_id))
        if self.inline:
            async with self.session() as session:
                await services.score_missions(session, self.settings, [mission_id])

    async def profile_changed(self, profile_id: int) -> None:
        self.calls.append(("profile", profile_id))
        if not await self._visible(FreelancerProfile, profile_id):
            self.uncommitted.append(("profile", profile_id))
        if self.inline:
            async with self.session() as session:
                await services.score_profile(session, self.settings, profile_id)

    async def notifications_pending(self) -> None:
        self.calls.append(("notifications", None))

    async def rescore_all(self, job_id: str) -> None:
        self.calls.append(("rescore", job_id))
        if not await self._visible(ScoringJob, job_id):
            self.uncommitted.append(("rescore", job_id))
        if self.inline:
            await self.run_job(job_id)

    async def run_job(self, job_id: str) -> list[jobs.ChunkRun]:
        """Plan the job and run its chunks as a worker would, sending a re-queued chunk again."""
        async with self.session() as session:
            pending = await jobs.plan_rescore(session, self.settings, job_id)
        runs: list[jobs.ChunkRun] = []
        while pending:
            chunk = pending.pop(0)
            async with self.session() as session:
                run = await jobs.score_job_chunk(
                    session, self.settings, chunk.job_id, chunk.chunk_index, chunk.mission_ids
                )
            runs.append(run)
            if run.status == "requeued":
                pending.append(chunk)
        return runs
