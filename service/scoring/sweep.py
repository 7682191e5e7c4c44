"""The stale sweep: which missions and profiles changed since they were scored (or never were)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from matching import ALGORITHM_VERSION
from models import FreelancerProfile, Mission


def _is_stale(model: type[FreelancerProfile] | type[Mission]) -> ColumnElement[bool]:
    return or_(
        model.scored_revision.is_(None),
        model.scored_revision < model.revision,
        model.scored_algorithm.is_(None),
        model.scored_algorithm != ALGORITHM_VERSION,
    )


async def stale_ids(session: AsyncSession, limit: int = 500) -> tuple[list[int], list[int]]:
    """Missions and profiles whose matches predate their last change or the current algorithm."""
    missions = await session.scalars(
        select(Mission.id).where(_is_stale(Mission)).order_by(Mission.id).limit(limit)
    )
    profiles = await session.scalars(
        select(FreelancerProfile.id)
        .where(_is_stale(FreelancerProfile))
        .order_by(FreelancerProfile.id)
        .limit(limit)
    )
    return list(missions), list(profiles)
