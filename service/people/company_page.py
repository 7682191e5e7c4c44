"""What an operator reads about one company: its missions with their figures, and for each mission
the freelancers proposed to it and how the company (and the freelancer) answered, from the decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Company, FreelancerProfile, Match, MatchDecision, Mission
from models.enums import MatchStatus, MissionStatus
from service.auth.actor import Actor
from service.companies.services import get_company
from service.errors import Forbidden
from service.i18n import _

#: Statuses in which a match has been put in front of the company (a proposal), and the answers.
PROPOSAL_STATUSES = frozenset(
    {
        MatchStatus.PROPOSED,
        MatchStatus.ACCEPTED,
        MatchStatus.DECLINED,
        MatchStatus.FREELANCER_INTERESTED,
        MatchStatus.FREELANCER_DECLINED,
    }
)
ANSWER_STATUSES = frozenset({MatchStatus.ACCEPTED, MatchStatus.DECLINED})


@dataclass(frozen=True)
class Answer:
    status: MatchStatus
    reason: str
    at: datetime
    actor_name: str | None
    on_behalf_of: str | None


@dataclass(frozen=True)
class Proposal:
    match_id: int
    freelancer_id: int
    freelancer_name: str
    status: MatchStatus
    score: float
    proposed_at: datetime | None
    answer: Answer | None
    """The company's answer (accepted or declined), the last one if it changed; None while it waits."""


@dataclass
class MissionLine:
    id: int
    title: str
    status: MissionStatus
    start_date: date
    tjm_min: int
    tjm_max: int
    matches: int = 0
    pending: int = 0
    proposals: list[Proposal] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(1 for p in self.proposals if p.status is MatchStatus.ACCEPTED)

    @property
    def declined(self) -> int:
        return sum(1 for p in self.proposals if p.status is MatchStatus.DECLINED)


@dataclass(frozen=True)
class CompanyPage:
    company: Company
    email: str
    missions: list[MissionLine]


async def _missions(session: AsyncSession, company_id: int) -> dict[int, MissionLine]:
    counted = (
        select(
            Match.mission_id,
            func.count(Match.id).label("matches"),
            func.sum(case((Match.status == MatchStatus.PENDING, 1), else_=0)).label("pending"),
        )
        .where(Match.excluded.is_(False))
        .group_by(Match.mission_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            Mission.id,
            Mission.title,
            Mission.status,
            Mission.start_date,
            Mission.tjm_min,
            Mission.tjm_max,
            counted.c.matches,
            counted.c.pending,
        )
        .outerjoin(counted, counted.c.mission_id == Mission.id)
        .where(Mission.company_id == company_id)
        .order_by(Mission.start_date.desc(), Mission.id)
    )
    return {
        r.id: MissionLine(
            r.id,
            r.title,
            r.status,
            r.start_date,
            r.tjm_min,
            r.tjm_max,
            int(r.matches or 0),
            int(r.pending or 0),
        )
        for r in rows
    }


async def _proposals(session: AsyncSession, mission_ids: list[int]) -> dict[int, list[Proposal]]:
    """Proposals of these missions with their decisions, in two queries for the whole page."""
    if not mission_ids:
        return {}
    matches = (
        await session.execute(
            select(
                Match.id,
                Match.mission_id,
                Match.freelancer_id,
                FreelancerProfile.full_name,
                Match.status,
                Match.score,
            )
            .join(FreelancerProfile, Match.freelancer_id == FreelancerProfile.id)
            .where(Match.mission_id.in_(mission_ids), Match.status.in_(PROPOSAL_STATUSES))
            .order_by(Match.score.desc(), Match.id)
        )
    ).all()
    proposed_at: dict[int, datetime] = {}
    answers: dict[int, Answer] = {}
    if matches:
        decisions = await session.execute(
            select(MatchDecision, Account.display_name)
            .outerjoin(Account, MatchDecision.actor_account_id == Account.id)
            .where(
                MatchDecision.match_id.in_([m.id for m in matches]),
                MatchDecision.to_status.in_({MatchStatus.PROPOSED, *ANSWER_STATUSES}),
            )
            .order_by(MatchDecision.created_at, MatchDecision.id)
        )
        for decision, name in decisions:  # oldest first: the last answer wins
            if decision.to_status is MatchStatus.PROPOSED:
                proposed_at.setdefault(decision.match_id, decision.created_at)
            else:
                answers[decision.match_id] = Answer(
                    decision.to_status, decision.reason, decision.created_at, name, decision.on_behalf_of
                )
    by_mission: dict[int, list[Proposal]] = {}
    for m in matches:
        by_mission.setdefault(m.mission_id, []).append(
            Proposal(
                m.id,
                m.freelancer_id,
                m.full_name,
                m.status,
                m.score,
                proposed_at.get(m.id),
                answers.get(m.id),
            )
        )
    return by_mission


async def company_page(session: AsyncSession, actor: Actor, company_id: int) -> CompanyPage:
    """Everything the company page shows (operators only; 404 for an unknown id)."""
    if not actor.is_operator:
        raise Forbidden(_("only an operator may read a company's page"))
    company = await get_company(session, company_id)
    missions = await _missions(session, company_id)
    for mission_id, proposals in (await _proposals(session, list(missions))).items():
        missions[mission_id].proposals = proposals
    return CompanyPage(company=company, email=company.account.email, missions=list(missions.values()))
