"""Full rescoring jobs: a committed job, its chunks planned once, each chunk counted exactly once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models import Mission, RateBand, ScoringJob, ScoringJobChunk
from models.enums import JobState
from service.errors import NotFound
from service.reference.schemas import RateBandUpdate
from service.reference.services import update_rate_band
from service.scoring.queue import ScoringQueue
from service.scoring.services import ScoringOutcome, load_missions, score_missions_uncommitted
from service.settings import Settings


def _now() -> datetime:
    return datetime.now(UTC)


async def create_job(session: AsyncSession, kind: str, requested_by: int | None) -> ScoringJob:
    job = ScoringJob(id=str(uuid.uuid4()), kind=kind, state=JobState.QUEUED, requested_by=requested_by)
    session.add(job)
    await session.commit()
    return job


async def queue_full_rescore(
    session: AsyncSession, queue: ScoringQueue, requested_by: int | None
) -> ScoringJob:
    """A committed job, then its enqueue: every mission against every profile, in chunks."""
    job = await create_job(session, "rescore_all", requested_by)
    await queue.rescore_all(job.id)
    return job


async def update_grid_band(
    session: AsyncSession, band_id: str, data: RateBandUpdate, queue: ScoringQueue, requested_by: int | None
) -> tuple[RateBand, ScoringJob | None]:
    """Every TJM fit depends on the grid, so a change of rates queues a full rescore (None: none moved)."""
    band, rates_moved = await update_rate_band(session, band_id, data)
    if not rates_moved:
        return band, None
    return band, await queue_full_rescore(session, queue, requested_by)


async def plan_rescore(session: AsyncSession, settings: Settings, job_id: str) -> list[list[int]]:
    """Split every mission into chunks; the job's total is fixed here, once (replays give the same plan)."""
    job = await get_job(session, job_id)
    ids = list(await session.scalars(select(Mission.id).order_by(Mission.id)))
    size = settings.rescore_chunk_missions
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    if job.state is JobState.QUEUED:
        job.total_chunks = len(chunks)
        job.state = JobState.RUNNING if chunks else JobState.DONE
        job.finished_at = None if chunks else _now()
        await session.commit()
    return chunks


async def score_job_chunk(
    session: AsyncSession, settings: Settings, job_id: str, chunk_index: int, mission_ids: Sequence[int]
) -> ScoringOutcome:
    """Score a chunk and record it done in the same transaction; a replayed chunk counts once."""
    if await session.get(ScoringJobChunk, (job_id, chunk_index)) is not None:
        return ScoringOutcome(0, 0)
    outcome = await score_missions_uncommitted(session, settings, await load_missions(session, mission_ids))
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(ScoringJobChunk)
        .values(job_id=job_id, chunk_index=chunk_index, pairs_scored=outcome.pairs_scored, finished_at=_now())
        .on_conflict_do_nothing(index_elements=["job_id", "chunk_index"])
    )
    await session.commit()
    await _finish_job_if_complete(session, job_id)
    return outcome


async def _finish_job_if_complete(session: AsyncSession, job_id: str) -> None:
    done = await session.scalar(select(func.count()).where(ScoringJobChunk.job_id == job_id))
    await session.execute(
        update(ScoringJob)
        .where(
            ScoringJob.id == job_id,
            ScoringJob.state == JobState.RUNNING,
            ScoringJob.total_chunks <= (done or 0),
        )
        .values(state=JobState.DONE, finished_at=_now())
    )
    await session.commit()


async def get_job(session: AsyncSession, job_id: str) -> ScoringJob:
    job = await session.get(ScoringJob, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    return job


async def job_progress(session: AsyncSession, job_id: str) -> tuple[ScoringJob, int, int]:
    """The job, its finished chunks and the pairs they scored."""
    job = await get_job(session, job_id)
    row = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(ScoringJobChunk.pairs_scored), 0)).where(
                ScoringJobChunk.job_id == job_id
            )
        )
    ).one()
    return job, int(row[0]), int(row[1])
