"""Full rescoring jobs: every chunk planned as a row up front, claimed with a lease, counted once.

A job is planned once (its chunk rows written in the same transaction that sets it running); a
worker claims a chunk (one atomic UPDATE) before scoring it, and marks it done in the transaction that
writes its matches. A delivery that finds its chunk done, failed or leased by a live worker does
nothing, so a duplicate message is harmless; a chunk whose worker died keeps a lease that expires, and
the watchdog (service.scoring.watchdog) sends it again. A chunk that keeps failing fails the job, with
a reason an operator reads at GET /api/v1/jobs/{id}.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import Executable, and_, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from matching import ALGORITHM_VERSION
from models import FreelancerProfile, Mission, ScoringJob, ScoringJobChunk
from models.enums import ChunkState, JobState
from service.errors import NotFound
from service.i18n import _
from service.scoring.services import load_missions, score_missions_uncommitted
from service.settings import Settings

logger = logging.getLogger("ctomatch.scoring.jobs")

#: Errors a later retry of the same delivery can fix (database or network briefly down): they are
#: raised to the task, whose Celery retry claims the chunk again with the same token. Anything else is
#: a failed attempt of the chunk.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    DBAPIError,
    ConnectionError,
    TimeoutError,
)

#: An error kept on a chunk or a job is cut to this many characters (a person reads it).
ERROR_CHARS = 500


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ChunkToSend:
    """A chunk message to (re-)send: `score_chunk(job_id, chunk_index, mission_ids)`."""

    job_id: str
    chunk_index: int
    mission_ids: list[int]


@dataclass(frozen=True)
class ChunkRun:
    """What one delivery of a chunk did.

    counted: scored it and recorded it done; duplicate: scored it, but another delivery had recorded
    it done first (its matches are upserts, the chunk counts once); skipped: not claimed (done, failed,
    leased by a live delivery, or its job is not running); requeued: it failed and is queued again, to
    be sent again; failed: it failed its last attempt and failed the job.
    """

    status: Literal["counted", "duplicate", "skipped", "requeued", "failed"]
    pairs_scored: int = 0
    matches_written: int = 0
    mission_ids: tuple[int, ...] = ()
    attempts: int = 0


def _insert_chunk_rows(session: AsyncSession, rows: list[dict[str, object]]) -> Executable:
    """INSERT … ON CONFLICT DO NOTHING: a replayed plan writes nothing twice."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(ScoringJobChunk).values(rows).on_conflict_do_nothing(index_elements=["job_id", "chunk_index"])
    )


async def plan_rescore(session: AsyncSession, settings: Settings, job_id: str) -> list[ChunkToSend]:
    """Write the job's chunk rows (queued) and set it running; returns the chunks to send.

    Planning happens once: the UPDATE that moves the job out of `queued` is the guard, and the rows go
    in the same transaction (ON CONFLICT DO NOTHING besides). A replay of a running job re-sends its
    chunks still queued (a duplicate delivery is skipped by the claim); a finished job sends nothing.
    """
    now = _now()
    ids = list(await session.scalars(select(Mission.id).order_by(Mission.id)))
    size = settings.rescore_chunk_missions
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    planned = await session.execute(
        update(ScoringJob)
        .where(ScoringJob.id == job_id, ScoringJob.state == JobState.QUEUED)
        .values(
            total_chunks=len(chunks),
            state=JobState.RUNNING if chunks else JobState.DONE,
            planned_at=now,
            heartbeat_at=now,
            finished_at=None if chunks else now,
        )
        .returning(ScoringJob.id)
    )
    if planned.first() is not None:
        if chunks:
            rows: list[dict[str, object]] = [
                {
                    "job_id": job_id,
                    "chunk_index": index,
                    "state": ChunkState.QUEUED,
                    "mission_ids": chunk,
                    "attempts": 0,
                    "queued_at": now,
                }
                for index, chunk in enumerate(chunks)
            ]
            await session.execute(_insert_chunk_rows(session, rows))
        else:
            await _mark_profiles_scored(session, now)
        await session.commit()
        return [ChunkToSend(job_id, index, chunk) for index, chunk in enumerate(chunks)]
    await session.rollback()
    job = await get_job(session, job_id)
    if job.state is not JobState.RUNNING:
        return []
    return await queued_chunks(session, job_id)


async def queued_chunks(session: AsyncSession, job_id: str) -> list[ChunkToSend]:
    rows = await session.execute(
        select(ScoringJobChunk.chunk_index, ScoringJobChunk.mission_ids)
        .where(ScoringJobChunk.job_id == job_id, ScoringJobChunk.state == ChunkState.QUEUED)
        .order_by(ScoringJobChunk.chunk_index)
    )
    return [ChunkToSend(job_id, int(index), [int(i) for i in ids]) for index, ids in rows]


