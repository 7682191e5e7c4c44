"""Review rules: who sees which match, the queue, decisions with optimistic concurrency, the audit.

A decision is one transaction: the guarded status update (`WHERE version = expected`), the
append-only decision row and the notification rows. Two operators deciding at once: the database
lets exactly one UPDATE match the version; the other gets 409 naming the current status.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from matching import Weights, on_site_reach, presence_flaw
from models import Account, Company, FreelancerProfile, Match, MatchDecision, Mission, RateBand
from models.enums import MatchStatus, Role
from service.auth.actor import Actor
from service.background.queue import WorkQueue
from service.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, PreconditionRequired
from service.explanations import audience_of, render_reasons, strongest_reasons
from service.i18n import _
from service.matches.lists import listed_match_out, listed_matches, match_out
from service.matches.schemas import DecisionIn, DecisionOut, MatchDetail, ReviewFacts, ReviewItem
from service.matches.transitions import (
    PROPOSED_STATUSES,
    RULES,
    TransitionRefused,
    actions_for,
    next_status,
    on_behalf,
)
from service.notifications.outbox import add_notifications
from service.pagination import PageParams
from service.people.duplicates import ids_with_duplicates
from service.querying import page_total
from service.reference.places import region_of
from service.revisions import parse_if_match


async def _load(session: AsyncSession, match_id: int) -> tuple[Match, Mission, Company, FreelancerProfile]:
    row = (
        await session.execute(
            select(Match, Mission, Company, FreelancerProfile)
            .join(Mission, Match.mission_id == Mission.id)
            .join(Company, Mission.company_id == Company.id)
            .join(FreelancerProfile, Match.freelancer_id == FreelancerProfile.id)
            .where(Match.id == match_id)
            .execution_options(populate_existing=True)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(_("no match %(id)s", id=match_id))
    return row[0], row[1], row[2], row[3]


def _ensure_visible(actor: Actor, match: Match, mission: Mission) -> None:
    """Companies and freelancers see a match only once it is proposed to them (README, access rules)."""
    if actor.is_operator:
        return
    own = (actor.role is Role.COMPANY and actor.company_id == mission.company_id) or (
        actor.role is Role.FREELANCER and actor.freelancer_id == match.freelancer_id
    )
    if not own or match.status not in PROPOSED_STATUSES:
        raise NotFound(_("no match %(id)s", id=match.id))


async def read_match(session: AsyncSession, actor: Actor, match_id: int) -> MatchDetail:
    match, mission, company, profile = await _load(session, match_id)
    _ensure_visible(actor, match, mission)
    return MatchDetail(
        match=match_out(match, mission, company, profile, audience_of(actor.role)),
        version=match.version,
        needs_review=match.needs_review,
        allowed_actions=[
            action
            for action in actions_for(actor.role, match.status)
            if on_behalf(action, actor.role) not in erased_sides(company, profile)
        ],
        company_id=company.id,
    )


def erased_sides(company: Company, profile: FreelancerProfile) -> frozenset[str]:
    """The sides whose account was erased (GDPR art. 17): nobody is left for an operator to act for."""
    erased = {"company"} if company.account.erased_at is not None else set()
    if profile.account.erased_at is not None:
        erased.add("freelancer")
    return frozenset(erased)


async def decide(
    session: AsyncSession,
    actor: Actor,
    match_id: int,
    data: DecisionIn,
    if_match: str | None,
    queue: WorkQueue | None = None,
) -> MatchDetail:
    match, mission, company, profile = await _load(session, match_id)
    _ensure_visible(actor, match, mission)
    expected = parse_if_match(if_match)
    if expected is None:
        expected = data.version
    if expected is None:
        raise PreconditionRequired(
            _("send the match's version as If-Match (its ETag) or in the body as `version`"),
            extra={"current_status": match.status, "version": match.version},
        )
    try:
        to_status = next_status(data.action, actor.role, match.status)
    except PermissionError as exc:
        raise Forbidden(str(exc)) from exc
    except TransitionRefused as exc:
        raise Conflict(str(exc), extra={"current_status": exc.current, "version": match.version}) from exc
    reason = data.reason.strip()
    if RULES[data.action].reason_required and not reason:
        reason_required = _("a reason is required to %(action)s", action=data.action)
        raise InvalidInput([FieldError("body.reason", reason_required)])
    on_behalf_of = on_behalf(data.action, actor.role)
    if on_behalf_of is not None and not reason:
        raise InvalidInput([FieldError("body.reason", _("a reason is required to act on behalf of a side"))])
    if on_behalf_of is not None and on_behalf_of in erased_sides(company, profile):
        raise Conflict(
            _("the company's account was erased: nobody is left to act for")
            if on_behalf_of == "company"
            else _("the freelancer's account was erased: nobody is left to act for"),
            extra={"current_status": match.status, "version": match.version},
        )
    if expected != match.version:
        raise Conflict(
            _(
                "match %(id)s changed since version %(expected)s: it is now %(status)s (version %(version)s)",
                id=match.id,
                expected=expected,
                status=match.status,
                version=match.version,
            ),
            extra={"current_status": match.status, "version": match.version},
        )
    from_status = match.status
    result = await session.execute(
        update(Match)
        .where(Match.id == match.id, Match.version == expected, Match.status == from_status)
        .values(
            status=to_status,
            version=Match.version + 1,
            score_at_decision=Match.score,
            needs_review=False,
            updated_at=func.now(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        current = (await _load(session, match_id))[0]
        raise Conflict(
            _(
                "match %(id)s was decided by someone else: it is now %(status)s (version %(version)s)",
                id=match_id,
                status=current.status,
                version=current.version,
            ),
            extra={"current_status": current.status, "version": current.version},
        )
    decision = MatchDecision(
        match_id=match.id,
        actor_account_id=actor.account_id,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        on_behalf_of=on_behalf_of,
    )
    session.add(decision)
    await session.flush()
    await add_notifications(session, match, decision)
    await session.commit()
    if queue is not None:
        await queue.notifications_pending()
    return await read_match(session, actor, match_id)


async def history(session: AsyncSession, match_id: int) -> list[DecisionOut]:
    if await session.get(Match, match_id) is None:
        raise NotFound(_("no match %(id)s", id=match_id))
    rows = await session.execute(
        select(MatchDecision, Account)
        .outerjoin(Account, MatchDecision.actor_account_id == Account.id)
        .where(MatchDecision.match_id == match_id)
        .order_by(MatchDecision.created_at, MatchDecision.id)
    )
    return [
        DecisionOut(
            id=d.id,
            match_id=d.match_id,
            actor_account_id=d.actor_account_id,
            actor_name=a.display_name if a else None,
            actor_role=a.role if a else None,
            from_status=d.from_status,
            to_status=d.to_status,
            reason=d.reason,
            on_behalf_of=Role(d.on_behalf_of) if d.on_behalf_of else None,
            created_at=d.created_at,
        )
        for d, a in rows
    ]


#: How the queue is ordered after its flagged matches (see QUEUE_ORDERS).
QueueSort = Literal["score", "date", "mission"]


@dataclass(frozen=True)
class QueueFilters:
    statuses: Sequence[MatchStatus] = (MatchStatus.PENDING,)
    flagged_only: bool = False
    mission_id: int | None = None
    company_id: int | None = None
    min_score: float = 0.0
    band: str | None = None
    tjm_position: str | None = None
    sort: QueueSort = "score"
    keep_ids: Sequence[int] = ()
    """Matches listed whatever their status (the console keeps the rows just decided in view)."""


def _position() -> ColumnElement[str]:
    return case(
        (FreelancerProfile.tjm < RateBand.tjm_low, "below"),
        (FreelancerProfile.tjm > RateBand.tjm_high, "above"),
        else_="within",
    )


def _band_join() -> ColumnElement[bool]:
    """The freelancer's experience band: min_years <= years < max_years (the last band is open-ended)."""
    return and_(
        FreelancerProfile.years_experience >= RateBand.min_years,
        or_(RateBand.max_years.is_(None), FreelancerProfile.years_experience < RateBand.max_years),
    )


