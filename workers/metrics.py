"""Task durations, recorded in the worker processes through Celery signals, served by the API.

`ctomatch_scoring_task_duration_seconds{task, outcome}`: from `task_prerun` to `task_postrun`, whose
`state` gives the outcome (success, failure, retry, ignored, rejected); `task_failure` marks a
failure even if a state is missing. The values go to the shared multiprocess directory
(`service.observability.multiprocess`), which the API's `/metrics` merges.

Init order: this module is imported by the worker's main process (Celery `include`) and only
connects signal receivers; the histogram is built at the first task, in the child process, after
`prepare_multiprocess()` has set `PROMETHEUS_MULTIPROC_DIR`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from celery.signals import task_failure, task_postrun, task_prerun

from service.observability.multiprocess import prepare_multiprocess
from service.settings import Settings
from workers.celery_app import settings_of

if TYPE_CHECKING:
    from prometheus_client import Histogram

TASK_DURATION = "ctomatch_scoring_task_duration_seconds"
#: Scoring tasks run from well under a second (one profile) to minutes (a rescore chunk).
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)

logger = logging.getLogger("ctomatch.workers.metrics")

_lock = threading.Lock()
_histogram: Histogram | None = None
_started: dict[str, float] = {}
_failed: set[str] = set()


def task_duration(settings: Settings) -> Histogram:
    """The task-duration histogram of this process, built on first use (see the init order above) in
    the metrics directory of `settings` (those of the app running the first task)."""
    global _histogram
    with _lock:
        if _histogram is None:
            prepare_multiprocess(settings)
            from prometheus_client import Histogram

            _histogram = Histogram(
                TASK_DURATION,
                "Duration of Celery tasks in the workers, by task name and outcome.",
                ["task", "outcome"],
                buckets=BUCKETS,
            )
        return _histogram


def _outcome(state: object, failed: bool) -> str:
    if failed:
        return "failure"
    return str(state).lower() if state else "unknown"


@task_prerun.connect
def on_task_prerun(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.perf_counter()


@task_failure.connect
def on_task_failure(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _failed.add(task_id)


@task_postrun.connect
def on_task_postrun(task_id: str | None = None, task: Any = None, state: object = None, **_: Any) -> None:
    if not task_id:
        return
    started = _started.pop(task_id, None)
    failed = task_id in _failed
    _failed.discard(task_id)
    if started is None:
        return
    name = str(getattr(task, "name", None) or "unknown")
    try:
        histogram = task_duration(settings_of(getattr(task, "app", None)))
        histogram.labels(name, _outcome(state, failed)).observe(time.perf_counter() - started)
    except Exception:  # a metrics problem must never fail a task
        logger.exception("could not record the duration of task %s", name)
