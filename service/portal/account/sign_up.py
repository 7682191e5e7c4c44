"""`/sign-up`: a freelance CTO or a company creates an account (no profile yet) and is signed in."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect

from models.enums import Role
from service.accounts.web_accounts import SIGN_UP_ROLES, FormRefused, SignUp, sign_up
from service.auth.actor import ANONYMOUS, roles
from service.handler_params import AppSettings, BackgroundQueue, DbSession
from service.i18n import LOCALE_COOKIE, _, current_locale, use_locale
from service.language_switch import ONE_YEAR
from service.portal.account.wording import form_errors, language_choices
from service.portal.descriptions import ANYONE
from service.portal.home import HOME_OF_ROLE
from service.portal.render import page
from service.portal.session import flash, open_session
from service.portal.users import MaybeSignedIn

#: Where a new account goes next: it has no profile or company yet.
ONBOARDING = {Role.FREELANCER: "/profile/edit", Role.COMPANY: "/company/edit"}


class SignUpForm(msgspec.Struct):
    role: str = ""
    email: str = ""
    display_name: str = ""
    password: str = ""
    password_confirm: str = ""
    locale: str = ""
    consent: str = ""


def _labels(role: str) -> dict[str, str]:
    return {
        "role": _("I am"),
        "email": _("E-mail address"),
        "display_name": _("Company name") if role == Role.COMPANY else _("Full name"),
        "password": _("Password"),
        "password_confirm": _("Password again"),
        "locale": _("Language"),
        "consent": _("Consent"),
    }


def _role(value: str | None) -> str:
    return value if value in {r.value for r in SIGN_UP_ROLES} else Role.FREELANCER.value


def _form_page(
    request: Request[Any, Any, Any], form: SignUpForm, errors: dict[str, list[str]], status: int
) -> Response[Any]:
    shown = SignUpForm(  # what was typed comes back, never a password
        role=_role(form.role),
        email=form.email,
        display_name=form.display_name,
        locale=form.locale,
        consent=form.consent,
    )
    context = {
        "form": shown,
        "errors": errors,
        "labels": _labels(shown.role),
        "language_choices": language_choices(),
    }
    return page(request, "portal/account/sign_up.html", context, user=None, status_code=status)


class SignUpController(Controller):
    path = "/sign-up"
    include_in_schema = False

    @get("/", opt=roles(ANONYMOUS), description=ANYONE)
    async def show(
        self,
        request: Request[Any, Any, Any],
        maybe_user: MaybeSignedIn,
        role: Annotated[str | None, QueryParameter(name="role")] = None,
    ) -> Response[Any]:
        if maybe_user is not None:
            return Redirect(HOME_OF_ROLE[maybe_user.role], status_code=303)
        return _form_page(request, SignUpForm(role=_role(role), locale=current_locale()), {}, 200)

    @post("/", opt=roles(ANONYMOUS), description=ANYONE)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        settings: AppSettings,
        work_queue: BackgroundQueue,
        data: URLEncodedBody[SignUpForm],
    ) -> Response[Any]:
        role = Role(_role(data.role))
        form = SignUp(
            role=role,
            email=data.email,
            display_name=data.display_name,
            password=data.password,
            password_confirm=data.password_confirm,
            locale=data.locale or current_locale(),
            consent=bool(data.consent),
        )
        try:
            account = await sign_up(db_session, form, settings, work_queue)
        except FormRefused as refused:
            return _form_page(request, data, form_errors(refused.problems), 400)
        retired = await open_session(request, account.id)
        with use_locale(form.locale):
            flash(
                request,
                "success",
                _("Your account is created. We sent you a link to confirm your e-mail address."),
            )
        language = Cookie(key=LOCALE_COOKIE, value=form.locale, max_age=ONE_YEAR, path="/", samesite="lax")
        return Redirect(ONBOARDING[role], status_code=303, cookies=[retired, language])
