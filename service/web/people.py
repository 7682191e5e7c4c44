"""The console's people pages: a freelancer (profile, market, availability, matches, decisions,
possible duplicates, history) and a company (missions, proposals and their answers), and the forms
that settle a duplicate: merge, deactivate, "not the same person".

The pages read through service.people with the signed-in operator's `Actor`; each form goes through
the same service as the JSON API, then redirects back with a one-time message (POST, redirect, GET).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from models import ProfileEventKind
from service.auth.actor import ANONYMOUS, roles
from service.errors import DomainError
from service.handler_params import BackgroundQueue, DbSession, PathId
from service.i18n import _, localised
from service.people.company_page import company_page
from service.people.duplicates import DuplicateRule
from service.people.freelancer_page import freelancer_page
from service.people.merge import deactivate_with_reason, mark_not_duplicate, merge_profiles
from service.reference.services import list_taxonomy
from service.web.actions import refused_message
from service.web.pages import SIGNED_IN
from service.web.session import CONSOLE_PATH, SignedInOperator, flash
from service.web.views import here, render


class MergeForm(msgspec.Struct):
    other: int
    """The other profile of the pair shown on this page."""
    kept: int
    """The profile kept: this page's or the other; the one not kept is merged into it."""
    reason: str = ""
    confirm: str = ""
    """"yes" when the operator ticked that the two profiles are one person."""


class ReasonForm(msgspec.Struct):
    reason: str = ""


class NotDuplicateForm(msgspec.Struct):
    other: int
    reason: str = ""


def rule_labels() -> dict[str, str]:
    """Why two profiles may be one person, as a badge."""
    return {
        DuplicateRule.PHONE: _("same phone"),
        DuplicateRule.LINKEDIN: _("same LinkedIn"),
        DuplicateRule.NAME_HEADLINE: _("near-identical name and headline"),
    }


def event_labels() -> dict[str, str]:
    return {
        ProfileEventKind.MERGED: _("Merged"),
        ProfileEventKind.DEACTIVATED: _("Deactivated"),
        ProfileEventKind.NOT_DUPLICATE: _("Not the same person"),
    }


def _page_of(profile_id: int) -> str:
    return f"{CONSOLE_PATH}/freelancers/{profile_id}"


class ConsolePeople(Controller):
    path = "/"

    @get(
        "/freelancers/{profile_id:str}",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} A freelancer: profile, market, matches, decisions, duplicates, history.",
    )
    async def freelancer(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        profile_id: PathId,
    ) -> Template:
        page = await freelancer_page(db_session, operator.actor, profile_id)
        labels = {
            item.id: localised(item.label_fr, item.label_en) for item in await list_taxonomy(db_session)
        }
        context = {
            "page": page,
            "profile": page.profile,
            "labels": labels,
            "rule_labels": rule_labels(),
            "event_labels": event_labels(),
            "next": here(request),
        }
        return render(request, "freelancer.html", context, signed_in_as=operator.name)

    @get(
        "/companies/{company_id:str}",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} A company: its missions, the proposals and how they were answered.",
    )
    async def company(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        company_id: PathId,
    ) -> Template:
        page = await company_page(db_session, operator.actor, company_id)
        return render(
            request, "company.html", {"page": page, "company": page.company}, signed_in_as=operator.name
        )

    @post(
        "/freelancers/{profile_id:str}/merge",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} Merge one profile of a duplicate pair into the other, with a reason.",
    )
    async def merge(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        work_queue: BackgroundQueue,
        profile_id: PathId,
        data: URLEncodedBody[MergeForm],
    ) -> Redirect:
        """As POST /api/v1/freelancers/{id}/merge; the operator confirms the two profiles are one person."""
        back = _page_of(profile_id)
        if data.kept not in (profile_id, data.other) or data.other == profile_id:
            flash(request, "error", _("Nothing was changed: choose which of the two profiles to keep."))
            return Redirect(back, status_code=303)
        if data.confirm != "yes":
            flash(request, "error", _("Nothing was changed: confirm that the two profiles are one person."))
            return Redirect(back, status_code=303)
        duplicate = data.other if data.kept == profile_id else profile_id
        try:
            await merge_profiles(
                db_session, operator.actor, duplicate, data.kept, data.reason, queue=work_queue
            )
        except DomainError as exc:
            flash(request, "error", refused_message(exc))
            return Redirect(back, status_code=303)
        done = _(
            "Profile n° %(duplicate)s was merged into n° %(kept)s: it left matching, its matches and "
            "decisions are kept and shown here.",
            duplicate=duplicate,
            kept=data.kept,
        )
        flash(request, "success", done)
        return Redirect(_page_of(data.kept), status_code=303)

    @post(
        "/freelancers/{profile_id:str}/deactivate",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} Deactivate a profile, with a reason (as the API's deactivation).",
    )
    async def deactivate(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        work_queue: BackgroundQueue,
        profile_id: PathId,
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        try:
            await deactivate_with_reason(
                db_session, operator.actor, profile_id, data.reason, queue=work_queue
            )
        except DomainError as exc:
            flash(request, "error", refused_message(exc))
        else:
            flash(
                request, "success", _("Profile n° %(id)s was deactivated: it left matching.", id=profile_id)
            )
        return Redirect(_page_of(profile_id), status_code=303)

    @post(
        "/freelancers/{profile_id:str}/not-duplicate",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} Say two profiles flagged as duplicates are two people.",
    )
    async def not_duplicate(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        profile_id: PathId,
        data: URLEncodedBody[NotDuplicateForm],
    ) -> Redirect:
        try:
            await mark_not_duplicate(db_session, operator.actor, profile_id, data.other, data.reason)
        except DomainError as exc:
            flash(request, "error", refused_message(exc))
        else:
            done = _(
                "Profiles n° %(id)s and n° %(other)s are two people: they are no longer flagged.",
                id=profile_id,
                other=data.other,
            )
            flash(request, "success", done)
        return Redirect(_page_of(profile_id), status_code=303)