async def score_job_chunk(
    session: AsyncSession,
    settings: Settings,
    job_id: str,
    chunk_index: int,
    mission_ids: Sequence[int] = (),
    *,
    claim_token: str | None = None,
) -> ChunkRun:
    """Claim the chunk, score it, and record it done in the transaction that writes its matches.

    `claim_token` names the delivery (the Celery task id, kept by its retries): a retry after a
    transient error claims again at once, without waiting for its own lease. The planned row's mission
    ids are scored (`mission_ids`, what the message carried, is the same plan). Transient errors are
    raised for the caller to retry; any other error is a failed attempt: the chunk is queued again to
    be sent again, or, at CHUNK_MAX_ATTEMPTS, fails the job with the reason.
    """
    token = claim_token or uuid.uuid4().hex
    claimed = await claim_chunk(session, settings, job_id, chunk_index, token)
    if claimed is None:
        await session.commit()
        return ChunkRun("skipped")
    attempts, ids = claimed
    try:
        missions = await load_missions(session, ids)
        outcome = await score_missions_uncommitted(session, settings, missions)
        now = _now()
        finished = await session.execute(
            update(ScoringJobChunk)
            .where(
                ScoringJobChunk.job_id == job_id,
                ScoringJobChunk.chunk_index == chunk_index,
                ScoringJobChunk.state.in_([ChunkState.QUEUED, ChunkState.RUNNING]),
            )
            .values(
                state=ChunkState.DONE,
                pairs_scored=outcome.pairs_scored,
                finished_at=now,
                lease_until=None,
                last_error=None,
            )
            .returning(ScoringJobChunk.chunk_index)
        )
        counted = finished.first() is not None
        if counted:
            await _beat(session, job_id, now)
        await session.commit()
    except TRANSIENT_ERRORS:
        await session.rollback()
        raise
    except Exception as exc:
        await session.rollback()
        return await _attempt_failed(session, settings, job_id, chunk_index, token, attempts, ids, exc)
    if counted:
        await finish_job_if_complete(session, job_id)
    status: Literal["counted", "duplicate"] = "counted" if counted else "duplicate"
    return ChunkRun(status, outcome.pairs_scored, outcome.matches_written, tuple(ids), attempts)


async def claim_chunk(
    session: AsyncSession, settings: Settings, job_id: str, chunk_index: int, token: str
) -> tuple[int, list[int]] | None:
    """Take the chunk for this delivery (committed): its attempts and mission ids, or None.

    One atomic UPDATE: a queued chunk, or a running one whose lease expired (or that this delivery
    already holds), of a running job, becomes running under a fresh lease. None: done, failed, leased
    by another live delivery, or its job is not running; nothing to do here.
    """
    now = _now()
    chunk = ScoringJobChunk
    job_running = select(ScoringJob.id).where(ScoringJob.id == job_id, ScoringJob.state == JobState.RUNNING)
    row = (
        await session.execute(
            update(chunk)
            .where(
                chunk.job_id == job_id,
                chunk.chunk_index == chunk_index,
                job_running.exists(),
                or_(
                    chunk.state == ChunkState.QUEUED,
                    and_(
                        chunk.state == ChunkState.RUNNING,
                        or_(chunk.lease_until < now, chunk.claim_token == token),
                    ),
                ),
            )
            .values(
                state=ChunkState.RUNNING,
                attempts=case((chunk.claim_token == token, chunk.attempts), else_=chunk.attempts + 1),
                claim_token=token,
                lease_until=now + timedelta(seconds=settings.chunk_lease_seconds),
            )
            .returning(chunk.attempts, chunk.mission_ids)
        )
    ).first()
    if row is None:
        return None
    await _beat(session, job_id, now)
    await session.commit()
    return int(row[0]), [int(i) for i in row[1]]


async def _beat(session: AsyncSession, job_id: str, now: datetime) -> None:
    """The job made progress: the watchdog's stall clock starts again."""
    await session.execute(update(ScoringJob).where(ScoringJob.id == job_id).values(heartbeat_at=now))


def describe_error(exc: BaseException) -> str:
    """`ValueError: the message`, first line only, short enough to read."""
    message = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__
    return text[:ERROR_CHARS]


def chunk_label(chunk_index: int, total_chunks: int, mission_ids: Sequence[int]) -> str:
    """`chunk 3 of 12 (missions 41-60)`: numbered from 1, as a person counts."""
    missions = f" (missions {mission_ids[0]}-{mission_ids[-1]})" if mission_ids else ""
    return f"chunk {chunk_index + 1} of {total_chunks}{missions}"