def _queue_ids(filters: QueueFilters) -> Select[Any]:
    """The ids of the matches in the queue, joined only to what the filters read.

    Without a band or position filter no profile or band is joined: every profile falls in exactly
    one band (the grid starts at 0 years, its bands are contiguous and the last one is open-ended,
    which the engine's `RateGrid` checks), so the join would neither drop nor repeat a match.
    """
    where: list[ColumnElement[bool]] = [Match.excluded.is_(False), Match.score >= filters.min_score]
    kept = Match.id.in_(filters.keep_ids) if filters.keep_ids else None
    listed: ColumnElement[bool]
    if filters.flagged_only:
        listed = Match.needs_review.is_(True)
    else:
        listed = or_(Match.status.in_(filters.statuses), Match.needs_review.is_(True))
    where.append(listed if kept is None else or_(listed, kept))
    if filters.mission_id is not None:
        where.append(Match.mission_id == filters.mission_id)
    query = select(Match.id).select_from(Match)
    if filters.company_id is not None:
        query = query.join(Mission, Match.mission_id == Mission.id)
        where.append(Mission.company_id == filters.company_id)
    if filters.band is not None or filters.tjm_position is not None:
        query = query.join(FreelancerProfile, Match.freelancer_id == FreelancerProfile.id).join(
            RateBand, _band_join()
        )
        if filters.band is not None:
            where.append(RateBand.id == filters.band)
        if filters.tjm_position is not None:
            where.append(_position() == filters.tjm_position)
    return query.where(*where)


