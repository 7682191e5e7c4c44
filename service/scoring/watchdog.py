"""The job watchdog: no rescoring job stays queued or running forever.

Brokers lose messages: kombu's SQLAlchemy transport (the embedded default) hides a fetched message for
good, so a worker killed mid-chunk loses it; Redis gives it back only after its visibility timeout
(900 s), and a Redis restarted empty loses every queued message. The chunk rows (service.scoring.jobs)
say what is left, so a periodic pass re-sends it:

- a running chunk whose lease expired (its worker died or hung) is queued again and re-sent, or, at
  CHUNK_MAX_ATTEMPTS, fails its job;
- a running job with no progress for JOB_STALL_SECONDS gets every chunk still queued re-sent (their
  messages may be lost), and its heartbeat moved so the next pass does not re-send them again;
- a job still queued after JOB_STALL_SECONDS (its rescore_all message was lost) is re-sent;
- a running job whose chunks are all done is finished (a crash between a chunk's commit and the
  job's).

A duplicate delivery is harmless: a chunk is claimed before it is scored, so a done or leased chunk is
skipped. Every decision is a guarded UPDATE, so two watchdogs at once never re-send the same thing
twice. This module decides and commits; the task sends what it returns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import ScoringJob, ScoringJobChunk
from models.enums import ChunkState, JobState
from service.scoring.jobs import ChunkToSend, chunk_label, fail_job, finish_job_if_complete, queued_chunks
from service.settings import Settings

logger = logging.getLogger("ctomatch.scoring.watchdog")


@dataclass(frozen=True)
class Resend:
    """A chunk to send again, and why (logged with it)."""

    chunk: ChunkToSend
    reason: str


@dataclass
class WatchReport:
    chunks: list[Resend] = field(default_factory=list)
    rescore_jobs: list[str] = field(default_factory=list)
    """Jobs whose `rescore_all` message is to be sent again."""
    failed_jobs: list[str] = field(default_factory=list)
    finished_jobs: list[str] = field(default_factory=list)


async def watch_jobs(session: AsyncSession, settings: Settings, now: datetime | None = None) -> WatchReport:
    """One pass over the unfinished jobs; returns what to send again (already committed as queued)."""
    now = now or datetime.now(UTC)
    stalled_before = now - timedelta(seconds=settings.job_stall_seconds)
    report = WatchReport()
    await _expired_leases(session, settings, now, report)
    running = list(await session.scalars(select(ScoringJob.id).where(ScoringJob.state == JobState.RUNNING)))
    for job_id in running:
        if await finish_job_if_complete(session, job_id):
            report.finished_jobs.append(job_id)
    report.chunks += await _stalled_jobs(session, now, stalled_before, report)
    report.rescore_jobs += await _lost_plans(session, now, stalled_before)
    await session.commit()
    return report


async def _expired_leases(
    session: AsyncSession, settings: Settings, now: datetime, report: WatchReport
) -> None:
    chunk = ScoringJobChunk
    expired = (
        await session.execute(
            select(
                chunk.job_id, chunk.chunk_index, chunk.attempts, chunk.mission_ids, ScoringJob.total_chunks
            )
            .join(ScoringJob, ScoringJob.id == chunk.job_id)
            .where(
                ScoringJob.state == JobState.RUNNING,
                chunk.state == ChunkState.RUNNING,
                chunk.lease_until < now,
            )
            .order_by(chunk.job_id, chunk.chunk_index)
        )
    ).all()
    for job_id, index, attempts, mission_ids, total in expired:
        ids = [int(i) for i in mission_ids]
        last = attempts >= settings.chunk_max_attempts
        reason = (
            f"{chunk_label(index, total, ids)} did not finish after {attempts} attempts "
            "(worker lost or timed out)"
        )
        taken = await session.execute(
            update(chunk)
            .where(
                chunk.job_id == job_id,
                chunk.chunk_index == index,
                chunk.state == ChunkState.RUNNING,
                chunk.lease_until < now,
            )
            .values(
                state=ChunkState.FAILED if last else ChunkState.QUEUED,
                lease_until=None,
                claim_token=None,
                queued_at=now,
                last_error="lease expired: worker lost or timed out",
            )
            .returning(chunk.chunk_index)
        )
        if taken.first() is None:
            continue  # its worker finished it meanwhile, or another watchdog took it
        if last:
            if await fail_job(session, job_id, reason, now):
                report.failed_jobs.append(job_id)
                logger.error("rescore job %s failed: %s", job_id, reason)
            continue
        report.chunks.append(
            Resend(ChunkToSend(job_id, index, ids), f"lease expired after attempt {attempts}")
        )
    await session.commit()


async def _stalled_jobs(
    session: AsyncSession, now: datetime, stalled_before: datetime, report: WatchReport
) -> list[Resend]:
    stalled = (
        await session.scalars(
            update(ScoringJob)
            .where(
                ScoringJob.state == JobState.RUNNING,
                or_(ScoringJob.heartbeat_at.is_(None), ScoringJob.heartbeat_at < stalled_before),
            )
            .values(heartbeat_at=now)
            .returning(ScoringJob.id)
        )
    ).all()
    already = {(r.chunk.job_id, r.chunk.chunk_index) for r in report.chunks}
    resend: list[Resend] = []
    for job_id in sorted(stalled):
        for chunk in await queued_chunks(session, job_id):
            if (chunk.job_id, chunk.chunk_index) not in already:
                resend.append(Resend(chunk, "no progress of its job: its message may be lost"))
    return resend


async def _lost_plans(session: AsyncSession, now: datetime, stalled_before: datetime) -> list[str]:
    lost = (
        await session.scalars(
            update(ScoringJob)
            .where(
                ScoringJob.state == JobState.QUEUED,
                or_(ScoringJob.heartbeat_at.is_(None), ScoringJob.heartbeat_at < stalled_before),
            )
            .values(heartbeat_at=now)
            .returning(ScoringJob.id)
        )
    ).all()
    return sorted(lost)
