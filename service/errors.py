"""Domain errors and their one mapping to RFC 9457 problem-details responses.

Services raise the named errors below; nothing else in the code builds an error response. Field
validation failures are 422 with `errors: [{field, reason}]`; a body that is not JSON is 400.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.types import ExceptionHandlersMap

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://ctomatch.dev/problems/"

logger = logging.getLogger("ctomatch.errors")


@dataclass(frozen=True)
class FieldError:
    """One invalid input: where it is (e.g. `body.competences[2].id`) and why it was refused."""

    field: str
    reason: str


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status_code: int = HTTPStatus.BAD_REQUEST
    problem_type: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}


class InvalidInput(DomainError):
    status_code = HTTPStatus.UNPROCESSABLE_ENTITY
    problem_type = "validation-error"
    title = "Invalid input"

    def __init__(self, errors: list[FieldError], detail: str | None = None) -> None:
        super().__init__(detail or "; ".join(f"{e.field}: {e.reason}" for e in errors))
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
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + problem_type,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if extra:
        body.update(extra)
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    extra = dict(exc.extra)
    if isinstance(exc, InvalidInput):
        extra["errors"] = [{"field": e.field, "reason": e.reason} for e in exc.errors]
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


_UNKNOWN_FIELD = re.compile(r"unknown field `(?P<name>[^`]+)`")
_MISSING_PARAMETER = re.compile(r"Missing required (?P<source>\w+) parameter '(?P<name>[^']+)'")


def _field_path(item: dict[str, Any]) -> str:
    raw_source = item.get("source") or "body"
    source = str(getattr(raw_source, "value", raw_source))
    key = str(item.get("key") or "")
    message = str(item.get("message") or "")
    if match := _UNKNOWN_FIELD.search(message):
        key = match.group("name") if key in {"", "data"} else f"{key}.{match.group('name')}"
    if key in {"", "data"}:
        return source
    return f"{source}.{key}"


_BOUND = re.compile(r"Expected `(?:int|float|number)` (?P<op><=|>=|<|>) (?P<limit>-?[0-9.e+]+)")
_BOUND_WORDS = {"<=": "at most", ">=": "at least", "<": "less than", ">": "more than"}


def _reason(item: dict[str, Any]) -> str:
    """msgspec's message, said plainly where it would puzzle a reader (an id such as `١٢` or `abc`)."""
    message = str(item.get("message", ""))
    if message == "'data'" and str(item.get("key") or "") in {"", "data"}:
        return "a JSON object is required (the request has no body)"
    if message == "Expected `int`, got `str`":
        return "must be a whole number written with the digits 0-9"
    if bound := _BOUND.fullmatch(message):
        return f"must be {_BOUND_WORDS[bound['op']]} {bound['limit']}"
    return message


def _validation_handler(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[dict[str, Any]]:
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
    errors = [{"field": _field_path(item), "reason": _reason(item)} for item in items]
    return problem_response(
        request,
        status=HTTPStatus.UNPROCESSABLE_ENTITY,
        problem_type="validation-error",
        title="Invalid input",
        detail="; ".join(f"{e['field']}: {e['reason']}" for e in errors),
        extra={"errors": errors},
    )


def _http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        logger.error("server error on %s %s: %r", request.method, request.url.path, exc, exc_info=exc)
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    detail = str(exc.detail) if exc.detail and exc.detail != phrase else phrase
    if isinstance(exc, NotFoundException):
        detail = f"no route or resource at {request.url.path}" if detail == phrase else detail
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
        detail="The server could not complete the request; it has been logged.",
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
]