#: Flagged first, then by score, then age.
QUEUE_ORDER = (Match.needs_review.desc(), Match.score.desc(), Match.created_at, Match.id)
#: The queue's orders: flagged first always, then the asked key ("date": newest first; "mission":
#: one mission's candidates together, best first, so a page can be grouped by mission).
QUEUE_ORDERS: dict[str, tuple[Any, ...]] = {
    "score": QUEUE_ORDER,
    "date": (Match.needs_review.desc(), Match.created_at.desc(), Match.id.desc()),
    "mission": (Match.needs_review.desc(), Match.mission_id, Match.score.desc(), Match.id),
}
#: What a queue row shows of each side, next to each other (`ReviewFacts`).
_FACT_COLUMNS = (
    FreelancerProfile.tjm,
    Mission.tjm_min,
    Mission.tjm_max,
    Mission.seniority.label("band_asked"),
    FreelancerProfile.available_from,
    Mission.start_date,
    FreelancerProfile.days_per_week.label("days_offered"),
    Mission.days_per_week.label("days_asked"),
    FreelancerProfile.location,
    FreelancerProfile.remote_preference,
    Mission.location.label("mission_location"),
    Mission.remote_policy,
    FreelancerProfile.mobility,
    FreelancerProfile.mobility_anywhere,
)


def _presence(row: Any) -> tuple[str | None, bool]:
    """How the freelancer can be at the mission's city (for a hybrid or on-site mission), and whether a
    presence gate applies (`matching.factors.presence_flaw`)."""
    preference, policy = str(row.remote_preference), str(row.remote_policy)
    mobility = [str(m) for m in row.mobility or ()]
    city = row.mission_location or ""
    reach = on_site_reach(city, region_of(city), row.location or "", mobility, bool(row.mobility_anywhere))
    needs_city = policy != "remote" and bool(city.strip())
    on_site = reach[0] if reach and needs_city else None  # a remote mission has no site to reach
    return on_site, presence_flaw(preference, policy, needs_city, reach is not None) is not None


def _facts(row: Any) -> ReviewFacts:
    over = max(0, math.ceil((row.tjm - row.tjm_max) * 100 / row.tjm_max)) if row.tjm_max else 0
    on_site, presence_gated = _presence(row)
    return ReviewFacts(
        tjm=row.tjm,
        tjm_min=row.tjm_min,
        tjm_max=row.tjm_max,
        tjm_over_percent=over,
        band_asked=row.band_asked,
        available_from=row.available_from,
        start_date=row.start_date,
        days_offered=row.days_offered,
        days_asked=row.days_asked,
        location=row.location or None,
        remote_preference=str(row.remote_preference),
        mission_location=row.mission_location or None,
        remote_policy=str(row.remote_policy),
        mobility=[str(m) for m in row.mobility or ()],
        mobility_anywhere=bool(row.mobility_anywhere),
        on_site=on_site,
        presence_gated=presence_gated,
    )


async def review_queue(
    session: AsyncSession, filters: QueueFilters, page: PageParams, weights: Weights | None = None
) -> tuple[list[ReviewItem], int]:
    """Pending (or the asked statuses') non-excluded matches: flagged first, then by score, then age.

    One query: the page is chosen on the matches alone, counting them in the same pass (a window
    count), then only its rows are joined to what they show (a second query only past the last page).
    One more reads whether the page's freelancers have a possible duplicate (service.people).
    """
    ids = _queue_ids(filters)
    order = QUEUE_ORDERS[filters.sort]
    page_ids = (
        ids.add_columns(func.count().over().label("total"))
        .order_by(*order)
        .limit(page.limit)
        .offset(page.offset)
        .subquery()
    )
    query = (
        listed_matches(
            Match.needs_review,
            Match.score_at_decision,
            Match.created_at,
            RateBand.id.label("experience_band"),
            _position().label("tjm_position"),
            *_FACT_COLUMNS,
            page_ids.c.total,
        )
        .join(page_ids, page_ids.c.id == Match.id)
        .join(RateBand, _band_join())
        .order_by(*order)
    )
    weight_of = (weights or Weights()).as_dict()
    rows = (await session.execute(query)).all()
    total = await page_total(session, rows, ids)
    doubled = await ids_with_duplicates(session, {row.freelancer_id for row in rows})
    items = [
        ReviewItem(
            match=listed_match_out(row, "operator"),
            facts=_facts(row),
            strongest_reasons=render_reasons(
                strongest_reasons(row.reasons, row.factors, weight_of), "operator"
            ),
            version=row.version,
            needs_review=row.needs_review,
            score_at_decision=row.score_at_decision,
            experience_band=row.experience_band,
            tjm_position=row.tjm_position,
            created_at=row.created_at,
            allowed_actions=actions_for(Role.OPERATOR, row.status),
            possible_duplicate=row.freelancer_id in doubled,
        )
        for row in rows
    ]
    return items, total
