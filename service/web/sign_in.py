"""Console sign-in and sign-out: an operator's API key, checked once, opens a server-side session."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect

from service.auth.actor import ANONYMOUS, resolve_actor, roles
from service.handler_params import AppSettings, DbSession
from service.web.session import (
    SIGN_IN_PATH,
    load_operator,
    safe_next,
    session_account_id,
    session_key_fingerprint,
    sign_in,
    sign_out,
)
from service.web.views import render

logger = logging.getLogger("ctomatch.console")

PUBLIC = "Roles: anyone (the console's own sign-in: an operator API key in a form)."


class SignInForm(msgspec.Struct):
    api_key: str = ""
    next: str = ""


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
        known = await load_operator(
            db_session, session_account_id(request), session_key_fingerprint(request) or ""
        )
        if known is not None:
            return Redirect(safe_next(next_path), status_code=303)
        notice = "You are signed out." if signed_out else None
        context = {"next": safe_next(next_path), "error": None, "notice": notice}
        return render(request, "sign_in.html", context, signed_in_as=None)

    @post("/sign-in", opt=roles(ANONYMOUS), include_in_schema=False, description=PUBLIC)
    async def submit_sign_in(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        settings: AppSettings,
        data: URLEncodedBody[SignInForm],
    ) -> Response[Any]:
        """Only operators get in; the key itself is never stored, only the account id is."""
        next_path = safe_next(data.next)
        key = data.api_key.strip()
        error, status = None, 200
        if not key:
            error, status = "Enter your operator API key.", 400
        elif (actor := await resolve_actor(db_session, key, settings.secret_key)) is None:
            error, status = "This API key is unknown or has been revoked.", 401
        elif not actor.is_operator:
            error, status = f"This is a {actor.role} key: only operators can use the console.", 403
        elif (operator := await load_operator(db_session, actor.account_id)) is not None:
            retired_csrf = await sign_in(request, operator)
            logger.info("operator %s signed in to the console", operator.actor.account_id)
            return Redirect(next_path, status_code=303, cookies=[retired_csrf])
        context = {"next": next_path, "error": error, "notice": None}
        return render(request, "sign_in.html", context, signed_in_as=None, status_code=status)

    @post("/sign-out", opt=roles(ANONYMOUS), include_in_schema=False, description=PUBLIC)
    async def submit_sign_out(self, request: Request[Any, Any, Any]) -> Response[Any]:
        sign_out(request)
        return Redirect(f"{SIGN_IN_PATH}?signed_out=1", status_code=303)
