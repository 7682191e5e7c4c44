"""The missions proposed to the freelancer: the inbox, one proposal, and their answer to it.

What a freelancer may read and do is the matches service's (`matches_for_freelancer`, `read_match`,
`decide` with the freelancer as actor): a match not proposed to them is a 404, as on the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Company, FreelancerProfile, Mission
from models.enums import MatchStatus
from service.auth.actor import ANONYMOUS, roles
from service.errors import Conflict, DomainError, NotFound
from service.explanations.labels import taxonomy_labels
from service.explanations.reasons import render_reasons
from service.handler_params import AppSettings, BackgroundQueue, DbSession
from service.i18n import _, format_money
from service.matches.lists import MatchListFilters, matches_for_freelancer
from service.matches.schemas import DecisionIn, MatchOut
from service.matches.services import decide, read_match
from service.matches.transitions import Action
from service.portal.descriptions import FREELANCER
from service.portal.pickers import context_words
from service.portal.render import page
from service.portal.session import flash
from service.portal.users import PortalUser, SignedInFreelancer
from service.scoring.score_options import option_sentence, options_for_missions
from service.settings import Settings

#: The answers a freelancer gives on the page (the service refuses any other).
ANSWERS = {
    str(Action.EXPRESS_INTEREST): Action.EXPRESS_INTEREST,
    str(Action.DECLINE_INTEREST): Action.DECLINE_INTEREST,
}
INBOX_LIMIT = 100


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str | None


@dataclass(frozen=True)
class Proposal:
    match: MatchOut
    mission: Mission
    company: Company
    status_text: str
    status_tone: str
    reasons: list[str]
    gaps: list[str]
    budget: str
    contact: Contact | None
    score_options: list[str]
    """What would raise the freelancer's score, one change at a time (empty: nothing would)."""


def status_words() -> dict[str, tuple[str, str]]:
    """Each status a freelancer sees, as they read it, and its tag tone."""
    return {
        MatchStatus.PROPOSED: (_("Proposed to you: waiting for your answer"), "tag-warn"),
        MatchStatus.FREELANCER_INTERESTED: (_("You are interested: waiting for the company"), ""),
        MatchStatus.FREELANCER_DECLINED: (_("You declined"), "tag-bad"),
        MatchStatus.ACCEPTED: (_("Accepted by the company"), "tag-ok"),
        MatchStatus.DECLINED: (_("Declined by the company"), "tag-bad"),
    }


def _gaps(match: MatchOut) -> list[str]:
    labels = taxonomy_labels()
    gaps = []
    if match.skill_gaps.missing_required:
        names = ", ".join(labels(i) for i in match.skill_gaps.missing_required)
        gaps.append(_("Required by the mission, not on your profile: %(names)s.", names=names))
    if match.skill_gaps.partial_required:
        names = ", ".join(labels(i) for i in match.skill_gaps.partial_required)
        gaps.append(_("Required at a higher level than yours: %(names)s.", names=names))
    if match.skill_gaps.missing_nice:
        names = ", ".join(labels(i) for i in match.skill_gaps.missing_nice)
        gaps.append(_("Nice to have, not on your profile: %(names)s.", names=names))
    return gaps


def _budget(mission: Mission, tjm: int) -> str:
    budget = f"{format_money(mission.tjm_min)} – {format_money(mission.tjm_max)}"
    if tjm > mission.tjm_max:
        return _(
            "Your TJM (%(tjm)s) is above the mission's budget (%(budget)s per day).",
            tjm=format_money(tjm),
            budget=budget,
        )
    if tjm < mission.tjm_min:
        return _(
            "Your TJM (%(tjm)s) is below the mission's budget (%(budget)s per day).",
            tjm=format_money(tjm),
            budget=budget,
        )
    return _(
        "Your TJM (%(tjm)s) is within the mission's budget (%(budget)s per day).",
        tjm=format_money(tjm),
        budget=budget,
    )


