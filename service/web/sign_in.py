"""Console sign-in and sign-out: an operator's API key, or their e-mail and password, checked once,
opens a server-side session (service/web/session.py says what ends it).

Both forms post to the same route; a hidden `method` field says which one was sent. Only operators
get in: a freelancer or a company with a right key or password is told to use the web app instead.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import Role
from service.accounts.authentication import SignInRefused, authenticate
from service.auth.actor import ANONYMOUS, resolve_key, roles
from service.handler_params import AppSettings, DbSession
from service.i18n import _
from service.rate_limit import client_address
from service.settings import Settings
from service.web.session import (
    SIGN_IN_PATH,
    ConsoleOperator,
    Credential,
    key_fingerprint,
    load_operator,
    operator_of_session,
    safe_next,
    sign_in,
    sign_out,
)
from service.web.views import render

logger = logging.getLogger("ctomatch.console")

PUBLIC = "Roles: anyone (the console's own sign-in: an operator API key, or e-mail and password, in a form)."


class SignInForm(msgspec.Struct):
    method: Literal["api_key", "password"] = "api_key"
    api_key: str = ""
    email: str = ""
    password: str = ""
    next: str = ""


class Refusal(Exception):
    """Why this sign-in does not open a session: the message, the status, and what else the page shows."""

    def __init__(
        self, message: str, status: int, *, retry_after: int | None = None, web_app: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.web_app = web_app


def _not_an_operator(role: Role, credential: Credential) -> Refusal:
    if credential == "api_key":
        message = {
            Role.FREELANCER: _("This is a freelancer key: only operators can use the console."),
            Role.COMPANY: _("This is a company key: only operators can use the console."),
        }.get(role, _("Only operators can use the console."))
    else:
        message = {
            Role.FREELANCER: _(
                "This is a freelancer account: the console is for operators only. "
                "Freelancers sign in to the web app."
            ),
            Role.COMPANY: _(
                "This is a company account: the console is for operators only. "
                "Companies sign in to the web app."
            ),
        }.get(role, _("Only operators can use the console."))
    return Refusal(message, 403, web_app=True)


async def _by_api_key(db_session: AsyncSession, settings: Settings, form: SignInForm) -> ConsoleOperator:
    key = form.api_key.strip()
    if not key:
        raise Refusal(_("Enter your operator API key."), 400)
    resolved = await resolve_key(db_session, key, settings.secret_key)
    if resolved is None:
        raise Refusal(_("This API key is unknown or has been revoked."), 401)
    actor, api_key = resolved
    if not actor.is_operator:
        raise _not_an_operator(actor.role, "api_key")
    operator = await load_operator(db_session, actor.account_id, "api_key", key_fingerprint(api_key.key_hash))
    if operator is None:
        raise Refusal(_("This API key is unknown or has been revoked."), 401)
    return operator


async def _by_password(
    request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings, form: SignInForm
) -> ConsoleOperator:
    if not form.email.strip() or not form.password:
        raise Refusal(_("Enter the e-mail address and the password of your operator account."), 400)
    try:
        account = await authenticate(db_session, form.email, form.password, client_address(request), settings)
    except SignInRefused as refused:
        raise Refusal(
            refused.message, 429 if refused.locked else 401, retry_after=refused.retry_after
        ) from None
    if account.role is not Role.OPERATOR:
        raise _not_an_operator(account.role, "password")
    operator = await load_operator(db_session, account.id, "password")
    if operator is None:  # deactivated between the two reads
        raise Refusal(_("This account cannot use the console."), 403)
    return operator


def _page(
    request: Request[Any, Any, Any], form: SignInForm, refusal: Refusal | None, notice: str | None
) -> Template:
    context = {
        "next": safe_next(form.next),
        "method": form.method,
        "email": form.email,  # neither the key nor the password is ever sent back
        "error": refusal.message if refusal else None,
        "web_app": bool(refusal and refusal.web_app),
        "notice": notice,
    }
    status = refusal.status if refusal else 200
    page = render(request, "sign_in.html", context, signed_in_as=None, status_code=status)
    if refusal and refusal.retry_after is not None:
        page.headers["Retry-After"] = str(refusal.retry_after)
    return page


class SignInController(Controller):
    path = "/"

    @get("/sign-in", opt=roles(ANONYMOUS), include_in_schema=False, description=PUBLIC)
    async def show_sign_in(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        next_path: Annotated[str | None, QueryParameter(name="next")] = None,
        signed_out: FromQuery[bool] = False,
    ) -> Response[Any]:
        if await operator_of_session(request, db_session) is not None:
            return Redirect(safe_next(next_path), status_code=303)
        notice = _("You are signed out.") if signed_out else None
        return _page(request, SignInForm(next=next_path or ""), None, notice)

    @post("/sign-in", opt=roles(ANONYMOUS), include_in_schema=False, description=PUBLIC)
    async def submit_sign_in(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        settings: AppSettings,
        data: URLEncodedBody[SignInForm],
    ) -> Response[Any]:
        """Only operators get in; the key or password itself is never stored, only the account id is."""
        try:
            if data.method == "password":
                operator = await _by_password(request, db_session, settings, data)
            else:
                operator = await _by_api_key(db_session, settings, data)
        except Refusal as refusal:
            return _page(request, data, refusal, None)
        retired_csrf = await sign_in(request, operator)
        logger.info(
            "operator %s signed in to the console (%s)", operator.actor.account_id, operator.credential
        )
        return Redirect(safe_next(data.next), status_code=303, cookies=[retired_csrf])

    @post("/sign-out", opt=roles(ANONYMOUS), include_in_schema=False, description=PUBLIC)
    async def submit_sign_out(self, request: Request[Any, Any, Any]) -> Response[Any]:
        sign_out(request)
        return Redirect(f"{SIGN_IN_PATH}?signed_out=1", status_code=303)
