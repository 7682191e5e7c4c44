"""Reading stored matches: a mission's candidates (its company, operators), a freelancer's missions.

A list is one query: the columns the page shows (not ORM graphs of missions, companies and profiles
with their child lists), with the total as an uncorrelated scalar subquery beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import msgspec
from sqlalchemy import ColumnElement, Row, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from matching import ALGORITHM_VERSION
from models import Company, FreelancerProfile, Match, Mission, RateBand
from models.base import utcnow
from models.enums import Role
from models.match import MATCH_RANK_ORDER
from service.auth.actor import Actor
from service.errors import Forbidden, NotFound
from service.explanations import Audience, audience_of, reason_codes, render_reasons
from service.freelancers.availability import is_confirmed
from service.i18n import _
from service.matches.schemas import MatchList, MatchOut, ReasonCodeOut, SkillGapsOut
from service.matches.transitions import PROPOSED_STATUSES
from service.missions.services import budget_fields
from service.querying import count_of
from service.reference.services import grid_revision_columns, rate_bands_at
from service.shapes import read_shape

#: What a listed match shows, labelled as the fields of `MatchOut`.
MATCH_COLUMNS = (
    Match.id,
    Match.mission_id,
    Mission.title.label("mission_title"),
    Company.name.label("company_name"),
    Match.freelancer_id,
    FreelancerProfile.full_name.label("freelancer_name"),
    FreelancerProfile.headline.label("freelancer_headline"),
    FreelancerProfile.availability_confirmed_at,
    Match.score,
    Match.factors,
    Match.reasons,
    Match.skill_gaps,
    Match.excluded,
    Match.exclusion_reason,
    Match.status,
    Match.version,
    Match.algorithm_version,
    Match.scored_at,
    Match.grid_revision_id,
)


def listed_matches(*extra: ColumnElement[Any] | InstrumentedAttribute[Any]) -> Select[Any]:
    """`MATCH_COLUMNS` (and `extra`) of matches joined to their mission, company and profile."""
    return (
        select(*MATCH_COLUMNS, *extra)
        .select_from(Match)
        .join(Mission, Match.mission_id == Mission.id)
        .join(Company, Mission.company_id == Company.id)
        .join(FreelancerProfile, Match.freelancer_id == FreelancerProfile.id)
    )


def _skill_gaps(stored: dict[str, Any]) -> SkillGapsOut:
    return msgspec.convert(
        {"missing_required": [], "missing_nice": [], "partial_required": [], **stored}, SkillGapsOut
    )


def _explained(stored: Sequence[Any], audience: Audience) -> dict[str, Any]:
    """The reasons of a stored match for its reader: sentences in the request's locale, and codes."""
    codes = msgspec.convert(reason_codes(stored, audience), list[ReasonCodeOut])
    return {"reasons": render_reasons(stored, audience), "reason_codes": codes}


def match_out(
    match: Match, mission: Mission, company: Company, profile: FreelancerProfile, audience: Audience
) -> MatchOut:
    return read_shape(
        match,
        MatchOut,
        mission_title=mission.title,
        company_name=company.name,
        freelancer_name=profile.full_name,
        freelancer_headline=profile.headline,
        availability_confirmed_at=profile.availability_confirmed_at,
        availability_confirmed=is_confirmed(profile.availability_confirmed_at, utcnow()),
        skill_gaps=_skill_gaps(match.skill_gaps),
        **_explained(match.reasons, audience),
    )


def listed_match_out(row: Row[Any], audience: Audience) -> MatchOut:
    """The same shape as `match_out`, from a row of `listed_matches()` (its columns bear the names)."""
    gaps = _skill_gaps(row.skill_gaps)
    confirmed = is_confirmed(row.availability_confirmed_at, utcnow())
    return read_shape(
        row, MatchOut, skill_gaps=gaps, availability_confirmed=confirmed, **_explained(row.reasons, audience)
    )


#: Whose matches a page lists: one mission's candidates, or one freelancer's missions.
Owner = Literal["mission", "freelancer"]
_OWNER_COLUMNS = {"mission": Match.mission_id, "freelancer": Match.freelancer_id}


