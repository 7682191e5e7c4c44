"""A proposal for one of the company's missions: the freelancer's public view (their contact once
accepted), why they fit in the company's words, and the company's answer (accept, or decline with a
reason the freelancer reads). Another company's mission or match, or one not proposed yet: 404."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from service.auth.actor import ANONYMOUS, roles
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.explanations import render_reasons
from service.freelancers.services import read_profile_for
from service.handler_params import BackgroundQueue, DbSession
from service.i18n import _
from service.matches.schemas import DecisionIn
from service.matches.services import decide, read_match
from service.matches.transitions import Action
from service.missions.services import read_mission_for
from service.portal.company.choices import load_choices, remote_words, status_words
from service.portal.company.forms import text
from service.portal.descriptions import COMPANY
from service.portal.render import page
from service.portal.session import flash
from service.portal.users import SignedInCompany

#: What the company may answer, and the words of its buttons.
ANSWERS = {"accept": Action.ACCEPT, "decline": Action.DECLINE}
REASON_MAX = 1000


def _preference_words() -> dict[str, str]:
    return {
        "remote": _("full remote"),
        "hybrid": _("hybrid"),
        "onsite": _("on site"),
        "flexible": _("flexible"),
    }


class CompanyProposalsController(Controller):
    path = "/missions/{mission_id:int}/proposals"
    include_in_schema = False

    @get(
        "/{match_id:int}",
        opt=roles(ANONYMOUS),
        description=f"{COMPANY} A freelancer proposed for the mission, and the company's answer.",
    )
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        company_user: SignedInCompany,
        mission_id: FromPath[int],
        match_id: FromPath[int],
    ) -> Response[Any]:
        actor = company_user.actor
        mission = await read_mission_for(db_session, actor, mission_id)
        detail = await read_match(db_session, actor, match_id)
        if detail.match.mission_id != mission.id:
            raise NotFound(_("no proposal %(id)s for this mission", id=match_id))
        try:
            profile = await read_profile_for(db_session, actor, detail.match.freelancer_id)
        except NotFound:
            profile = None  # the freelancer left the market before the company answered
        choices = await load_choices(db_session)
        context = {
            "mission": mission,
            "detail": detail,
            "match": detail.match,
            "profile": profile,
            "reasons": render_reasons(detail.match.reasons, "company"),
            "can_answer": {str(a) for a in detail.allowed_actions} >= {"accept", "decline"},
            "choices": choices,
            "band_label": choices.band_label(profile.experience_band) if profile else "",
            "asked": set(mission.required_competences) | set(mission.nice_competences),
            "held": {c.id: c.level for c in profile.competences} if profile else {},
            "statuses": status_words(),
            "remotes": remote_words(),
            "preferences": _preference_words(),
            "reason_max": REASON_MAX,
        }
        return page(request, "portal/company/proposal.html", context, user=company_user)

    @post(
        "/{match_id:int}/answer",
        opt=roles(ANONYMOUS),
        description=f"{COMPANY} Accepts or declines a proposal (a decline's reason reaches the freelancer).",
    )
    async def answer(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        company_user: SignedInCompany,
        work_queue: BackgroundQueue,
        mission_id: FromPath[int],
        match_id: FromPath[int],
    ) -> Response[Any]:
        actor = company_user.actor
        mission = await read_mission_for(db_session, actor, mission_id)
        detail = await read_match(db_session, actor, match_id)
        here = f"/missions/{mission.id}/proposals/{match_id}"
        if detail.match.mission_id != mission.id:
            raise NotFound(_("no proposal %(id)s for this mission", id=match_id))
        form = await request.form()
        action = ANSWERS.get(text(form, "action"))
        version = text(form, "version")
        if action is None or not version.isdigit():
            flash(request, "error", _("Choose to accept or to decline the proposal."))
            return Redirect(here, status_code=303)
        reason = text(form, "reason")[:REASON_MAX] if action is Action.DECLINE else ""
        try:
            await decide(
                db_session,
                actor,
                match_id,
                DecisionIn(action=action, reason=reason, version=int(version)),
                None,
                work_queue,
            )
        except (Conflict, Forbidden, InvalidInput) as refused:
            flash(request, "error", refused.detail)
            return Redirect(here, status_code=303)
        if action is Action.ACCEPT:
            flash(request, "success", _("Proposal accepted: the freelancer's contact details are below."))
        else:
            flash(request, "success", _("Proposal declined. The freelancer is told, with your reason."))
        return Redirect(here, status_code=303)
