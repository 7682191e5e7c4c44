"""The metrics `/metrics` serves, and how one scrape is assembled.

- Recorded as things happen (multiprocess files, see `multiprocess.py`): the API's request
  durations here, the workers' task durations in `workers.metrics`.
- Computed at scrape time from the database and the broker, so they are exact and survive
  restarts: queue depths and decision counts. The handler runs those (async) queries first, then
  puts the results in a registry built for that scrape, next to the multiprocess collector; no
  collector does I/O inside `collect()`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Match, MatchDecision
from models.enums import MatchStatus
from service.db import Database
from service.observability.broker import queue_depth
from service.observability.multiprocess import multiprocess_directory, prepare_multiprocess
from service.settings import Settings

if TYPE_CHECKING:
    from prometheus_client import Histogram
    from prometheus_client.metrics_core import Metric

logger = logging.getLogger("ctomatch.metrics")

HTTP_DURATION = "ctomatch_http_request_duration_seconds"
QUEUE_DEPTH = "ctomatch_queue_depth"
REVIEW_QUEUE_DEPTH = "ctomatch_review_queue_depth"
DECISIONS = "ctomatch_decisions"  # exposed as ctomatch_decisions_total (a counter)
SOURCE_UP = "ctomatch_metrics_source_up"

#: Broker and database reads of one scrape must not hang Prometheus's scrape (default 10 s).
SCRAPE_TIMEOUT_SECONDS = 4.0


@dataclass(frozen=True)
class ApiMetrics:
    http_duration: Histogram


_lock = threading.Lock()
_api_metrics: ApiMetrics | None = None


def api_metrics(settings: Settings) -> ApiMetrics:
    """The API's recorded metrics, built once per process after `prepare_multiprocess`."""
    global _api_metrics
    if _api_metrics is not None:  # every request comes here: no lock once built
        return _api_metrics
    with _lock:
        if _api_metrics is None:
            prepare_multiprocess(settings)
            from prometheus_client import Histogram

            _api_metrics = ApiMetrics(
                http_duration=Histogram(
                    HTTP_DURATION,
                    "Duration of HTTP requests, by method, route template and status code.",
                    ["method", "route", "status"],
                )
            )
        return _api_metrics


@dataclass(frozen=True)
class ScrapeFigures:
    """What one scrape read from the database and the broker (None where the read failed)."""

    queue: str
    queue_depth: int | None
    review_queue_depth: int | None
    decisions: dict[str, int] | None


async def _database_figures(database: Database) -> tuple[int, dict[str, int]]:
    async with database.session() as session:
        return await _review_queue_depth(session), await _decisions(session)


async def _review_queue_depth(session: AsyncSession) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Match).where(Match.status == MatchStatus.PENDING, ~Match.excluded)
    )
    return int(count or 0)


async def _decisions(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(MatchDecision.to_status, func.count()).group_by(MatchDecision.to_status)
    )
    counts = {str(status): 0 for status in MatchStatus}
    for status, count in rows.all():
        counts[str(status)] = int(count)
    return counts


async def read_scrape_figures(database: Database, settings: Settings) -> ScrapeFigures:
    """The scrape-time figures; a failing source is logged and reported as down, never raised."""
    broker_read = asyncio.wait_for(
        asyncio.to_thread(queue_depth, settings.celery_broker_url, settings.celery_queue),
        SCRAPE_TIMEOUT_SECONDS,
    )
    database_read = asyncio.wait_for(_database_figures(database), SCRAPE_TIMEOUT_SECONDS)
    broker_result, database_result = await asyncio.gather(broker_read, database_read, return_exceptions=True)
    depth: int | None = None
    if isinstance(broker_result, BaseException):
        logger.warning("metrics: broker queue depth unavailable: %s", type(broker_result).__name__)
    else:
        depth = broker_result
    review: int | None = None
    decisions: dict[str, int] | None = None
    if isinstance(database_result, BaseException):
        logger.warning("metrics: database figures unavailable: %s", type(database_result).__name__)
    else:
        review, decisions = database_result
    return ScrapeFigures(settings.celery_queue, depth, review, decisions)


class _Figures:
    """A collector over figures already read: `collect()` only builds metric families."""

    def __init__(self, figures: ScrapeFigures) -> None:
        self.figures = figures

    def collect(self) -> Iterable[Metric]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        figures = self.figures
        up = GaugeMetricFamily(
            SOURCE_UP, "1 if the scrape-time figures of this source could be read.", labels=["source"]
        )
        up.add_metric(["broker"], 0 if figures.queue_depth is None else 1)
        up.add_metric(["database"], 0 if figures.decisions is None else 1)
        yield up
        if figures.queue_depth is not None:
            depth = GaugeMetricFamily(
                QUEUE_DEPTH,
                "Messages waiting in the Celery queue (not yet taken by a worker).",
                labels=["queue"],
            )
            depth.add_metric([figures.queue], figures.queue_depth)
            yield depth
        if figures.review_queue_depth is not None:
            yield GaugeMetricFamily(
                REVIEW_QUEUE_DEPTH,
                "Matches waiting for an operator: status pending and not excluded.",
                value=figures.review_queue_depth,
            )
        if figures.decisions is not None:
            decisions = CounterMetricFamily(
                DECISIONS,
                "Review decisions recorded, by the status they moved a match to.",
                labels=["outcome"],
            )
            for outcome, count in sorted(figures.decisions.items()):
                decisions.add_metric([outcome], count)
            yield decisions


def render(figures: ScrapeFigures | None = None) -> bytes:
    """The Prometheus text of one scrape: the recorded metrics of every process, plus `figures`.

    In multiprocess mode the recorded metrics come from the shared directory (API and workers);
    otherwise from this process's default registry.
    """
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    directory = multiprocess_directory()
    if directory is not None and directory.is_dir():
        MultiProcessCollector(registry, path=str(directory))  # type: ignore[no-untyped-call]
    else:
        registry.register(REGISTRY)
    if figures is not None:
        registry.register(_Figures(figures))
    return generate_latest(registry)
