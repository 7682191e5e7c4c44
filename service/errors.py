"""Domain errors and their one mapping to RFC 9457 problem-details responses.

Services raise the named errors below; nothing else in the code builds an error response. Field
validation failures are 422 with `errors: [{field, reason, code, allowed?, suggestion?}]`, every
invalid field at once (service.validation_requests re-checks what the decoder refused); a body that
is not JSON is 400. Titles, details and reasons are in the reader's language: services word theirs
with `_()` when they raise, and each handler answers in the locale the request negotiated (the locale
middleware wraps the app's whole handler, so an unknown route is answered in it too).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Stream
from litestar.types import ExceptionHandlersMap

from service.db import Database
from service.i18n import N_, _, pgettext
from service.validation import FieldError, valid_fields
from service.validation_hooks import ReferenceCheck, reference_check
from service.validation_requests import body_of, from_message, refused_fields

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://ctomatch.dev/problems/"

logger = logging.getLogger("ctomatch.errors")


class DomainError(Exception):
    """Base of every error a service raises on purpose; `detail` is already in the reader's language."""

    status_code: int = HTTPStatus.BAD_REQUEST
    problem_type: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}


def summary(errors: list[FieldError]) -> str:
    """A problem's `detail` naming each invalid field: `body.tjm: must be at most 5000; …`."""
    return "; ".join(f"{e.field}: {e.reason}" for e in errors)


class InvalidInput(DomainError):
    status_code = HTTPStatus.UNPROCESSABLE_ENTITY
    problem_type = "validation-error"
    title = "Invalid input"

    def __init__(self, errors: list[FieldError], detail: str | None = None) -> None:
        super().__init__(detail or summary(errors))
        self.errors = errors


class NotFound(DomainError):
    status_code = HTTPStatus.NOT_FOUND
    problem_type = "not-found"
    title = "Not found"


class Conflict(DomainError):
    status_code = HTTPStatus.CONFLICT
    problem_type = "conflict"
    title = "Conflict"


class PreconditionRequired(DomainError):
    status_code = HTTPStatus.PRECONDITION_REQUIRED
    problem_type = "precondition-required"
    title = "Precondition required"


class Unauthenticated(DomainError):
    status_code = HTTPStatus.UNAUTHORIZED
    problem_type = "unauthenticated"
    title = "Authentication required"


class Forbidden(DomainError):
    status_code = HTTPStatus.FORBIDDEN
    problem_type = "forbidden"
    title = "Forbidden"


def _titles() -> dict[str, str]:
    """Problem titles (English, as the code names them) in the reader's language."""
    return {
        "Bad request": pgettext("problem", "Bad request"),
        "Invalid input": pgettext("problem", "Invalid input"),
        "Not found": pgettext("problem", "Not found"),
        "Conflict": pgettext("problem", "Conflict"),
        "Precondition required": pgettext("problem", "Precondition required"),
        "Authentication required": pgettext("problem", "Authentication required"),
        "Forbidden": pgettext("problem", "Forbidden"),
        "Malformed request": pgettext("problem", "Malformed request"),
        "Internal server error": pgettext("problem", "Internal server error"),
        "Service unavailable": pgettext("problem", "Service unavailable"),
        "Unauthorized": pgettext("problem", "Unauthorized"),
        "Not Found": pgettext("problem", "Not Found"),
        "Method Not Allowed": pgettext("problem", "Method Not Allowed"),
        "Not Acceptable": pgettext("problem", "Not Acceptable"),
        "Request Entity Too Large": pgettext("problem", "Request Entity Too Large"),
        "Request-URI Too Long": pgettext("problem", "Request-URI Too Long"),
        "Unsupported Media Type": pgettext("problem", "Unsupported Media Type"),
        "Too Many Requests": pgettext("problem", "Too Many Requests"),
        "Request Header Fields Too Large": pgettext("problem", "Request Header Fields Too Large"),
        "Service Unavailable": pgettext("problem", "Service Unavailable"),
        "Internal Server Error": pgettext("problem", "Internal Server Error"),
    }


def translated_title(title: str) -> str:
    """`title` in the reader's language; a title this module does not know stays as given."""
    return _titles().get(title, title)


