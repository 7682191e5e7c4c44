"""Thin Celery tasks: ids in, a scoring service call, bounded retries on transient errors.

The logic lives in service.scoring.services and is tested without Celery. The tasks are declared
without an app (`shared_task`): once this module is imported (a worker app's `include` does it), every
app registers them, so importing it builds no app and reads no setting.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, group, shared_task

from service.background.task_names import (
    TASK_DELIVER_NOTIFICATIONS,
    TASK_REMIND_AVAILABILITY,
    TASK_RESCORE_ALL,
    TASK_RESCORE_STALE,
    TASK_SCORE_CHUNK,
    TASK_SCORE_MISSION,
    TASK_SCORE_MISSION_BATCH,
    TASK_SCORE_PROFILE,
    TASK_WATCH_JOBS,
)
from service.freelancers.availability import send_availability_reminders
from service.notifications.delivery import deliver_pending
from service.scoring import jobs, services, sweep, watchdog
from workers.runtime import run_with_session

logger = logging.getLogger("ctomatch.workers")

TRANSIENT = jobs.TRANSIENT_ERRORS
RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name=TASK_SCORE_MISSION, **RETRY)
def score_mission(mission_id: int) -> dict[str, int]:
    outcome = run_with_session(lambda s, cfg: services.score_missions(s, cfg, [mission_id]))
    logger.info(
        "scored mission %s: %s pairs, %s matches written",
        mission_id,
        outcome.pairs_scored,
        outcome.matches_written,
    )
    return {"pairs_scored": outcome.pairs_scored, "matches_written": outcome.matches_written}


@shared_task(name=TASK_SCORE_PROFILE, **RETRY)
def score_profile(profile_id: int) -> dict[str, int]:
    outcome = run_with_session(lambda s, cfg: services.score_profile(s, cfg, profile_id))
    logger.info(
        "scored profile %s: %s pairs, %s matches written",
        profile_id,
        outcome.pairs_scored,
        outcome.matches_written,
    )
    return {"pairs_scored": outcome.pairs_scored, "matches_written": outcome.matches_written}


#: A chunk that failed (not transiently) is sent again after this many seconds per attempt made.
CHUNK_RETRY_DELAY_SECONDS = 5


def _send_chunks(chunks: list[jobs.ChunkToSend], countdown: float | None = None) -> None:
    if chunks:
        group(score_chunk.si(c.job_id, c.chunk_index, c.mission_ids) for c in chunks).apply_async(
            countdown=countdown
        )


@shared_task(name=TASK_SCORE_CHUNK, bind=True, **RETRY)
def score_chunk(self: Task, job_id: str, chunk_index: int, mission_ids: list[int]) -> dict[str, object]:
    """Claim and score one chunk; the task id is the claim token, so a Celery retry claims it again."""
    token = str(self.request.id or "") or None
    run = run_with_session(
        lambda s, cfg: jobs.score_job_chunk(s, cfg, job_id, chunk_index, mission_ids, claim_token=token)
    )
    if run.status == "requeued":
        _send_chunks(
            [jobs.ChunkToSend(job_id, chunk_index, list(run.mission_ids))],
            countdown=min(CHUNK_RETRY_DELAY_SECONDS * run.attempts, 60),
        )
    return {"status": run.status, "pairs_scored": run.pairs_scored, "matches_written": run.matches_written}


@shared_task(name=TASK_RESCORE_ALL, **RETRY)
def rescore_all(job_id: str) -> int:
    """Plan the job's chunks and fan them out; replaying the plan re-sends chunks that count once."""
    chunks = run_with_session(lambda s, cfg: jobs.plan_rescore(s, cfg, job_id))
    _send_chunks(chunks)
    logger.info("rescore job %s: %s chunks queued", job_id, len(chunks))
    return len(chunks)


@shared_task(name=TASK_WATCH_JOBS, **RETRY)
def watch_jobs() -> dict[str, int]:
    """Periodic: re-send the chunks of dead workers and lost messages, so no job waits forever."""
    report = run_with_session(lambda s, cfg: watchdog.watch_jobs(s, cfg))
    for resend in report.chunks:
        _send_chunks([resend.chunk])
        logger.warning(
            "watchdog: re-sent chunk index %s of job %s (%s)",
            resend.chunk.chunk_index,
            resend.chunk.job_id,
            resend.reason,
        )
    for job_id in report.rescore_jobs:
        rescore_all.delay(job_id)
        logger.warning("watchdog: re-sent the plan of job %s (still queued: its message may be lost)", job_id)
    return {
        "chunks": len(report.chunks),
        "plans": len(report.rescore_jobs),
        "failed": len(report.failed_jobs),
        "finished": len(report.finished_jobs),
    }


@shared_task(name=TASK_RESCORE_STALE, **RETRY)
def rescore_stale() -> dict[str, int]:
    """Periodic safety net: whatever changed since it was scored (or a lost enqueue) gets rescored."""
    work = run_with_session(lambda s, cfg: sweep.take_stale(s, cfg))
    if work.mission_ids:
        score_mission_batch.delay(work.mission_ids)
    for profile_id in work.profile_ids:
        score_profile.delay(profile_id)
    if work.mission_ids or work.profile_ids:
        logger.info(
            "stale sweep: %s missions, %s profiles queued", len(work.mission_ids), len(work.profile_ids)
        )
    return {"missions": len(work.mission_ids), "profiles": len(work.profile_ids)}


@shared_task(name=TASK_SCORE_MISSION_BATCH, **RETRY)
def score_mission_batch(mission_ids: list[int]) -> dict[str, int]:
    outcome = run_with_session(lambda s, cfg: services.score_missions(s, cfg, mission_ids))
    return {"pairs_scored": outcome.pairs_scored, "matches_written": outcome.matches_written}


@shared_task(name=TASK_DELIVER_NOTIFICATIONS, **RETRY)
def deliver_notifications() -> dict[str, int]:
    """Deliver the outbox; also run periodically, so a lost trigger only delays a notification."""
    report = run_with_session(lambda s, cfg: deliver_pending(s, cfg))
    return {"delivered": report.delivered, "failed": report.failed}


@shared_task(name=TASK_REMIND_AVAILABILITY, **RETRY)
def remind_availability() -> dict[str, int]:
    """Periodic: one reminder to each freelancer whose availability went unconfirmed too long."""
    written = run_with_session(lambda s, cfg: send_availability_reminders(s, cfg))
    if written:
        deliver_notifications.delay()
        logger.info("availability reminders: %s written", written)
    return {"reminders": written}
