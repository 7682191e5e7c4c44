"""Reading stored matches: a mission's candidates (its company, operators), a freelancer's missions."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from matching import ALGORITHM_VERSION
from models import Company, FreelancerProfile, Match, Mission
from models.enums import Role
from service.auth.actor import Actor
from service.errors import Forbidden, NotFound
from service.freelancers.services import get_profile
from service.missions.services import budget_warning, get_mission
from service.reference.services import list_rate_bands
from service.review.transitions import PROPOSED_STATUSES
from service.scoring.schemas import MatchList, MatchOut, SkillGapsOut


def _joined() -> Select[Match, Mission, Company, FreelancerProfile]:
    return (
        select(Match, Mission, Company, FreelancerProfile)
        .join(Mission, Match.mission_id == Mission.id)
        .join(Company, Mission.company_id == Company.id)
        .join(FreelancerProfile, Match.freelancer_id == FreelancerProfile.id)
    )


def match_out(match: Match, mission: Mission, company: Company, profile: FreelancerProfile) -> MatchOut:
    return MatchOut(
        id=match.id,
        mission_id=mission.id,
        mission_title=mission.title,
        company_name=company.name,
        freelancer_id=profile.id,
        freelancer_name=profile.full_name,
        freelancer_headline=profile.headline,
        score=match.score,
        factors=dict(match.factors),
        reasons=list(match.reasons),
        skill_gaps=msgspec.convert(
            {"missing_required": [], "missing_nice": [], "partial_required": [], **match.skill_gaps},
            SkillGapsOut,
        ),
        excluded=match.excluded,
        exclusion_reason=match.exclusion_reason,
        status=match.status,
        version=match.version,
        algorithm_version=match.algorithm_version,
        scored_at=match.scored_at,
    )


async def _page(
    session: AsyncSession, where: Sequence[ColumnElement[bool]], limit: int
) -> tuple[list[MatchOut], int]:
    total = await session.scalar(select(func.count()).select_from(Match).join(Mission).where(*where))
    rows = await session.execute(_joined().where(*where).order_by(Match.score.desc(), Match.id).limit(limit))
    return [match_out(m, mi, c, p) for m, mi, c, p in rows], int(total or 0)


def _filters(min_score: float, include_excluded: bool) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Match.score >= min_score]
    if not include_excluded:
        where.append(Match.excluded.is_(False))
    return where


def _pending(scored_revision: int | None, revision: int, algorithm: str | None) -> bool:
    return scored_revision is None or scored_revision < revision or algorithm != ALGORITHM_VERSION


async def matches_for_mission(
    session: AsyncSession,
    actor: Actor,
    mission_id: int,
    *,
    limit: int,
    min_score: float,
    include_excluded: bool,
) -> MatchList:
    mission = await get_mission(session, mission_id)
    if actor.role is Role.COMPANY and actor.company_id != mission.company_id:
        raise NotFound(f"no mission {mission_id}")  # another company's mission: as if missing
    if not (actor.is_operator or actor.company_id == mission.company_id):
        raise Forbidden("only the company that posted the mission, or an operator, may see its matches")
    where = [Match.mission_id == mission.id, *_filters(min_score, include_excluded)]
    if not actor.is_operator:  # a company sees the candidates proposed to it, nothing before
        where.append(Match.status.in_(PROPOSED_STATUSES))
    items, total = await _page(session, where, limit)
    return MatchList(
        items=items,
        total=total,
        budget_warning=budget_warning(mission, await list_rate_bands(session)),
        scoring_pending=_pending(mission.scored_revision, mission.revision, mission.scored_algorithm),
    )


async def matches_for_freelancer(
    session: AsyncSession,
    actor: Actor,
    profile_id: int,
    *,
    limit: int,
    min_score: float,
    include_excluded: bool,
) -> MatchList:
    profile = await get_profile(session, profile_id)
    if not (actor.is_operator or actor.freelancer_id == profile.id):
        raise Forbidden("only the freelancer themself, or an operator, may see their matches")
    where = [Match.freelancer_id == profile.id, *_filters(min_score, include_excluded)]
    if not actor.is_operator:  # a freelancer sees the missions proposed to them
        where.append(Match.status.in_(PROPOSED_STATUSES))
    items, total = await _page(session, where, limit)
    return MatchList(
        items=items,
        total=total,
        scoring_pending=_pending(profile.scored_revision, profile.revision, profile.scored_algorithm),
    )
