"""`/account`: the signed-in person's e-mail, language and password, and links to the rest."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import URLEncodedBody
from litestar.response import Redirect

from service.accounts.services import get_account
from service.accounts.web_accounts import FormRefused, change_password, set_language
from service.auth.actor import ANONYMOUS, roles
from service.handler_params import DbSession
from service.i18n import LOCALE_COOKIE, _, use_locale
from service.language_switch import ONE_YEAR
from service.portal.account.wording import form_errors, language_choices
from service.portal.descriptions import SIGNED_IN
from service.portal.render import page
from service.portal.session import flash
from service.portal.users import PortalUser, SignedInUser


class LanguageForm(msgspec.Struct):
    locale: str = ""


class PasswordForm(msgspec.Struct):
    current_password: str = ""
    password: str = ""
    password_confirm: str = ""


def _labels() -> dict[str, str]:
    return {
        "locale": _("Language"),
        "current_password": _("Current password"),
        "password": _("New password"),
        "password_confirm": _("New password again"),
    }


async def _account_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    user: PortalUser,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> Response[Any]:
    account = await get_account(db_session, user.account_id)
    context = {
        "account": account,
        "errors": errors or {},
        "labels": _labels(),
        "has_password": account.password_hash is not None,
        "language_choices": language_choices(),
    }
    return page(request, "portal/account/account.html", context, user=user, status_code=status)


class MyAccountController(Controller):
    path = "/account"
    include_in_schema = False

    @get("/", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def show(
        self, request: Request[Any, Any, Any], user: SignedInUser, db_session: DbSession
    ) -> Response[Any]:
        return await _account_page(request, db_session, user)

    @post("/language", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def save_language(
        self,
        request: Request[Any, Any, Any],
        user: SignedInUser,
        db_session: DbSession,
        data: URLEncodedBody[LanguageForm],
    ) -> Response[Any]:
        account = await get_account(db_session, user.account_id)
        try:
            await set_language(db_session, account, data.locale)
        except FormRefused as refused:
            return await _account_page(request, db_session, user, form_errors(refused.problems), 400)
        with use_locale(data.locale):
            flash(
                request, "success", _("Your language is saved: pages and e-mails will be in this language.")
            )
        cookie = Cookie(key=LOCALE_COOKIE, value=data.locale, max_age=ONE_YEAR, path="/", samesite="lax")
        return Redirect("/account", status_code=303, cookies=[cookie])

    @post("/password", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def save_password(
        self,
        request: Request[Any, Any, Any],
        user: SignedInUser,
        db_session: DbSession,
        data: URLEncodedBody[PasswordForm],
    ) -> Response[Any]:
        account = await get_account(db_session, user.account_id)
        try:
            await change_password(
                db_session, account, data.current_password, data.password, data.password_confirm
            )
        except FormRefused as refused:
            return await _account_page(request, db_session, user, form_errors(refused.problems), 400)
        flash(request, "success", _("Your new password is saved."))
        return Redirect("/account", status_code=303)
