"""Errors on console routes become HTML pages (or a redirect to sign in), never problem+json.

Registered on the console router only, so the JSON API keeps its RFC 9457 handlers. Titles are the
console's own, by status, in the reader's language; a service's detail is shown as the service said it.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect
from litestar.types import ExceptionHandler, ExceptionHandlersMap

from service.errors import DomainError, InvalidInput
from service.i18n import N_, _
from service.web.session import CONSOLE_PATH, SIGN_IN_PATH, SignInRequired, session_name
from service.web.views import render

logger = logging.getLogger("ctomatch.console")


def _sign_in_redirect(request: Request[Any, Any, Any], exc: SignInRequired) -> Response[Any]:
    query = urlencode({"next": exc.next_path}) if exc.next_path != "/console" else ""
    return Redirect(f"{SIGN_IN_PATH}?{query}" if query else SIGN_IN_PATH, status_code=303)


#: Page titles by status; any other status gets "Error".
STATUS_TITLES = {
    400: N_("Bad request"),
    401: N_("Sign-in required"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    413: N_("Request too large"),
    422: N_("Invalid input"),
    428: N_("Precondition required"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Service unavailable"),
}


def status_title(status: int) -> str:
    return _(STATUS_TITLES.get(status, N_("Error")))


def _page(request: Request[Any, Any, Any], status: int, title: str, detail: str) -> Response[Any]:
    """Exception handlers are synchronous: the layout uses the name kept in the session, if any."""
    context = {"title": title, "detail": detail, "status": status}
    return render(request, "error.html", context, signed_in_as=session_name(request), status_code=status)


def _domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    detail = exc.detail
    status = int(exc.status_code)
    if isinstance(exc, InvalidInput):
        detail = "; ".join(
            _("%(field)s: %(reason)s", field=e.field.split(".", 1)[-1], reason=e.reason) for e in exc.errors
        )
    elif status == HTTPStatus.NOT_FOUND:
        detail = _("There is nothing here: this mission, match or page does not exist (any more).")
    return _page(request, status, status_title(status), detail)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        logger.error("console error on %s %s: %r", request.method, request.url.path, exc, exc_info=exc)
    title = status_title(status)
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    raw = str(exc.detail) if exc.detail and exc.detail != phrase else ""
    detail = _("The request could not be served.")
    if isinstance(exc, PermissionDeniedException) and "CSRF" in raw:
        title = _("Form expired")
        detail = _(
            "This form was not sent from a current console page (its security token is missing or "
            "stale). Go back, reload the page and try again."
        )
    elif isinstance(exc, ValidationException):
        detail = _("Some fields of the request are missing or invalid. Go back and check the form.")
    elif status == HTTPStatus.NOT_FOUND:
        detail = _("There is nothing here: this mission, match or page does not exist (any more).")
    elif status == HTTPStatus.METHOD_NOT_ALLOWED:
        detail = _("This address does not accept this kind of request.")
    elif status == HTTPStatus.TOO_MANY_REQUESTS:
        detail = _("Too many requests in a short time: wait a minute, then try again.")
    return _page(request, status, title, detail)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    logger.exception("unhandled console error on %s %s", request.method, request.url.path)
    return _page(
        request, 500, status_title(500), _("The console could not complete this request; it has been logged.")
    )


CONSOLE_EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    SignInRequired: _sign_in_redirect,
    DomainError: _domain_error,
    ValidationException: _http_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}


def console_page_for_unknown_paths(fallback: ExceptionHandler[Any] | None) -> ExceptionHandler[Any]:
    """The app-level 404 handler: no router matched an unknown `/console/...` path, so the console's
    own handlers never see it; it still gets the console's error page, other paths the `fallback`."""

    def handle(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
        path = request.url.path
        if fallback is None or path == CONSOLE_PATH or path.startswith(CONSOLE_PATH + "/"):
            return _http_error(request, exc)
        return fallback(request, exc)

    return handle
