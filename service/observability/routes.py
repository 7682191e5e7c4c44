"""`GET /health` and `GET /metrics`: public (probes and Prometheus send no API key)."""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.datastructures import State
from sqlalchemy import text

from service.auth.actor import ANONYMOUS, roles
from service.db import Database
from service.errors import problem_response
from service.logging_config import redact_text
from service.observability.broker import queue_depth
from service.observability.metrics import read_scrape_figures, render
from service.openapi_docs import problems
from service.settings import Settings

HEALTH_TIMEOUT_SECONDS = 5.0
_MAX_REASON = 300


def _reason(exc: BaseException) -> str:
    """Why a check failed, in one line: no traceback, passwords and keys masked."""
    if isinstance(exc, TimeoutError):
        return f"no answer within {HEALTH_TIMEOUT_SECONDS:g} s"
    lines = str(exc).strip().splitlines()
    message = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return redact_text(message)[:_MAX_REASON]


async def _check_database(database: Database) -> str | None:
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS), database.session() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:
        return _reason(exc)
    return None


async def _check_broker(settings: Settings) -> str | None:
    try:
        await asyncio.wait_for(
            asyncio.to_thread(queue_depth, settings.celery_broker_url, settings.celery_queue),
            HEALTH_TIMEOUT_SECONDS,
        )
    except Exception as exc:
        return _reason(exc)
    return None


@get(
    "/health",
    opt={**roles(ANONYMOUS), **problems(503)},
    tags=["operations"],
    summary="Readiness: the database and the Celery broker answer",
    description=(
        "Roles: anyone. 200 `{status, database, broker}` when both answer; otherwise 503, a problem "
        "document saying which dependency failed and why."
    ),
)
async def health(request: Request[Any, Any, Any], state: State) -> Response[dict[str, Any]]:
    database: Database = state.database
    settings = database.settings
    database_error, broker_error = await asyncio.gather(_check_database(database), _check_broker(settings))
    if database_error is None and broker_error is None:
        return Response({"status": "ok", "database": "ok", "broker": "ok"})
    failures = []
    if database_error is not None:
        failures.append(f"database unavailable: {database_error}")
    if broker_error is not None:
        url = redact_text(settings.celery_broker_url)
        failures.append(f"broker unavailable ({url}): {broker_error}")
    return problem_response(
        request,
        status=HTTPStatus.SERVICE_UNAVAILABLE,
        problem_type="dependency-unavailable",
        title="Service unavailable",
        detail="; ".join(failures),
        extra={
            "database": "ok" if database_error is None else "unavailable",
            "broker": "ok" if broker_error is None else "unavailable",
        },
    )


@get(
    "/metrics",
    opt=roles(ANONYMOUS),
    media_type=MediaType.TEXT,
    tags=["operations"],
    summary="Prometheus metrics (text exposition format)",
    description=(
        "Roles: anyone — in production, make it reachable only from the monitoring network (reverse "
        "proxy rule or network policy). Request and task durations, queue depths, review decisions."
    ),
)
async def metrics(state: State) -> Response[bytes]:
    from prometheus_client import CONTENT_TYPE_LATEST

    database: Database = state.database
    figures = await read_scrape_figures(database, database.settings)
    body = await asyncio.to_thread(render, figures)
    # Without its charset: Litestar appends `; charset=utf-8` to every text/ media type itself.
    return Response(body, media_type=CONTENT_TYPE_LATEST.removesuffix("; charset=utf-8"))