async def _proposals(
    session: AsyncSession, settings: Settings, user: PortalUser, matches: list[MatchOut]
) -> list[Proposal]:
    """The matches with their mission and company (one query), the contact once accepted, and what would
    raise the freelancer's score on each."""
    if not matches or user.actor.freelancer_id is None:
        return []
    rows = await session.execute(
        select(Mission, Company, Account)
        .join(Company, Mission.company_id == Company.id)
        .join(Account, Company.account_id == Account.id)
        .where(Mission.id.in_({m.mission_id for m in matches}))
    )
    by_mission = {mission.id: (mission, company, account) for mission, company, account in rows}
    tjm = await session.scalar(
        select(FreelancerProfile.tjm).where(FreelancerProfile.id == user.actor.freelancer_id)
    )
    options = await options_for_missions(
        session, settings, user.actor.freelancer_id, [m.mission_id for m in matches]
    )
    statuses = status_words()
    out = []
    for match in matches:
        mission, company, account = by_mission[match.mission_id]
        text, tone = statuses.get(match.status, (str(match.status), ""))
        contact = None
        if match.status is MatchStatus.ACCEPTED:
            contact = Contact(account.display_name, account.email, company.phone)
        found = options.get(match.mission_id)
        out.append(
            Proposal(
                match=match,
                mission=mission,
                company=company,
                status_text=text,
                status_tone=tone,
                reasons=render_reasons(match.reasons, "freelancer"),
                gaps=_gaps(match),
                budget=_budget(mission, tjm or 0),
                contact=contact,
                score_options=[option_sentence(o) for o in found.options] if found else [],
            )
        )
    return out


def _profile_id(user: PortalUser) -> int:
    if user.actor.freelancer_id is None:
        raise NotFound(_("no profile yet"))
    return user.actor.freelancer_id


class ProposalsController(Controller):
    path = "/proposals"
    include_in_schema = False

    @get("/", opt=roles(ANONYMOUS), description=FREELANCER, include_in_schema=False)
    async def inbox(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        settings: AppSettings,
        freelancer_user: SignedInFreelancer,
    ) -> Response[Any]:
        if freelancer_user.actor.freelancer_id is None:
            return Redirect("/profile/edit", status_code=303)
        listed = await matches_for_freelancer(
            db_session,
            freelancer_user.actor,
            freelancer_user.actor.freelancer_id,
            MatchListFilters(limit=INBOX_LIMIT),
        )
        context = {
            "proposals": await _proposals(db_session, settings, freelancer_user, listed.items),
            "total": listed.total,
            "context_words": context_words(),
        }
        return page(request, "portal/freelancer/proposals.html", context, user=freelancer_user)

    @get("/{match_id:int}", opt=roles(ANONYMOUS), description=FREELANCER, include_in_schema=False)
    async def proposal(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        settings: AppSettings,
        freelancer_user: SignedInFreelancer,
        match_id: FromPath[int],
    ) -> Response[Any]:
        _profile_id(freelancer_user)
        detail = await read_match(db_session, freelancer_user.actor, match_id)
        (proposal,) = await _proposals(db_session, settings, freelancer_user, [detail.match])
        context = {
            "proposal": proposal,
            "version": detail.version,
            "actions": [str(a) for a in detail.allowed_actions],
            "context_words": context_words(),
        }
        return page(request, "portal/freelancer/proposal.html", context, user=freelancer_user)

    @post("/{match_id:int}/answer", opt=roles(ANONYMOUS), description=FREELANCER, include_in_schema=False)
    async def answer(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        work_queue: BackgroundQueue,
        freelancer_user: SignedInFreelancer,
        match_id: FromPath[int],
    ) -> Response[Any]:
        _profile_id(freelancer_user)
        form = await request.form()
        action = ANSWERS.get(str(form.get("action", "")))
        version = str(form.get("version", ""))
        reason = str(form.get("reason", "")).strip()[:1000]
        here = f"/proposals/{match_id}"
        if action is None:
            await read_match(db_session, freelancer_user.actor, match_id)  # 404 for another's match
            flash(request, "error", _("Choose whether you are interested or decline."))
            return Redirect(here, status_code=303)
        data = DecisionIn(action=action, reason=reason, version=int(version) if version.isdigit() else None)
        try:
            await decide(db_session, freelancer_user.actor, match_id, data, None, work_queue)
        except Conflict:
            await db_session.rollback()
            flash(request, "error", _("This proposal changed in the meantime: here it is as it is now."))
            return Redirect(here, status_code=303)
        except NotFound:
            raise
        except DomainError as refused:
            await db_session.rollback()
            flash(request, "error", refused.detail)
            return Redirect(here, status_code=303)
        if action is Action.EXPRESS_INTEREST:
            flash(request, "success", _("Thank you: the company is told you are interested."))
        else:
            flash(request, "success", _("You declined this mission. The company is told."))
        return Redirect(here, status_code=303)
