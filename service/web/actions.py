"""The console's POST forms: decide on a match, edit a band of the rate grid.

Each form goes through the same service as its JSON API twin and then redirects back (POST, redirect,
GET) with a one-time message, so a refresh never repeats an action. Service refusals (409, 422, ...)
become that message instead of an error page.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from models.enums import Role
from service.auth.actor import ANONYMOUS, roles
from service.errors import Conflict, DomainError, InvalidInput
from service.handler_params import AppSettings, BackgroundQueue, DbSession, PathId, PathKey
from service.i18n import _, format_money, localised
from service.matches.schemas import DecisionIn
from service.matches.services import decide
from service.matches.transitions import Action, on_behalf
from service.reference.services import get_rate_band, update_grid_band
from service.scoring.grid_what_if import preview_band_change
from service.web.band_form import BandForm, add_service_errors, read_band_form
from service.web.labels import action_done_labels, label, status_labels
from service.web.pages import SIGNED_IN, rate_grid_page
from service.web.session import CONSOLE_PATH, SignedInOperator, flash, safe_next
from service.web.views import with_kept

#: The console's one-step "approve and propose": the form's action, and the decisions it makes.
APPROVE_AND_PROPOSE_FORM = "approve_propose"
APPROVE_AND_PROPOSE = ("approve", "propose")
#: What an operator does for a side: confirmed in the form, with a reason (the service requires it).
BEHALF_ACTIONS = frozenset(action for action in Action if on_behalf(action, Role.OPERATOR))


class DecisionForm(msgspec.Struct):
    action: str
    version: int
    reason: str = ""
    next: str = ""
    confirm: str = ""
    """"yes" when the operator ticked that the side asked for the decision made on its behalf."""


def _status_label(status: object) -> str:
    return label(status_labels(), status).lower()


def _nothing_changed(why: str) -> str:
    return _("Nothing was changed: %(why)s.", why=why)


def refused_message(exc: DomainError | msgspec.ValidationError) -> str:
    """What a console form says when the service refused it: every field's reason, or the refusal."""
    if isinstance(exc, msgspec.ValidationError):
        return _nothing_changed(str(exc))
    if isinstance(exc, InvalidInput):
        return _nothing_changed("; ".join(e.reason for e in exc.errors))
    return _nothing_changed(exc.detail)


def conflict_message(exc: Conflict, sent_version: int) -> str:
    """A stale form says who won; a refused transition says why (both from the service's 409)."""
    current = exc.extra.get("current_status")
    version = exc.extra.get("version")
    if current is not None and version is not None and version != sent_version:
        return _(
            "This match was decided by someone else: it is now %(status)s. "
            "Nothing was changed; the page shows its current state.",
            status=_status_label(current),
        )
    return _nothing_changed(exc.detail)


class ConsoleActions(Controller):
    path = "/"

    @post(
        "/matches/{match_id:str}/decisions",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} Decide on a match from a console form.",
    )
    async def decide_match(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        work_queue: BackgroundQueue,
        match_id: PathId,
        data: URLEncodedBody[DecisionForm],
    ) -> Redirect:
        back = safe_next(data.next, default=f"{CONSOLE_PATH}/queue")
        # "Approve and propose" is two decisions in a row, each recorded as itself in the history.
        steps = list(APPROVE_AND_PROPOSE) if data.action == APPROVE_AND_PROPOSE_FORM else [data.action]
        if data.action in BEHALF_ACTIONS and data.confirm != "yes":
            flash(
                request, "error", _nothing_changed(_("confirm that the side asked you to act on its behalf"))
            )
            return Redirect(back, status_code=303)
        try:
            version = data.version
            for step in steps:
                decision = msgspec.convert(
                    {"action": step, "reason": data.reason, "version": version}, DecisionIn
                )
                detail = await decide(db_session, operator.actor, match_id, decision, None, work_queue)
                version = detail.version
        except Conflict as exc:
            flash(request, "error", conflict_message(exc, data.version))
        except (InvalidInput, msgspec.ValidationError) as exc:
            flash(request, "error", refused_message(exc))
        except DomainError as exc:
            flash(request, "error", _nothing_changed(exc.detail))
        else:
            match = detail.match
            done = _(
                "%(done)s: %(freelancer)s for “%(mission)s” (match #%(id)s, now %(status)s).",
                done=label(action_done_labels(), data.action),
                freelancer=match.freelancer_name,
                mission=match.mission_title,
                id=match.id,
                status=_status_label(match.status),
            )
            flash(request, "success", done)
            back = with_kept(back, match.id)  # the decided row stays in view with its new status
        return Redirect(back, status_code=303)

    @post(
        "/rate-grid/{band_id:str}",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} Update a band of the rate grid from a console form.",
    )
    async def update_band(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        work_queue: BackgroundQueue,
        band_id: PathKey,
        data: URLEncodedBody[BandForm],
    ) -> Redirect | Template:
        """As PUT /api/v1/rate-grid/{band_id}: update the band, then queue a full rescore. A refused
        form comes back (422) with what was typed and each refusal in words beside its field."""
        back = f"{CONSOLE_PATH}/rate-grid"
        await get_rate_band(db_session, band_id)  # an unknown band is a 404, before reading the form
        changes, state = read_band_form(band_id, data)
        if changes is None:
            return await rate_grid_page(request, db_session, operator, form=state, status_code=422)
        try:
            band, job = await update_grid_band(
                db_session, band_id, changes, work_queue, operator.actor.account_id
            )
        except InvalidInput as exc:
            await db_session.rollback()
            add_service_errors(state, exc.errors)
            return await rate_grid_page(request, db_session, operator, form=state, status_code=422)
        rescoring = (
            _("Every match is being rescored (job %(job)s).", job=job.id)
            if job
            else _("No rate moved: no rescore.")
        )
        saved = _(
            "%(band)s: now %(low)s–%(high)s a day.",
            band=localised(band.label_fr, band.label_en),
            low=format_money(band.tjm_low),
            high=format_money(band.tjm_high),
        )
        flash(request, "success", f"{saved} {rescoring}")
        # The grid page then links its confirmation to the job's page, where the rescore can be followed.
        return Redirect(f"{back}?job={job.id}" if job else back, status_code=303)

    @post(
        "/rate-grid/{band_id:str}/preview",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} Preview a change of a band of the rate grid, without saving it.",
    )
    async def preview_band(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        settings: AppSettings,
        band_id: PathKey,
        data: URLEncodedBody[BandForm],
    ) -> Template:
        """As POST /api/v1/rate-grid/{band_id}/preview: the grid page again, the band's form open with
        what was typed, and the effect of saving it (budget warnings, matches that would move)."""
        await get_rate_band(db_session, band_id)
        changes, state = read_band_form(band_id, data)
        if changes is None:
            return await rate_grid_page(request, db_session, operator, form=state, status_code=422)
        try:
            state.preview = await preview_band_change(db_session, settings, band_id, changes)
        except InvalidInput as exc:
            add_service_errors(state, exc.errors)
            return await rate_grid_page(request, db_session, operator, form=state, status_code=422)
        return await rate_grid_page(request, db_session, operator, form=state)
