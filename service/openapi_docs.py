"""Completes the OpenAPI document in one place: the problem responses every operation can really give.

Every error is an RFC 9457 problem (`service/errors.py`). Which ones an operation can answer follows
from what its route declares — its roles, path parameters, inputs and method — and from the app's rate
limit, so `ProblemResponsesPlugin` derives them when a route is registered instead of each handler
listing them. A route that can answer something the rules below do not foresee says so with
`opt={**roles(...), **problems(428)}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Annotated, Any, Literal

import msgspec
from litestar.config.app import AppConfig
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig, RateLimitMiddleware
from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins import InitPluginProtocol, ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from service.auth.actor import ANONYMOUS
from service.errors import PROBLEM_JSON
from service.validation_texts import Code

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Problem(msgspec.Struct, kw_only=True):
    """An RFC 9457 problem-details document; some problems add members (`field`, `current_revision`)."""

    type: Annotated[str, msgspec.Meta(description="URI naming the kind of problem")]
    title: str
    status: Annotated[int, msgspec.Meta(ge=400, le=599)]
    detail: Annotated[str, msgspec.Meta(description="what went wrong, for a person")]
    instance: Annotated[str, msgspec.Meta(description="the path of the request")]


class ProblemFieldError(msgspec.Struct, kw_only=True):
    """One invalid input; a 422 lists every one of the request, not only the first."""

    field: Annotated[str, msgspec.Meta(examples=["body.competences[1].id"])]
    reason: Annotated[
        str,
        msgspec.Meta(
            description="why, for a person, in the response's language (Content-Language)",
            examples=[
                "« cybersecurite » est inconnu : vouliez-vous dire « Sécurité informatique » (it_security) ?"
            ],
        ),
    ]
    code: Annotated[
        str,
        msgspec.Meta(
            description="what is wrong, for a program; stable: " + ", ".join(f"`{c}`" for c in Code),
            examples=["unknown_id"],
        ),
    ]
    allowed: Annotated[
        list[str] | msgspec.UnsetType, msgspec.Meta(description="the values accepted, when they are few")
    ] = msgspec.UNSET
    suggestion: Annotated[
        str | msgspec.UnsetType,
        msgspec.Meta(description="the accepted value closest to the one sent", examples=["it_security"]),
    ] = msgspec.UNSET


class ValidationProblem(Problem, kw_only=True):
    """A 422: one entry per invalid input."""

    errors: list[ProblemFieldError]


DependencyState = Literal["ok", "unavailable"]


class DependencyProblem(Problem, kw_only=True):
    """A 503 of `/health`: which dependency does not answer."""

    database: DependencyState
    broker: DependencyState


@dataclass(frozen=True)
class _ProblemDoc:
    description: str
    schema: type[Problem] = Problem


PROBLEM_DOCS: Mapping[int, _ProblemDoc] = {
    400: _ProblemDoc("Malformed request: a body that is not JSON, bytes that are not UTF-8, NUL characters."),
    401: _ProblemDoc(
        "An API key is needed and none was sent, or the key sent is unknown or revoked (refused on every "
        "route, public ones included)."
    ),
    403: _ProblemDoc("The caller's role, or its relation to the resource, does not allow this."),
    404: _ProblemDoc("No such resource, or one the caller may not know exists."),
    409: _ProblemDoc(
        "Conflict with the current state: a duplicate, a change to something closed, a stale If-Match, "
        "a transition the current status does not allow."
    ),
    413: _ProblemDoc("The request body is larger than the server accepts (MAX_BODY_BYTES)."),
    422: _ProblemDoc(
        "Invalid input: `errors` names every invalid field at once, why it was refused (`reason`, in the "
        "reader's language; `code`, for a program) and, where it helps, the `allowed` values and a "
        "`suggestion`.",
        ValidationProblem,
    ),
    428: _ProblemDoc("The change must name the version it is based on (If-Match or `version`)."),
    429: _ProblemDoc("Too many requests from this client in the current minute (RATE_LIMIT_PER_MINUTE)."),
    503: _ProblemDoc("A dependency does not answer: the problem says which and why.", DependencyProblem),
}


def problems(*statuses: int) -> dict[str, Any]:
    """Route `opt` naming problem statuses the rules of `problem_statuses()` cannot foresee."""
    unknown = [s for s in statuses if s not in PROBLEM_DOCS]
    if unknown:
        raise ValueError(f"no documentation for problem statuses {unknown}")
    return {"problems": frozenset(statuses)}


def problem_statuses(
    handler: HTTPRouteHandler, *, has_path_params: bool, has_params: bool, rate_limited: bool
) -> set[int]:
    """The problem statuses an operation can answer, from what its route declares."""
    has_body = "data" in handler.parsed_fn_signature.parameters
    statuses = {400, 401}  # anything can be malformed; an unknown key is refused everywhere
    if ANONYMOUS not in handler.opt.get("roles", frozenset()):
        statuses.add(403)
    if has_path_params:
        statuses.add(404)
    if has_params or has_body:
        statuses.add(422)
    if has_body:
        statuses.add(413)
    if handler.http_methods & WRITE_METHODS and (has_body or has_path_params):
        statuses.add(409)
    if rate_limited:
        statuses.add(429)
    statuses.update(handler.opt.get("problems", ()))
    return statuses


def problem_responses(statuses: set[int]) -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(
            data_container=PROBLEM_DOCS[status].schema,
            description=f"{HTTPStatus(status).phrase}. {PROBLEM_DOCS[status].description}",
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for status in sorted(statuses)
    }


class ProblemResponsesPlugin(InitPluginProtocol, ReceiveRoutePlugin):
    """Adds to each documented operation its problem responses (they replace Litestar's generic 400)."""

    def __init__(self) -> None:
        self._unlimited: re.Pattern[str] | None = None
        self._rate_limited = False

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """Read where the rate limit applies from the app's own rate-limit middleware."""
        for middleware in app_config.middleware:
            if isinstance(middleware, DefineMiddleware) and middleware.middleware is RateLimitMiddleware:
                config: RateLimitConfig = middleware.kwargs["config"]
                self._rate_limited = True
                if config.exclude:
                    excluded = [config.exclude] if isinstance(config.exclude, str) else config.exclude
                    self._unlimited = re.compile("|".join(excluded))
        return app_config

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        rate_limited = self._rate_limited and not (self._unlimited and self._unlimited.search(route.path))
        for handler, kwargs_model in route.route_handler_map.values():
            if not handler.resolve_include_in_schema() or "OPTIONS" in handler.http_methods:
                continue
            statuses = problem_statuses(
                handler,
                has_path_params=bool(route.path_parameters),
                has_params=bool(
                    kwargs_model.expected_query_params
                    or kwargs_model.expected_header_params
                    or kwargs_model.expected_path_params
                ),
                rate_limited=rate_limited,
            )
            handler.responses = {**problem_responses(statuses), **(handler.responses or {})}
