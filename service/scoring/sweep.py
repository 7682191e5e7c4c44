"""The stale sweep: which missions and profiles changed since they were scored (or never were).

It is the safety net of lost enqueues, so it must not become a second queue: while a full rescore is
queued or running it finds nothing (the job scores everything), and a row it queued is not queued
again while that send has not had JOB_STALL_SECONDS to run (a lost send is retried after that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from matching import ALGORITHM_VERSION
from models import FreelancerProfile, Mission
from service.scoring.jobs import active_full_rescore
from service.settings import Settings

#: How long a row queued by the sweep is left to its send before it is queued again (the default of
#: JOB_STALL_SECONDS, for callers that only ask what is stale).
DEFAULT_REQUEUE_AFTER = timedelta(seconds=60)


def _is_stale(model: type[FreelancerProfile] | type[Mission]) -> ColumnElement[bool]:
    return or_(
        model.scored_revision.is_(None),
        model.scored_revision < model.revision,
        model.scored_algorithm.is_(None),
        model.scored_algorithm != ALGORITHM_VERSION,
    )


def _queued_recently(model: type[FreelancerProfile] | type[Mission], since: datetime) -> ColumnElement[bool]:
    """The sweep already queued this very revision, and that send may still be waiting for a worker."""
    return and_(
        model.sweep_queued_revision.is_not(None),
        model.sweep_queued_revision == model.revision,
        model.sweep_queued_at.is_not(None),
        model.sweep_queued_at > since,
    )


async def stale_ids(
    session: AsyncSession, limit: int = 500, *, requeue_after: timedelta = DEFAULT_REQUEUE_AFTER
) -> tuple[list[int], list[int]]:
    """Missions and profiles whose matches predate their last change or the current algorithm.

    Nothing while a full rescore is queued or running; rows the sweep queued less than `requeue_after`
    ago (at their current revision) are left to that send.
    """
    if await active_full_rescore(session):
        return [], []
    since = datetime.now(UTC) - requeue_after
    missions = await session.scalars(
        select(Mission.id)
        .where(_is_stale(Mission), not_(_queued_recently(Mission, since)))
        .order_by(Mission.id)
        .limit(limit)
    )
    profiles = await session.scalars(
        select(FreelancerProfile.id)
        .where(_is_stale(FreelancerProfile), not_(_queued_recently(FreelancerProfile, since)))
        .order_by(FreelancerProfile.id)
        .limit(limit)
    )
    return list(missions), list(profiles)


@dataclass(frozen=True)
class SweepWork:
    """What one sweep run is to send: a batch of missions, and profiles one by one."""

    mission_ids: list[int]
    profile_ids: list[int]


async def take_stale(session: AsyncSession, settings: Settings, limit: int = 500) -> SweepWork:
    """The stale rows, marked as queued by the sweep (committed before the caller sends them).

    Marking moves neither `revision` nor `updated_at`: it is not a change of the row.
    """
    mission_ids, profile_ids = await stale_ids(
        session, limit, requeue_after=timedelta(seconds=settings.job_stall_seconds)
    )
    now = datetime.now(UTC)
    for model, ids in ((Mission, mission_ids), (FreelancerProfile, profile_ids)):
        if ids:
            await session.execute(
                update(model)
                .where(model.id.in_(ids))
                .values(
                    sweep_queued_revision=model.revision,
                    sweep_queued_at=now,
                    updated_at=model.updated_at,
                )
                .execution_options(synchronize_session=False)
            )
    await session.commit()
    return SweepWork(mission_ids, profile_ids)