@cache
def _page_statement(owner: Owner, proposed_only: bool, include_excluded: bool) -> Select[Any]:
    """A page of the matches of one mission or one profile, best first, with their total.

    Built once per shape; the owner's id, the floor score and the limit are bound per request.
    """
    where = [_OWNER_COLUMNS[owner] == bindparam("owner_id"), Match.score >= bindparam("min_score")]
    if not include_excluded:
        where.append(Match.excluded.is_(False))
    if proposed_only:  # a company or a freelancer sees what was proposed to them, nothing before
        where.append(Match.status.in_(sorted(PROPOSED_STATUSES)))
    total = count_of(select(Match.id).where(*where)).label("total")
    return listed_matches(total).where(*where).order_by(*MATCH_RANK_ORDER).limit(bindparam("limit"))


@dataclass(frozen=True)
class MatchListFilters:
    """What a list of a mission's or a freelancer's matches asks: how many, from which score."""

    limit: int = 20
    min_score: float = 0.0
    include_excluded: bool = False


async def _page(
    session: AsyncSession,
    owner: Owner,
    owner_id: int,
    *,
    proposed_only: bool,
    filters: MatchListFilters,
    audience: Audience,
) -> tuple[list[MatchOut], int]:
    statement = _page_statement(owner, proposed_only, filters.include_excluded)
    values = {"owner_id": owner_id, "min_score": filters.min_score, "limit": filters.limit}
    rows = (await session.execute(statement, values)).all()
    # No offset: an empty page means nothing matched the filters.
    return [listed_match_out(row, audience) for row in rows], int(rows[0].total) if rows else 0


_PROFILE_REVISIONS = select(
    FreelancerProfile.id,
    FreelancerProfile.revision,
    FreelancerProfile.scored_revision,
    FreelancerProfile.scored_algorithm,
).where(FreelancerProfile.id == bindparam("profile_id"))


def _pending(scored_revision: int | None, revision: int, algorithm: str | None) -> bool:
    return scored_revision is None or scored_revision < revision or algorithm != ALGORITHM_VERSION


@cache
def _mission_statement() -> Select[Any]:
    bands, grid_updated_at = grid_revision_columns()
    return select(
        Mission.__table__, bands.label("grid_bands"), grid_updated_at.label("grid_updated_at")
    ).where(Mission.id == bindparam("mission_id"))


async def _mission(session: AsyncSession, mission_id: int) -> tuple[Mission, Sequence[RateBand]]:
    """The mission's own columns and the rate grid, in one query.

    The mission is a transient copy, outside the session: its lists are left empty, which neither the
    access rules nor the budget warning read (the warning compares the budget with the seniority's band).
    """
    row = (await session.execute(_mission_statement(), {"mission_id": mission_id})).one_or_none()
    if row is None:
        raise NotFound(_("no mission %(id)s", id=mission_id))
    values = row._mapping
    mission = Mission(**{column.key: values[column] for column in Mission.__table__.c})
    return mission, await rate_bands_at(session, (int(row.grid_bands), row.grid_updated_at))


async def matches_for_mission(
    session: AsyncSession,
    actor: Actor,
    mission_id: int,
    filters: MatchListFilters,
) -> MatchList:
    mission, bands = await _mission(session, mission_id)
    if actor.role is Role.COMPANY and actor.company_id != mission.company_id:
        raise NotFound(_("no mission %(id)s", id=mission_id))  # another company's mission: as if missing
    if not (actor.is_operator or actor.company_id == mission.company_id):
        raise Forbidden(_("only the company that posted the mission, or an operator, may see its matches"))
    items, total = await _page(
        session,
        "mission",
        mission.id,
        proposed_only=not actor.is_operator,  # a company sees the candidates proposed to it
        filters=filters,
        audience=audience_of(actor.role),
    )
    return MatchList(
        items=items,
        total=total,
        **budget_fields(mission, bands),
        scoring_pending=_pending(mission.scored_revision, mission.revision, mission.scored_algorithm),
    )


async def matches_for_freelancer(
    session: AsyncSession,
    actor: Actor,
    profile_id: int,
    filters: MatchListFilters,
) -> MatchList:
    profile = (await session.execute(_PROFILE_REVISIONS, {"profile_id": profile_id})).one_or_none()
    if profile is None:
        raise NotFound(_("no freelancer profile %(id)s", id=profile_id))
    if not (actor.is_operator or actor.freelancer_id == profile.id):
        raise Forbidden(_("only the freelancer themself, or an operator, may see their matches"))
    items, total = await _page(
        session,
        "freelancer",
        profile.id,
        proposed_only=not actor.is_operator,  # a freelancer sees the missions proposed to them
        filters=filters,
        audience=audience_of(actor.role),
    )
    return MatchList(
        items=items,
        total=total,
        scoring_pending=_pending(profile.scored_revision, profile.revision, profile.scored_algorithm),
    )
