"""One-time links: `/verify-email/{token}`, `/account/verify-email` (send again), `/forgot-password`
and `/reset-password/{token}`."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect

from models import Account
from models.enums import Role, TokenPurpose
from service.accounts.services import get_account
from service.accounts.tokens import TokenProblem, TokenRefused, find_token
from service.accounts.web_accounts import (
    FormRefused,
    request_password_reset,
    resend_verification,
    reset_password,
    verify_email,
)
from service.auth.actor import ANONYMOUS, roles
from service.handler_params import AppSettings, BackgroundQueue, DbSession
from service.i18n import _
from service.portal.account.wording import form_errors
from service.portal.descriptions import ANYONE, SIGNED_IN
from service.portal.home import HOME_OF_ROLE
from service.portal.render import page
from service.portal.session import flash, open_session
from service.portal.users import MaybeSignedIn, SignedInUser


class EmailForm(msgspec.Struct):
    email: str = ""


class NewPasswordForm(msgspec.Struct):
    password: str = ""
    password_confirm: str = ""


def _home_of(account: Account) -> str:
    return HOME_OF_ROLE[account.role]


def _link_problem(
    request: Request[Any, Any, Any], problem: TokenProblem, purpose: TokenPurpose
) -> Response[Any]:
    """A clear page for a link that cannot be used, with where to ask for a new one (410 or 404)."""
    titles = {
        "expired": _("This link has expired"),
        "used": _("This link has already been used"),
        "unknown": _("This link is not valid"),
    }
    if purpose is TokenPurpose.RESET_PASSWORD:
        detail = _("Ask for a new link: it arrives by e-mail and works for one hour, once.")
        again = ("/forgot-password", _("Ask for a new reset link"))
    else:
        detail = _("Sign in and ask for a new link: it works for 48 hours.")
        again = ("/account/verify-email", _("Send a new confirmation link"))
    context = {"title": titles[problem], "detail": detail, "again_href": again[0], "again_label": again[1]}
    status = 404 if problem == "unknown" else 410
    return page(request, "portal/account/link_problem.html", context, user=None, status_code=status)


def _reset_labels() -> dict[str, str]:
    return {"password": _("New password"), "password_confirm": _("New password again")}


class LinksController(Controller):
    path = "/"
    include_in_schema = False

    @get("/verify-email/{token:str}", opt=roles(ANONYMOUS), description=ANYONE)
    async def verify(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        settings: AppSettings,
        token: FromPath[str],
    ) -> Response[Any]:
        try:
            account = await verify_email(db_session, token, settings)
        except TokenRefused as refused:
            return _link_problem(request, refused.problem, TokenPurpose.VERIFY_EMAIL)
        flash(request, "success", _("Thank you: your e-mail address is confirmed."))
        return Redirect(_home_of(account), status_code=303)

    @get("/account/verify-email", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def show_resend(self, request: Request[Any, Any, Any], user: SignedInUser) -> Response[Any]:
        return page(request, "portal/account/verify_email.html", {}, user=user)

    @post("/account/verify-email", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def resend(
        self,
        request: Request[Any, Any, Any],
        user: SignedInUser,
        db_session: DbSession,
        settings: AppSettings,
        work_queue: BackgroundQueue,
    ) -> Response[Any]:
        account = await get_account(db_session, user.account_id)
        if account.email_verified_at is not None:
            flash(request, "info", _("Your e-mail address is already confirmed."))
        elif await resend_verification(db_session, account, settings, work_queue):
            flash(request, "success", _("A new link is on its way to %(email)s.", email=account.email))
        else:
            flash(
                request,
                "error",
                _("A link was sent less than a minute ago: wait a minute before asking again."),
            )
        return Redirect("/account/verify-email", status_code=303)

    @get("/forgot-password", opt=roles(ANONYMOUS), description=ANYONE)
    async def show_forgot(self, request: Request[Any, Any, Any], maybe_user: MaybeSignedIn) -> Response[Any]:
        context = {"form": EmailForm(), "errors": {}, "sent": False}
        return page(request, "portal/account/forgot_password.html", context, user=maybe_user)

    @post("/forgot-password", opt=roles(ANONYMOUS), description=ANYONE)
    async def forgot(
        self,
        request: Request[Any, Any, Any],
        maybe_user: MaybeSignedIn,
        db_session: DbSession,
        settings: AppSettings,
        work_queue: BackgroundQueue,
        data: URLEncodedBody[EmailForm],
    ) -> Response[Any]:
        if not data.email.strip():
            errors = {"email": [_("Enter the e-mail address of your account.")]}
            context = {"form": data, "errors": errors, "sent": False}
            return page(
                request, "portal/account/forgot_password.html", context, user=maybe_user, status_code=400
            )
        await request_password_reset(db_session, data.email, settings, work_queue)
        # The same answer whether the account exists or not: the page reveals nothing.
        context = {"form": data, "errors": {}, "sent": True}
        return page(request, "portal/account/forgot_password.html", context, user=maybe_user)

    @get("/reset-password/{token:str}", opt=roles(ANONYMOUS), description=ANYONE)
    async def show_reset(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        settings: AppSettings,
        token: FromPath[str],
    ) -> Response[Any]:
        try:
            await find_token(db_session, token, TokenPurpose.RESET_PASSWORD, settings.secret_key)
        except TokenRefused as refused:
            return _link_problem(request, refused.problem, TokenPurpose.RESET_PASSWORD)
        context = {"token": token, "errors": {}, "labels": _reset_labels()}
        return page(request, "portal/account/reset_password.html", context, user=None)

    @post("/reset-password/{token:str}", opt=roles(ANONYMOUS), description=ANYONE)
    async def reset(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        settings: AppSettings,
        token: FromPath[str],
        data: URLEncodedBody[NewPasswordForm],
    ) -> Response[Any]:
        try:
            account = await reset_password(db_session, token, data.password, data.password_confirm, settings)
        except TokenRefused as refused:
            return _link_problem(request, refused.problem, TokenPurpose.RESET_PASSWORD)
        except FormRefused as refused:
            context = {"token": token, "errors": form_errors(refused.problems), "labels": _reset_labels()}
            return page(request, "portal/account/reset_password.html", context, user=None, status_code=400)
        if account.role is Role.OPERATOR:  # operators sign in to the console, whose session is its own
            flash(request, "success", _("Your new password is saved: sign in to the console with it."))
            return Redirect("/console/sign-in", status_code=303)
        retired = await open_session(request, account.id)
        flash(request, "success", _("Your new password is saved and you are signed in."))
        return Redirect(_home_of(account), status_code=303, cookies=[retired])
