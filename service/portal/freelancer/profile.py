"""The freelancer's profile page, the onboarding / profile editor and the availability confirmation."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect

from models import FreelancerProfile
from models.base import utcnow
from service.auth.actor import ANONYMOUS, roles
from service.errors import Conflict, InvalidInput
from service.freelancers import availability, completeness
from service.freelancers.schemas import FreelancerPrivate
from service.freelancers.services import (
    create_profile_for_account,
    read_profile_for,
    to_public,
    update_profile,
)
from service.handler_params import AppSettings, BackgroundQueue, DbSession
from service.i18n import _
from service.portal.descriptions import FREELANCER
from service.portal.freelancer import choices as words
from service.portal.freelancer.form import (
    Errors,
    ProfileForm,
    as_create,
    as_update,
    check_form,
    empty_form,
    field_labels,
    form_of,
    read_form,
    schema_errors,
    service_errors,
)
from service.portal.freelancer.market import market_view, position_words
from service.portal.pickers import context_words
from service.portal.render import page
from service.portal.session import flash
from service.portal.users import PortalUser, SignedInFreelancer, load_user
from service.reference.services import get_rate_band, list_rate_bands

EDIT = "portal/freelancer/edit.html"


async def _my_profile(db_session: DbSession, user: PortalUser) -> FreelancerPrivate | None:
    if user.actor.freelancer_id is None:
        return None
    view = await read_profile_for(db_session, user.actor, user.actor.freelancer_id)
    assert isinstance(view, FreelancerPrivate)
    return view


def _years_and_tjm(form: ProfileForm) -> tuple[float | None, int | None]:
    try:
        years = float(form.value("years_experience").replace(",", "."))
        tjm = int(form.value("tjm"))
    except ValueError:
        return None, None
    if not 0 <= years <= 60 or not 1 <= tjm <= 100_000:
        return None, None
    return years, tjm


async def _editor(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    user: PortalUser,
    form: ProfileForm,
    *,
    creating: bool,
    errors: Errors | None = None,
    notice: str | None = None,
    notice_link: bool = False,
    status_code: int = 200,
) -> Response[Any]:
    years, tjm = _years_and_tjm(form)
    context = {
        "form": form,
        "errors": errors or {},
        "labels": field_labels(),
        "choices": await words.load_choices(db_session),
        "levels": words.level_words(),
        "remote_words": words.remote_words(),
        "orientation_words": words.orientation_words(),
        "context_words": context_words(),
        "market": await market_view(db_session, years, tjm),
        "market_words": position_words(),
        "creating": creating,
        "notice": notice,
        "notice_link": notice_link,
    }
    return page(request, EDIT, context, user=user, status_code=status_code)


class ProfileController(Controller):
    path = "/profile"
    include_in_schema = False

    @get("/", opt=roles(ANONYMOUS), description=FREELANCER, include_in_schema=False)
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        settings: AppSettings,
        freelancer_user: SignedInFreelancer,
    ) -> Response[Any]:
        profile = await _my_profile(db_session, freelancer_user)
        if profile is None:
            return Redirect("/profile/edit", status_code=303)
        now = utcnow()
        days = settings.availability_reminder_days
        facts = completeness.facts_of(profile, now, days)
        stored = await db_session.get(FreelancerProfile, profile.id)
        assert stored is not None
        public = to_public(stored, await list_rate_bands(db_session))
        band = await get_rate_band(db_session, profile.experience_band)
        context = {
            "profile": profile,
            "public": public,
            "band": band,
            "choices": await words.load_choices(db_session),
            "levels": words.level_words(),
            "remote_words": words.remote_words(),
            "orientation_words": words.orientation_words(),
            "context_words": context_words(),
            "market": await market_view(db_session, profile.years_experience, profile.tjm),
            "completeness": completeness.completeness(facts, settings.match_weights),
            "confirmed": availability.is_confirmed(profile.availability_confirmed_at, now, days),
        }
        return page(request, "portal/freelancer/profile.html", context, user=freelancer_user)

    @get("/edit", opt=roles(ANONYMOUS), description=FREELANCER, include_in_schema=False)
    async def edit(
        self, request: Request[Any, Any, Any], db_session: DbSession, freelancer_user: SignedInFreelancer
    ) -> Response[Any]:
        profile = await _my_profile(db_session, freelancer_user)
        if profile is None:
            return await _editor(
                request, db_session, freelancer_user, empty_form(freelancer_user.name), creating=True
            )
        form = form_of(profile, await words.load_choices(db_session))
        return await _editor(request, db_session, freelancer_user, form, creating=False)

    @post("/edit", opt=roles(ANONYMOUS), description=FREELANCER, include_in_schema=False)
    async def save(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        work_queue: BackgroundQueue,
        freelancer_user: SignedInFreelancer,
    ) -> Response[Any]:
        form = read_form(await request.form())
        profile_id = freelancer_user.actor.freelancer_id
        creating = profile_id is None
        if form.creating and profile_id is not None:
            return await _already_created(request, db_session, freelancer_user)
        values, errors = check_form(form, await words.load_choices(db_session))
        if values is None:
            return await _editor(
                request, db_session, freelancer_user, form, creating=creating, errors=errors, status_code=400
            )
        try:
            if profile_id is None:
                await create_profile_for_account(
                    db_session, freelancer_user.account_id, as_create(values), queue=work_queue
                )
                flash(
                    request,
                    "success",
                    _("Your profile is created. Missions that fit it will be proposed to you."),
                )
            else:
                expected = int(form.revision) if form.revision.isdigit() else None
                await update_profile(
                    db_session,
                    freelancer_user.actor,
                    profile_id,
                    as_update(values),
                    queue=work_queue,
                    expected_revision=expected,
                    confirm_availability=True,
                )
                flash(request, "success", _("Your profile is saved, and your availability confirmed."))
        except msgspec.ValidationError as refused:
            errors = schema_errors(refused)
        except InvalidInput as refused:
            await db_session.rollback()
            errors = service_errors(refused)
        except Conflict:
            await db_session.rollback()
            if creating:
                return await _already_created(request, db_session, freelancer_user)
            notice = _(
                "Your profile was changed elsewhere since you opened this page (another tab?). "
                "Here it is as it is now: make your changes again."
            )
            current = await _my_profile(db_session, freelancer_user)
            fresh = form_of(current, await words.load_choices(db_session)) if current else form
            return await _editor(
                request, db_session, freelancer_user, fresh, creating=False, notice=notice, status_code=409
            )
        else:
            return Redirect("/profile", status_code=303)
        return await _editor(
            request, db_session, freelancer_user, form, creating=creating, errors=errors, status_code=400
        )

    @post("/availability/confirm", opt=roles(ANONYMOUS), description=FREELANCER, include_in_schema=False)
    async def confirm_availability(
        self, request: Request[Any, Any, Any], db_session: DbSession, freelancer_user: SignedInFreelancer
    ) -> Response[Any]:
        if freelancer_user.actor.freelancer_id is None:
            return Redirect("/profile/edit", status_code=303)
        await availability.confirm_availability(
            db_session, freelancer_user.actor, freelancer_user.actor.freelancer_id
        )
        flash(request, "success", _("Thank you: your availability is confirmed."))
        return Redirect("/profile", status_code=303)


async def _already_created(
    request: Request[Any, Any, Any], db_session: DbSession, user: PortalUser
) -> Response[Any]:
    """A creation form sent once the account has its profile (a second tab, a double click): 409, and
    the page says so, links to the profile and offers it for editing; nothing is overwritten."""
    fresh = await load_user(db_session, user.account_id) or user
    current = await _my_profile(db_session, fresh)
    if current is None:  # pragma: no cover - the conflict said a profile exists
        return Redirect("/profile/edit", status_code=303)
    form = form_of(current, await words.load_choices(db_session))
    notice = _("You already have a profile: nothing was changed. Here it is, to edit if you want.")
    return await _editor(
        request, db_session, fresh, form, creating=False, notice=notice, notice_link=True, status_code=409
    )
