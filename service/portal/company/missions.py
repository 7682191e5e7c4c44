"""The company's missions: `/missions` (mine, with their proposals counted), posting and editing one
(the live budget warning and its way out), its page with its proposals, and closing it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import MissionStatus
from service.auth.actor import ANONYMOUS, roles
from service.errors import Conflict, InvalidInput
from service.handler_params import BackgroundQueue, DbSession
from service.i18n import _, ngettext
from service.missions.schemas import MissionOut
from service.missions.services import (
    MissionFilters,
    close_mission,
    create_mission,
    list_missions_for,
    read_mission_for,
    today_in_france,
    update_mission,
)
from service.pagination import PageParams
from service.portal.company.choices import (
    DAYS_PER_WEEK,
    Choices,
    load_choices,
    orientation_words,
    remote_words,
    status_words,
)
from service.portal.company.forms import Errors, add, add_problems
from service.portal.company.mission_form import (
    ALIASES,
    MissionForm,
    as_create,
    as_update,
    budget_view,
    check,
    labels,
)
from service.portal.company.overview import count, proposals_of
from service.portal.company.profile import own_company
from service.portal.descriptions import COMPANY
from service.portal.pickers import context_words
from service.portal.render import page
from service.portal.session import flash
from service.portal.users import PortalUser, SignedInCompany
from service.reference.services import list_rate_bands

#: How many of its missions the list shows (a company posts a handful).
MISSIONS_SHOWN = PageParams(limit=100, offset=0)


def _needs_company(request: Request[Any, Any, Any], user: PortalUser) -> Response[Any] | None:
    """A company account without its company yet is sent to register it first."""
    if user.actor.company_id is not None:
        return None
    flash(request, "info", _("Register your company first: then you can post missions."))
    return Redirect("/company/edit", status_code=303)


def _words() -> dict[str, Any]:
    return {
        "contexts": context_words(),
        "remotes": remote_words(),
        "orientations": orientation_words(),
        "statuses": status_words(),
    }


async def _form_page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    user: PortalUser,
    form: MissionForm,
    *,
    mission: MissionOut | None,
    errors: Errors | None = None,
) -> Response[Any]:
    choices = await load_choices(session)
    bands = list(await list_rate_bands(session))
    context = {
        "form": form,
        "mission": mission,
        "errors": errors or {},
        "labels": labels(),
        "choices": choices,
        "budget": budget_view(form, choices, bands),
        "sector_options": _sector_options(choices, form.value("sector")),
        "cto_mission_options": [(c.id, c.label) for c in choices.cto_missions],
        "band_options": [(b.id, b.option) for b in choices.bands],
        "day_options": [
            (str(d), ngettext("%(num)s day a week", "%(num)s days a week", d)) for d in DAYS_PER_WEEK
        ],
        "today": today_in_france().isoformat(),
        "action": f"/missions/{mission.id}/edit" if mission else "/missions/new",
        **_words(),
    }
    status = 400 if errors else 200
    return page(request, "portal/company/mission_form.html", context, user=user, status_code=status)


def _sector_options(choices: Choices, current: str) -> list[tuple[str, str]]:
    options = [(c.id, c.label) for c in choices.sectors]
    if current and current not in {c.id for c in choices.sectors}:
        options.append((current, current))  # a free-form sector the API accepted
    return options


async def _new_form(session: AsyncSession, user: PortalUser) -> MissionForm:
    """An empty form, with the company's own context and sector already chosen."""
    company = await own_company(session, user)
    values = {"days_per_week": "5", "orientation": "cto"}
    if company is not None:
        values.update(context=str(company.context), sector=company.sector, location=company.city)
    return MissionForm(values=values)


def _labelled(mission: MissionOut, choices: Choices) -> dict[str, Any]:
    return {
        "band": choices.band_label(mission.seniority),
        "cto_missions": [choices.label(c) for c in mission.cto_missions],
        "required": [choices.label(c) for c in mission.required_competences],
        "nice": [choices.label(c) for c in mission.nice_competences],
        "sector": choices.label(mission.sector) if mission.sector else "",
    }


