"""Queue a background job: the row that tracks it (committed first), then the message that starts it.

Any domain that needs a full rescore (an operator, a grid change) queues it here, so none of them
imports the scoring code that runs it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import ScoringJob
from models.enums import JobState
from service.background.queue import WorkQueue


async def create_job(session: AsyncSession, kind: str, requested_by: int | None) -> ScoringJob:
    job = ScoringJob(
        id=str(uuid.uuid4()),
        kind=kind,
        state=JobState.QUEUED,
        requested_by=requested_by,
        heartbeat_at=datetime.now(UTC),
    )
    session.add(job)
    await session.commit()
    return job


async def queue_full_rescore(session: AsyncSession, queue: WorkQueue, requested_by: int | None) -> ScoringJob:
    """A committed job, then its enqueue: every mission against every profile, in chunks.

    A lost enqueue leaves the job queued: the watchdog sends it again after JOB_STALL_SECONDS.
    """
    job = await create_job(session, "rescore_all", requested_by)
    await queue.rescore_all(job.id)
    return job