async def _attempt_failed(
    session: AsyncSession,
    settings: Settings,
    job_id: str,
    chunk_index: int,
    token: str,
    attempts: int,
    mission_ids: list[int],
    exc: Exception,
) -> ChunkRun:
    error = describe_error(exc)
    last = attempts >= settings.chunk_max_attempts
    now = _now()
    released = await session.execute(
        update(ScoringJobChunk)
        .where(
            ScoringJobChunk.job_id == job_id,
            ScoringJobChunk.chunk_index == chunk_index,
            ScoringJobChunk.state == ChunkState.RUNNING,
            ScoringJobChunk.claim_token == token,
        )
        .values(
            state=ChunkState.FAILED if last else ChunkState.QUEUED,
            last_error=error,
            lease_until=None,
            claim_token=None,
            queued_at=now,
        )
        .returning(ScoringJobChunk.chunk_index)
    )
    if released.first() is None:
        # Another delivery took the chunk over (our lease had expired): its outcome decides.
        await session.commit()
        return ChunkRun("skipped", mission_ids=tuple(mission_ids))
    if last:
        total = await session.scalar(select(ScoringJob.total_chunks).where(ScoringJob.id == job_id)) or 0
        reason = f"{chunk_label(chunk_index, total, mission_ids)} failed {attempts} times: {error}"
        await fail_job(session, job_id, reason, now)
        await session.commit()
        logger.error("rescore job %s failed: %s", job_id, reason)
        return ChunkRun("failed", mission_ids=tuple(mission_ids), attempts=attempts)
    await _beat(session, job_id, now)
    await session.commit()
    logger.warning(
        "rescore job %s: chunk index %s failed attempt %s of %s (%s); queued again",
        job_id,
        chunk_index,
        attempts,
        settings.chunk_max_attempts,
        error,
    )
    return ChunkRun("requeued", mission_ids=tuple(mission_ids), attempts=attempts)


async def fail_job(session: AsyncSession, job_id: str, reason: str, now: datetime) -> bool:
    """A running job ends `failed` with the reason (uncommitted). False: it was not running."""
    result = await session.execute(
        update(ScoringJob)
        .where(ScoringJob.id == job_id, ScoringJob.state == JobState.RUNNING)
        .values(state=JobState.FAILED, error=reason[: ERROR_CHARS * 2], finished_at=now, heartbeat_at=now)
        .returning(ScoringJob.id)
    )
    return result.first() is not None


async def finish_job_if_complete(session: AsyncSession, job_id: str) -> bool:
    """A running job whose chunks are all done becomes done, and its profiles count as scored.

    Run after the chunk's own commit, so of two chunks finishing at once the later one sees both.
    """
    done = await session.scalar(
        select(func.count()).where(ScoringJobChunk.job_id == job_id, ScoringJobChunk.state == ChunkState.DONE)
    )
    now = _now()
    finished = (
        await session.execute(
            update(ScoringJob)
            .where(
                ScoringJob.id == job_id,
                ScoringJob.state == JobState.RUNNING,
                ScoringJob.total_chunks <= (done or 0),
            )
            .values(state=JobState.DONE, finished_at=now, heartbeat_at=now)
            .returning(ScoringJob.planned_at)
        )
    ).first()
    if finished is not None:
        await _mark_profiles_scored(session, finished[0] or now)
    await session.commit()
    return finished is not None


async def _mark_profiles_scored(session: AsyncSession, planned_at: datetime) -> None:
    """Every active profile was scored against every mission, unless it was written after planning.

    Without this, a full rescore left every profile stale and the sweep rescored them one by one.
    `updated_at` and `revision` stay: marking is not a change of the profile.
    """
    profile = FreelancerProfile
    await session.execute(
        update(profile)
        .where(profile.active, profile.updated_at <= planned_at)
        .values(
            scored_revision=profile.revision,
            scored_algorithm=ALGORITHM_VERSION,
            updated_at=profile.updated_at,
        )
        .execution_options(synchronize_session=False)
    )


async def get_job(session: AsyncSession, job_id: str) -> ScoringJob:
    job = await session.get(ScoringJob, job_id, populate_existing=True)
    if job is None:
        raise NotFound(_("no job %(id)s", id=job_id))
    return job


async def job_progress(session: AsyncSession, job_id: str) -> tuple[ScoringJob, int, int]:
    """The job, its finished chunks and the pairs they scored."""
    job = await get_job(session, job_id)
    row = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(ScoringJobChunk.pairs_scored), 0)).where(
                ScoringJobChunk.job_id == job_id, ScoringJobChunk.state == ChunkState.DONE
            )
        )
    ).one()
    return job, int(row[0]), int(row[1])


async def active_full_rescore(session: AsyncSession) -> bool:
    """A full rescore is queued or running: it will score every mission and profile anyway."""
    found = await session.scalar(
        select(ScoringJob.id)
        .where(ScoringJob.kind == "rescore_all", ScoringJob.state.in_([JobState.QUEUED, JobState.RUNNING]))
        .limit(1)
    )
    return found is not None