def problem_document(
    request: Request[Any, Any, Any],
    *,
    status: int,
    problem_type: str,
    title: str,
    detail: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The problem's members; `title` is given in English and answered in the current locale."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + problem_type,
        "title": translated_title(title),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if extra:
        body.update(extra)
    return body


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status: int,
    problem_type: str,
    title: str,
    detail: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    """The problem document in the reader's language (`title` is given in English)."""
    body = problem_document(
        request, status=status, problem_type=problem_type, title=title, detail=detail, extra=extra
    )
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    extra = dict(exc.extra)
    if isinstance(exc, InvalidInput):
        extra["errors"] = [e.as_problem_item() for e in exc.errors]
    headers = {"WWW-Authenticate": 'ApiKey header="X-API-Key"'} if isinstance(exc, Unauthenticated) else None
    return problem_response(
        request,
        status=exc.status_code,
        problem_type=exc.problem_type,
        title=exc.title,
        detail=exc.detail,
        extra=extra,
        headers=headers,
    )


_MISSING_PARAMETER = re.compile(r"Missing required (?P<source>\w+) parameter '(?P<name>[^']+)'")


def _validation_handler(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[dict[str, Any]] | Stream:
    items = exc.extra if isinstance(exc.extra, list) else []
    if not items and (missing := _MISSING_PARAMETER.search(str(exc.detail))):
        items = [
            {"source": missing["source"], "key": missing["name"], "message": "required parameter is missing"}
        ]
    if not items:
        return problem_response(
            request,
            status=HTTPStatus.BAD_REQUEST,
            problem_type="malformed-request",
            title="Malformed request",
            detail=str(exc.detail),
        )
    try:
        errors = refused_fields(request, items)
    except Exception:  # the re-check must never turn a 422 into a 500: Litestar's own messages then
        logger.exception("re-checking the refused fields of %s %s failed", request.method, request.url.path)
        errors = [from_message(item) for item in items]
    body = body_of(request)
    check = None if body is None else reference_check(body[0])
    if body is not None and check is not None and (fields := valid_fields(body[0], body[1])):
        return _with_reference_errors(request, errors, check, fields)
    return _invalid_input_response(request, errors)


def _invalid_input_document(request: Request[Any, Any, Any], errors: list[FieldError]) -> dict[str, Any]:
    """The 422 problem listing every invalid field."""
    return problem_document(
        request,
        status=HTTPStatus.UNPROCESSABLE_ENTITY,
        problem_type="validation-error",
        title="Invalid input",
        detail=summary(errors),
        extra={"errors": [e.as_problem_item() for e in errors]},
    )


def _invalid_input_response(
    request: Request[Any, Any, Any], errors: list[FieldError]
) -> Response[dict[str, Any]]:
    body = _invalid_input_document(request, errors)
    return Response(body, status_code=HTTPStatus.UNPROCESSABLE_ENTITY, media_type=PROBLEM_JSON)


def _with_reference_errors(
    request: Request[Any, Any, Any],
    errors: list[FieldError],
    check: ReferenceCheck,
    fields: dict[str, Any],
) -> Stream:
    """The 422 of a body refused for its shape, completed by the domain's check of its valid fields.

    Exception handlers are synchronous and the check reads the database, so the document is written
    when the response is sent (a one-chunk stream); should the check fail, the shape's errors stand.
    """

    async def document() -> AsyncIterator[bytes]:
        found = list(errors)
        try:
            database: Database = request.app.state.database
            async with database.session() as session:
                found += await check(session, fields)
        except Exception:
            logger.exception("checking the valid fields of %s %s failed", request.method, request.url.path)
        yield msgspec.json.encode(_invalid_input_document(request, found))

    return Stream(document(), status_code=HTTPStatus.UNPROCESSABLE_ENTITY, media_type=PROBLEM_JSON)


_MALFORMED_JSON = re.compile(r"JSON is malformed: (?P<what>.+) \(byte (?P<byte>[0-9]+)\)")
#: msgspec's words for what is wrong in a JSON text, so they can be translated.
_JSON_FAULTS = {
    "invalid character": N_("invalid character"),
    "invalid character in unicode escape": N_("invalid character in unicode escape"),
    "invalid escape character in string": N_("invalid escape character in string"),
    "invalid escaped character": N_("invalid escaped character"),
    "invalid number": N_("invalid number"),
    "invalid utf-16 surrogate pair": N_("invalid utf-16 surrogate pair"),
    "object keys must be strings": N_("object keys must be strings"),
    "trailing characters": N_("trailing characters"),
    "expected ':'": N_("expected ':'"),
    "expected ',' or ']'": N_("expected ',' or ']'"),
    "expected ',' or '}'": N_("expected ',' or '}'"),
    "expected '\"'": N_("expected '\"'"),
}


def _client_detail(detail: str, phrase: str) -> str:
    """Litestar's and msgspec's details of a 4xx, in the reader's language where they are known."""
    if detail == phrase:
        return translated_title(phrase)
    if detail == "Input data was truncated":
        return _("Input data was truncated")
    if malformed := _MALFORMED_JSON.fullmatch(detail):
        fault = malformed["what"]
        what = _(_JSON_FAULTS[fault]) if fault in _JSON_FAULTS else fault
        return _("JSON is malformed: %(what)s (byte %(byte)s)", what=what, byte=malformed["byte"])
    return detail


def _http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        logger.error("server error on %s %s: %r", request.method, request.url.path, exc, exc_info=exc)
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    detail = str(exc.detail) if exc.detail and exc.detail != phrase else phrase
    if isinstance(exc, NotFoundException) and detail == phrase:
        detail = _("no route or resource at %(path)s", path=request.url.path)
    elif status < HTTPStatus.INTERNAL_SERVER_ERROR:
        detail = _client_detail(detail, phrase)
    problem_type, title = phrase.lower().replace(" ", "-"), phrase
    if status == HTTPStatus.BAD_REQUEST:
        problem_type, title = "malformed-request", "Malformed request"
    return problem_response(
        request,
        status=status,
        problem_type=problem_type,
        title=title,
        detail=detail,
        headers=exc.headers,
    )


def _unexpected_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """Last resort: log the traceback server-side, never send it to the client."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(
        request,
        status=HTTPStatus.INTERNAL_SERVER_ERROR,
        problem_type="internal-error",
        title="Internal server error",
        detail=_("The server could not complete the request; it has been logged."),
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: _domain_error_handler,
    ValidationException: _validation_handler,
    HTTPException: _http_exception_handler,
    Exception: _unexpected_handler,
}

__all__ = [
    "EXCEPTION_HANDLERS",
    "PROBLEM_JSON",
    "Conflict",
    "DomainError",
    "FieldError",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "PreconditionRequired",
    "Unauthenticated",
    "problem_response",
    "summary",
]
