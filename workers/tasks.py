"""Thin Celery tasks: ids in, a scoring service call, bounded retries on transient errors.

The logic lives in service.scoring.services and is tested without Celery.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import group
from sqlalchemy.exc import DBAPIError, OperationalError

from service.notifications.delivery import deliver_pending
from service.scoring import jobs, services, sweep
from workers.celery_app import celery_app
from workers.runtime import run_with_session
from workers.task_names import (
    TASK_DELIVER_NOTIFICATIONS,
    TASK_RESCORE_ALL,
    TASK_RESCORE_STALE,
    TASK_SCORE_CHUNK,
    TASK_SCORE_MISSION,
    TASK_SCORE_MISSION_BATCH,
    TASK_SCORE_PROFILE,
)

logger = logging.getLogger("ctomatch.workers")

TRANSIENT = (OperationalError, DBAPIError, ConnectionError, TimeoutError)
RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


@celery_app.task(name=TASK_SCORE_MISSION, **RETRY)
def score_mission(mission_id: int) -> dict[str, int]:
    outcome = run_with_session(lambda s, cfg: services.score_missions(s, cfg, [mission_id]))
    logger.info(
        "scored mission %s: %s pairs, %s matches written",
        mission_id,
        outcome.pairs_scored,
        outcome.matches_written,
    )
    return {"pairs_scored": outcome.pairs_scored, "matches_written": outcome.matches_written}


@celery_app.task(name=TASK_SCORE_PROFILE, **RETRY)
def score_profile(profile_id: int) -> dict[str, int]:
    outcome = run_with_session(lambda s, cfg: services.score_profile(s, cfg, profile_id))
    logger.info(
        "scored profile %s: %s pairs, %s matches written",
        profile_id,
        outcome.pairs_scored,
        outcome.matches_written,
    )
    return {"pairs_scored": outcome.pairs_scored, "matches_written": outcome.matches_written}


@celery_app.task(name=TASK_SCORE_CHUNK, **RETRY)
def score_chunk(job_id: str, chunk_index: int, mission_ids: list[int]) -> dict[str, int]:
    outcome = run_with_session(lambda s, cfg: jobs.score_job_chunk(s, cfg, job_id, chunk_index, mission_ids))
    return {"pairs_scored": outcome.pairs_scored, "matches_written": outcome.matches_written}


@celery_app.task(name=TASK_RESCORE_ALL, **RETRY)
def rescore_all(job_id: str) -> int:
    """Plan the job's chunks and fan them out; replaying the plan re-sends chunks that count once."""
    chunks = run_with_session(lambda s, cfg: jobs.plan_rescore(s, cfg, job_id))
    group(score_chunk.si(job_id, index, ids) for index, ids in enumerate(chunks)).apply_async()
    logger.info("rescore job %s: %s chunks queued", job_id, len(chunks))
    return len(chunks)


@celery_app.task(name=TASK_RESCORE_STALE, **RETRY)
def rescore_stale() -> dict[str, int]:
    """Periodic safety net: whatever changed since it was scored (or a lost enqueue) gets rescored."""
    mission_ids, profile_ids = run_with_session(lambda s, _cfg: sweep.stale_ids(s))
    if mission_ids:
        score_mission_batch.delay(mission_ids)
    for profile_id in profile_ids:
        score_profile.delay(profile_id)
    if mission_ids or profile_ids:
        logger.info("stale sweep: %s missions, %s profiles queued", len(mission_ids), len(profile_ids))
    return {"missions": len(mission_ids), "profiles": len(profile_ids)}


@celery_app.task(name=TASK_SCORE_MISSION_BATCH, **RETRY)
def score_mission_batch(mission_ids: list[int]) -> dict[str, int]:
    outcome = run_with_session(lambda s, cfg: services.score_missions(s, cfg, mission_ids))
    return {"pairs_scored": outcome.pairs_scored, "matches_written": outcome.matches_written}


@celery_app.task(name=TASK_DELIVER_NOTIFICATIONS, **RETRY)
def deliver_notifications() -> dict[str, int]:
    """Deliver the outbox; also run periodically, so a lost trigger only delays a notification."""
    report = run_with_session(lambda s, cfg: deliver_pending(s, cfg))
    return {"delivered": report.delivered, "failed": report.failed}
