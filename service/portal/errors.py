"""Errors on web-app pages become HTML pages in the reader's language (or a redirect to sign in).

Registered on the portal router only, so the JSON API keeps its problem+json answers.
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
from litestar.types import ExceptionHandlersMap

from service.errors import DomainError, Forbidden, InvalidInput, NotFound
from service.i18n import _
from service.portal.render import page
from service.portal.session import SIGN_IN_PATH
from service.portal.users import SignInRequired, WrongRole

logger = logging.getLogger("ctomatch.portal")


def _sign_in_redirect(request: Request[Any, Any, Any], exc: SignInRequired) -> Response[Any]:
    query = urlencode({"next": exc.next_path}) if exc.next_path not in {"", "/"} else ""
    return Redirect(f"{SIGN_IN_PATH}?{query}" if query else SIGN_IN_PATH, status_code=303)


def error_page(request: Request[Any, Any, Any], status: int, title: str, detail: str) -> Response[Any]:
    context = {"title": title, "detail": detail, "status": status}
    return page(request, "portal/error.html", context, user=None, status_code=status)


def _not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return error_page(
        request,
        404,
        _("Page not found"),
        _("This page does not exist, or it is not yours to see."),
    )


def _forbidden(request: Request[Any, Any, Any], exc: WrongRole | Forbidden) -> Response[Any]:
    return error_page(request, 403, _("Not for this account"), exc.detail)


def _domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    detail = exc.detail
    if isinstance(exc, InvalidInput):
        detail = " ; ".join(e.reason for e in exc.errors)
    return error_page(request, int(exc.status_code), _("The request could not be completed"), detail)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        logger.error("web app error on %s %s: %r", request.method, request.url.path, exc, exc_info=exc)
    if isinstance(exc, PermissionDeniedException) and "CSRF" in str(exc.detail):
        return error_page(
            request,
            403,
            _("Form expired"),
            _(
                "This form was not sent from a current page of the site (its security token is "
                "missing or stale). Go back, reload the page and try again."
            ),
        )
    if isinstance(exc, ValidationException):
        return error_page(
            request,
            400,
            _("Invalid form"),
            _("Some fields are missing or invalid. Go back and check the form."),
        )
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        return error_page(request, 429, _("Too many requests"), _("Please wait a minute and try again."))
    return error_page(request, status, _("Error"), _("The request could not be served."))


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    logger.exception("unhandled web app error on %s %s", request.method, request.url.path)
    return error_page(
        request,
        500,
        _("Something went wrong"),
        _("This page could not be shown; the error has been logged. Please try again in a moment."),
    )


PORTAL_EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    SignInRequired: _sign_in_redirect,
    WrongRole: _forbidden,
    Forbidden: _forbidden,
    NotFound: _not_found,
    NotFoundException: _not_found,
    DomainError: _domain_error,
    ValidationException: _http_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}
