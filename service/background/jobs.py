"""Queue a background job (the row that tracks it, committed first, then the message that starts it)
and read where a job stands.

Any domain that needs a full rescore (an operator, a grid change) queues it here, so none of them
imports the scoring code that runs it; the API, the console and the command line read a job's progress
here too, so each of them shows the same figures and the same estimate of the time left.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

import msgspec
from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ScoringJob, ScoringJobChunk
from models.enums import ChunkState, JobState
from service.background.queue import WorkQueue
from service.errors import NotFound
from service.i18n import _

#: Most jobs one list returns (`GET /api/v1/jobs?limit=`, `ctomatch jobs --limit`).
MAX_JOBS_LISTED = 100


STARTED_AT = (
    "When a worker began taking the job's chunks (they are planned and sent at that moment); null while "
    "no chunk has been taken."
)
SECONDS_LEFT = (
    "Estimate from the pace so far: seconds since `started_at` / done chunks × chunks left. Null until "
    "one chunk is done (and for a failed job), 0 once done."
)


class JobOut(msgspec.Struct, kw_only=True):
    id: str
    kind: str
    state: JobState
    """queued, running, done, or failed (a chunk kept failing: `error` says which and why)."""
    total_chunks: int
    done_chunks: int
    progress: float
    pairs_scored: int
    created_at: datetime
    started_at: Annotated[datetime | None, msgspec.Meta(description=STARTED_AT)]
    seconds_left: Annotated[int | None, msgspec.Meta(description=SECONDS_LEFT)]
    finished_at: datetime | None
    error: str | None = None
    """Why a failed job failed, e.g. "chunk 3 of 12 (missions 41-60) failed 3 times: ValueError: …"."""


def estimate_seconds_left(
    state: JobState, started_at: datetime | None, done: int, total: int, now: datetime
) -> int | None:
    """Elapsed / done × remaining, rounded up to a whole second; None while there is no pace yet."""
    if state is JobState.DONE:
        return 0
    if state is JobState.FAILED or started_at is None or done <= 0:
        return None
    elapsed = max((now - started_at).total_seconds(), 0.0)
    left = elapsed / done * max(total - done, 0)
    return int(-(-left // 1))


@dataclass(frozen=True)
class JobProgress:
    """A job with its counted chunks: what every reader of a job shows."""

    job: ScoringJob
    done_chunks: int
    pairs_scored: int
    taken: bool
    """A worker has taken at least one of its chunks."""

    @property
    def started_at(self) -> datetime | None:
        if self.job.total_chunks == 0 and self.job.state is JobState.DONE:
            return self.job.planned_at  # nothing to score: planned and finished at once
        return self.job.planned_at if self.taken else None

    @property
    def progress(self) -> float:
        """Done chunks of the total, 0 to 1 (a finished job with nothing to score is complete)."""
        if self.job.total_chunks == 0:
            return 1.0 if self.job.state is JobState.DONE else 0.0
        return round(self.done_chunks / self.job.total_chunks, 4)

    @property
    def active(self) -> bool:
        return self.job.state in (JobState.QUEUED, JobState.RUNNING)

    def seconds_left(self, now: datetime | None = None) -> int | None:
        return estimate_seconds_left(
            self.job.state, self.started_at, self.done_chunks, self.job.total_chunks, now or datetime.now(UTC)
        )

    def out(self, now: datetime | None = None) -> JobOut:
        job = self.job
        return JobOut(
            id=job.id,
            kind=job.kind,
            state=job.state,
            total_chunks=job.total_chunks,
            done_chunks=self.done_chunks,
            progress=self.progress,
            pairs_scored=self.pairs_scored,
            created_at=job.created_at,
            started_at=self.started_at,
            seconds_left=self.seconds_left(now),
            finished_at=job.finished_at,
            error=job.error,
        )


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


async def _progress_of(session: AsyncSession, found: Sequence[ScoringJob]) -> list[JobProgress]:
    """One grouped query for the chunks of every job found, in the order found."""
    if not found:
        return []
    chunk = ScoringJobChunk
    done = chunk.state == ChunkState.DONE
    rows = await session.execute(
        select(
            chunk.job_id,
            func.sum(case((done, 1), else_=0)),
            func.sum(case((done, chunk.pairs_scored), else_=0)),
            func.max(case((or_(chunk.attempts > 0, chunk.state != ChunkState.QUEUED), 1), else_=0)),
        )
        .where(chunk.job_id.in_([job.id for job in found]))
        .group_by(chunk.job_id)
    )
    counts = {str(job_id): (int(d or 0), int(p or 0), bool(t)) for job_id, d, p, t in rows}
    return [JobProgress(job, *counts.get(job.id, (0, 0, False))) for job in found]


async def read_job(session: AsyncSession, job_id: str) -> JobProgress:
    """The job and its counted chunks, read afresh (a poller sees every change)."""
    job = await session.get(ScoringJob, job_id, populate_existing=True)
    if job is None:
        raise NotFound(_("no job %(id)s", id=job_id))
    return (await _progress_of(session, [job]))[0]


async def recent_jobs(
    session: AsyncSession, limit: int = 20, states: Sequence[JobState] | None = None
) -> list[JobProgress]:
    """The most recent jobs, newest first (optionally only those in `states`)."""
    query = select(ScoringJob).order_by(ScoringJob.created_at.desc(), ScoringJob.id.desc())
    if states is not None:
        query = query.where(ScoringJob.state.in_(list(states)))
    found = list(
        await session.scalars(
            query.limit(max(1, min(limit, MAX_JOBS_LISTED))).execution_options(populate_existing=True)
        )
    )
    return await _progress_of(session, found)
