"""What an operator reads about one freelancer: the profile, its rate against the market, whether its
availability is confirmed, its references and contact, every match with its decisions, its possible
duplicates and what operators did to it.

A page of a profile others were merged into also lists the matches of those merged profiles (their
rows are untouched), each saying which profile it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import Account, Company, FreelancerProfile, Match, MatchDecision, Mission, ProfileEvent, RateBand
from models.base import utcnow
from models.enums import MatchStatus, Role
from service.auth.actor import Actor
from service.errors import Forbidden
from service.freelancers.availability import is_confirmed
from service.freelancers.services import get_profile
from service.i18n import _
from service.market.services import MarketPosition, band_for_years, describe_position, market_position
from service.people.duplicates import DuplicateRule, duplicates_of
from service.reference.services import list_rate_bands


@dataclass(frozen=True)
class MatchLine:
    id: int
    mission_id: int
    mission_title: str
    company_id: int
    company_name: str
    status: MatchStatus
    score: float
    excluded: bool
    from_profile_id: int | None
    """The merged profile this match belongs to; None for the page's own profile."""


@dataclass(frozen=True)
class DecisionLine:
    match_id: int
    mission_title: str
    from_status: MatchStatus
    to_status: MatchStatus
    actor_name: str | None
    actor_role: Role | None
    on_behalf_of: str | None
    reason: str
    created_at: datetime
    from_profile_id: int | None


@dataclass(frozen=True)
class DuplicateLine:
    id: int
    full_name: str
    headline: str
    active: bool
    rules: tuple[DuplicateRule, ...]


@dataclass(frozen=True)
class EventLine:
    kind: str
    profile_id: int
    profile_name: str
    other_profile_id: int | None
    other_profile_name: str | None
    actor_name: str | None
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class FreelancerPage:
    profile: FreelancerProfile
    email: str
    band: RateBand
    position: MarketPosition
    position_text: str
    availability_confirmed: bool
    available_from: date
    merged_into: tuple[int, str] | None
    merged_from: list[tuple[int, str]]
    matches: list[MatchLine]
    decisions: list[DecisionLine]
    duplicates: list[DuplicateLine]
    events: list[EventLine]

    @property
    def references(self) -> list[dict[str, Any]]:
        return list(self.profile.references)


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, FreelancerProfile]:
    if not ids:
        return {}
    rows = await session.scalars(select(FreelancerProfile).where(FreelancerProfile.id.in_(ids)))
    return {p.id: p for p in rows}


async def _matches(session: AsyncSession, owners: dict[int, int | None]) -> list[MatchLine]:
    rows = await session.execute(
        select(
            Match.id,
            Match.mission_id,
            Mission.title,
            Company.id.label("company_id"),
            Company.name,
            Match.status,
            Match.score,
            Match.excluded,
            Match.freelancer_id,
        )
        .join(Mission, Match.mission_id == Mission.id)
        .join(Company, Mission.company_id == Company.id)
        .where(Match.freelancer_id.in_(owners))
        .order_by(Match.score.desc(), Match.id)
    )
    return [
        MatchLine(
            r.id,
            r.mission_id,
            r.title,
            r.company_id,
            r.name,
            r.status,
            r.score,
            r.excluded,
            owners[r.freelancer_id],
        )
        for r in rows
    ]


async def _decisions(session: AsyncSession, owners: dict[int, int | None]) -> list[DecisionLine]:
    rows = await session.execute(
        select(MatchDecision, Account.display_name, Account.role, Mission.title, Match.freelancer_id)
        .join(Match, MatchDecision.match_id == Match.id)
        .join(Mission, Match.mission_id == Mission.id)
        .outerjoin(Account, MatchDecision.actor_account_id == Account.id)
        .where(Match.freelancer_id.in_(owners))
        .order_by(MatchDecision.created_at.desc(), MatchDecision.id.desc())
    )
    return [
        DecisionLine(
            d.match_id,
            title,
            d.from_status,
            d.to_status,
            name,
            role,
            d.on_behalf_of,
            d.reason,
            d.created_at,
            owners[freelancer_id],
        )
        for d, name, role, title, freelancer_id in rows
    ]


async def _events(session: AsyncSession, profile_ids: set[int]) -> list[EventLine]:
    subject, other = aliased(FreelancerProfile), aliased(FreelancerProfile)
    rows = await session.execute(
        select(ProfileEvent, subject.full_name, other.full_name, Account.display_name)
        .join(subject, ProfileEvent.profile_id == subject.id)
        .outerjoin(other, ProfileEvent.other_profile_id == other.id)
        .outerjoin(Account, ProfileEvent.actor_account_id == Account.id)
        .where(or_(ProfileEvent.profile_id.in_(profile_ids), ProfileEvent.other_profile_id.in_(profile_ids)))
        .order_by(ProfileEvent.created_at.desc(), ProfileEvent.id.desc())
    )
    return [
        EventLine(
            str(e.kind),
            e.profile_id,
            subject_name,
            e.other_profile_id,
            other_name,
            actor,
            e.reason,
            e.created_at,
        )
        for e, subject_name, other_name, actor in rows
    ]


async def freelancer_page(session: AsyncSession, actor: Actor, profile_id: int) -> FreelancerPage:
    """Everything the freelancer page shows (operators only; 404 for an unknown id)."""
    if not actor.is_operator:
        raise Forbidden(_("only an operator may read a freelancer's page"))
    profile = await get_profile(session, profile_id)
    merged_from = list(
        await session.scalars(
            select(FreelancerProfile)
            .where(FreelancerProfile.merged_into_id == profile_id)
            .order_by(FreelancerProfile.id)
        )
    )
    owners: dict[int, int | None] = {profile_id: None, **{p.id: p.id for p in merged_from}}
    bands = await list_rate_bands(session)
    band = band_for_years(bands, profile.years_experience)
    hits = await duplicates_of(session, profile_id)
    wanted = {hit.other_id for hit in hits}
    if profile.merged_into_id is not None:
        wanted.add(profile.merged_into_id)
    others = await _names(session, wanted)
    merged_into = None
    if profile.merged_into_id is not None and profile.merged_into_id in others:
        merged_into = (profile.merged_into_id, others[profile.merged_into_id].full_name)
    return FreelancerPage(
        profile=profile,
        email=profile.account.email,
        band=band,
        position=market_position(band, profile.tjm),
        position_text=describe_position(band, profile.tjm),
        availability_confirmed=is_confirmed(profile.availability_confirmed_at, utcnow()),
        available_from=profile.available_from,
        merged_into=merged_into,
        merged_from=[(p.id, p.full_name) for p in merged_from],
        matches=await _matches(session, owners),
        decisions=await _decisions(session, owners),
        duplicates=[
            DuplicateLine(
                h.other_id,
                others[h.other_id].full_name,
                others[h.other_id].headline,
                others[h.other_id].active,
                h.rules,
            )
            for h in hits
            if h.other_id in others
        ],
        events=await _events(session, set(owners)),
    )