class CompanyMissionsController(Controller):
    path = "/missions"
    include_in_schema = False

    @get("/", opt=roles(ANONYMOUS), description=f"{COMPANY} The company's missions, with their proposals.")
    async def list_missions(
        self, request: Request[Any, Any, Any], db_session: DbSession, company_user: SignedInCompany
    ) -> Response[Any]:
        if (redirect := _needs_company(request, company_user)) is not None:
            return redirect
        missions, _total = await list_missions_for(
            db_session, company_user.actor, MissionFilters(status=None, sort="-created_at"), MISSIONS_SHOWN
        )
        rows = [(m, count(await proposals_of(db_session, company_user.actor, m.id))) for m in missions]
        context = {"rows": rows, "choices": await load_choices(db_session), **_words()}
        return page(request, "portal/company/missions.html", context, user=company_user)

    @get("/new", opt=roles(ANONYMOUS), description=f"{COMPANY} The form to post a mission.")
    async def new(
        self, request: Request[Any, Any, Any], db_session: DbSession, company_user: SignedInCompany
    ) -> Response[Any]:
        if (redirect := _needs_company(request, company_user)) is not None:
            return redirect
        form = await _new_form(db_session, company_user)
        return await _form_page(request, db_session, company_user, form, mission=None)

    @post("/new", opt=roles(ANONYMOUS), description=f"{COMPANY} Posts a mission; its scoring is queued.")
    async def create(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        company_user: SignedInCompany,
        work_queue: BackgroundQueue,
    ) -> Response[Any]:
        if (redirect := _needs_company(request, company_user)) is not None:
            return redirect
        form = MissionForm.read(await request.form(), await load_choices(db_session))
        errors = await check(db_session, form, list(await list_rate_bands(db_session)))
        if not errors:
            try:
                mission = await create_mission(
                    db_session, company_user.actor, as_create(form), queue=work_queue
                )
            except InvalidInput as refused:
                add_problems(errors, refused.errors, ALIASES)
            except Conflict as conflict:
                add(errors, "form", conflict.detail)
            else:
                flash(
                    request,
                    "success",
                    _("Your mission is posted. Matching freelancers are being looked for."),
                )
                return Redirect(f"/missions/{mission.id}", status_code=303)
        return await _form_page(request, db_session, company_user, form, mission=None, errors=errors)

    @get("/{mission_id:int}", opt=roles(ANONYMOUS), description=f"{COMPANY} A mission and its proposals.")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        company_user: SignedInCompany,
        mission_id: FromPath[int],
    ) -> Response[Any]:
        mission = await read_mission_for(db_session, company_user.actor, mission_id)
        proposals = await proposals_of(db_session, company_user.actor, mission.id)
        choices = await load_choices(db_session)
        context = {
            "mission": mission,
            "labelled": _labelled(mission, choices),
            "proposals": proposals,
            "counts": count(proposals),
            **_words(),
        }
        return page(request, "portal/company/mission.html", context, user=company_user)

    @get("/{mission_id:int}/edit", opt=roles(ANONYMOUS), description=f"{COMPANY} The form to edit a mission.")
    async def edit(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        company_user: SignedInCompany,
        mission_id: FromPath[int],
    ) -> Response[Any]:
        mission = await read_mission_for(db_session, company_user.actor, mission_id)
        if mission.status is MissionStatus.CLOSED:
            flash(request, "info", _("This mission is closed: it can no longer change."))
            return Redirect(f"/missions/{mission.id}", status_code=303)
        form = MissionForm.of_mission(mission)
        return await _form_page(request, db_session, company_user, form, mission=mission)

    @post("/{mission_id:int}/edit", opt=roles(ANONYMOUS), description=f"{COMPANY} Saves a mission's changes.")
    async def update(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        company_user: SignedInCompany,
        work_queue: BackgroundQueue,
        mission_id: FromPath[int],
    ) -> Response[Any]:
        mission = await read_mission_for(db_session, company_user.actor, mission_id)
        form = MissionForm.read(await request.form(), await load_choices(db_session))
        bands = list(await list_rate_bands(db_session))
        errors = await check(db_session, form, bands, current_start=mission.start_date)
        if not errors:
            try:
                await update_mission(
                    db_session, company_user.actor, mission.id, as_update(form), queue=work_queue
                )
            except InvalidInput as refused:
                add_problems(errors, refused.errors, ALIASES)
            except Conflict as conflict:
                add(errors, "form", conflict.detail)
            else:
                flash(request, "success", _("Your mission is saved. Its matches are being refreshed."))
                return Redirect(f"/missions/{mission.id}", status_code=303)
        return await _form_page(request, db_session, company_user, form, mission=mission, errors=errors)

    @post("/{mission_id:int}/close", opt=roles(ANONYMOUS), description=f"{COMPANY} Closes a mission.")
    async def close(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        company_user: SignedInCompany,
        work_queue: BackgroundQueue,
        mission_id: FromPath[int],
    ) -> Response[Any]:
        mission = await read_mission_for(db_session, company_user.actor, mission_id)
        if (await request.form()).get("confirm") != "yes":
            flash(request, "error", _("Tick the box to confirm that you close this mission."))
            return Redirect(f"/missions/{mission.id}#close", status_code=303)
        try:
            await close_mission(db_session, company_user.actor, mission.id, queue=work_queue)
        except Conflict as conflict:
            flash(request, "error", conflict.detail)
        else:
            flash(
                request, "success", _("The mission is closed: no more freelancers will be proposed for it.")
            )
        return Redirect(f"/missions/{mission.id}", status_code=303)
