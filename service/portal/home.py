"""The home page and password sign-in / sign-out of the web app."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect

from models.enums import Role
from service.accounts.authentication import SignInRefused, authenticate
from service.auth.actor import ANONYMOUS, roles
from service.handler_params import AppSettings, DbSession
from service.i18n import _
from service.language_switch import safe_local_path
from service.portal.descriptions import ANYONE
from service.portal.render import page
from service.portal.session import SIGN_IN_PATH, close_session, open_session
from service.portal.users import MaybeSignedIn

logger = logging.getLogger("ctomatch.portal")

#: Where each role lands after signing in (the operator's home is the console).
HOME_OF_ROLE = {Role.FREELANCER: "/profile", Role.COMPANY: "/missions", Role.OPERATOR: "/console"}


class SignInForm(msgspec.Struct):
    email: str = ""
    password: str = ""
    next: str = ""


def _after_sign_in(user_role: Role, next_path: str) -> str:
    default = HOME_OF_ROLE[user_role]
    chosen = safe_local_path(next_path, default)
    return default if chosen in {"/", SIGN_IN_PATH} or chosen.startswith("/console") else chosen


class HomeController(Controller):
    path = "/"
    include_in_schema = False

    @get("/", opt=roles(ANONYMOUS), description=ANYONE)
    async def home(self, request: Request[Any, Any, Any], maybe_user: MaybeSignedIn) -> Response[Any]:
        if maybe_user is not None:
            return Redirect(HOME_OF_ROLE[maybe_user.role], status_code=303)
        return page(request, "portal/home.html", user=None)

    @get("/sign-in", opt=roles(ANONYMOUS), description=ANYONE)
    async def show_sign_in(
        self,
        request: Request[Any, Any, Any],
        maybe_user: MaybeSignedIn,
        next_path: Annotated[str | None, QueryParameter(name="next")] = None,
        signed_out: FromQuery[bool] = False,
    ) -> Response[Any]:
        if maybe_user is not None:
            return Redirect(_after_sign_in(maybe_user.role, next_path or ""), status_code=303)
        context = {
            "form": SignInForm(next=next_path or ""),
            "error": None,
            "notice": _("You are signed out.") if signed_out else None,
        }
        return page(request, "portal/sign_in.html", context, user=None)

    @post("/sign-in", opt=roles(ANONYMOUS), description=ANYONE)
    async def submit_sign_in(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        settings: AppSettings,
        data: URLEncodedBody[SignInForm],
    ) -> Response[Any]:
        client = request.client.host if request.client else "unknown"
        error, status, retry_after = None, 200, None
        if not data.email.strip() or not data.password:
            error, status = _("Enter your e-mail address and your password."), 400
        else:
            try:
                account = await authenticate(db_session, data.email, data.password, client, settings)
            except SignInRefused as refused:
                error, retry_after = refused.message, refused.retry_after
                status = 429 if refused.locked else 401
            else:
                if account.role is Role.OPERATOR:
                    # Operators work in the console, whose session is its own: sign in there.
                    return Redirect("/console/sign-in", status_code=303)
                retired = await open_session(request, account.id)
                logger.info("account %s signed in to the web app", account.id)
                return Redirect(_after_sign_in(account.role, data.next), status_code=303, cookies=[retired])
        form = SignInForm(email=data.email, next=data.next)  # the password is never sent back
        response = page(
            request, "portal/sign_in.html", {"form": form, "error": error, "notice": None}, user=None
        )
        response.status_code = status
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    @post("/sign-out", opt=roles(ANONYMOUS), description=ANYONE)
    async def submit_sign_out(self, request: Request[Any, Any, Any]) -> Response[Any]:
        close_session(request)
        return Redirect(f"{SIGN_IN_PATH}?signed_out=1", status_code=303)
