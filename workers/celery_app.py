"""The Celery app, configured from the API's settings (SQLite broker by default, Redis in production).

Tasks are acknowledged late and rejected when their worker dies, so a crash re-delivers them; they are
idempotent (upserts, chunk rows keyed by job and index), so a re-delivery never duplicates a match.

Two roles share this factory. The workers and beat (`worker=True`) keep reconnecting and retrying:
nobody waits on them. A publisher (the API, the CLI) answers a user, so a down broker must cost it well
under a second (ENQUEUE_TIMEOUT_SECONDS): one connection attempt, short socket timeouts, no publish
retry. What it fails to send the stale sweep rescores later.

No app exists at import: importing this module (or `workers.tasks`, whose tasks are `shared_task`s,
bound to whichever app runs them) reads no environment and creates no file. A worker or beat process
builds its app from the settings it was started with (`run_celery`, behind `ctomatch worker`,
`ctomatch beat` and `python -m workers`).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import click
from celery import Celery
from celery.signals import setup_logging

from service.background.task_names import (
    TASK_DELIVER_NOTIFICATIONS,
    TASK_REMIND_AVAILABILITY,
    TASK_RESCORE_STALE,
    TASK_WATCH_JOBS,
)
from service.logging_config import configure_logging
from service.settings import Settings, get_settings

#: The settings each app was built from, for the code it runs (tasks, signal receivers).
_SETTINGS: weakref.WeakKeyDictionary[Any, Settings] = weakref.WeakKeyDictionary()


def _broker_transport_options(settings: Settings, *, worker: bool) -> dict[str, object]:
    """kombu's options: a publisher's connection gives up fast, a worker's waits for the broker."""
    options: dict[str, object] = {}
    is_redis = settings.celery_broker_url.startswith(("redis://", "rediss://"))
    if is_redis:
        # Redis re-delivers an unacknowledged task (its worker died) after this many seconds.
        options["visibility_timeout"] = settings.celery_visibility_timeout
    if not worker:
        # kombu's connection ensure: one attempt, no retry loop (task_publish_retry does not cover it).
        options["max_retries"] = 0
        if is_redis:
            # Connect and send each get half the budget, so a failure is reported before the deadline.
            half = settings.enqueue_timeout_seconds / 2
            options.update(socket_connect_timeout=half, socket_timeout=half, retry_on_timeout=False)
    return options


def create_celery(settings: Settings, *, worker: bool = False) -> Celery:
    """A publisher's app by default (fails fast); `worker=True` for the workers and beat (retries)."""
    app = Celery("ctomatch", broker=settings.celery_broker_url, backend=settings.celery_result_backend)
    if settings.is_sqlite or settings.celery_broker_url.startswith("sqla+"):
        settings.ensure_data_dir()
    app.conf.update(
        include=["workers.tasks", "workers.metrics"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=settings.scoring_task_time_limit,
        task_soft_time_limit=max(settings.scoring_task_time_limit - 30, 10),
        broker_transport_options=_broker_transport_options(settings, worker=worker),
        # A worker started before the broker waits for it, and one that loses it reconnects.
        broker_connection_retry_on_startup=True,
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        result_expires=24 * 3600,
        # Nobody reads task results (progress lives in the database): storing them only adds writes,
        # and a result backend that is down would hold a finished task.
        task_ignore_result=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_always_eager=settings.celery_task_always_eager,
        task_default_queue=settings.celery_queue,
        # The watchdog has a queue of its own (workers consume both, see service.cli.worker_command):
        # behind a thousand queued chunks it would otherwise run only once they are all done.
        task_routes={TASK_WATCH_JOBS: {"queue": settings.celery_control_queue}},
        worker_hijack_root_logger=False,
        beat_schedule={
            "rescore-stale": {"task": TASK_RESCORE_STALE, "schedule": settings.stale_sweep_seconds},
            "deliver-notifications": {
                "task": TASK_DELIVER_NOTIFICATIONS,
                "schedule": settings.notification_sweep_seconds,
            },
            # Re-sends what a dead worker or a lost message left (service.scoring.watchdog).
            "watch-jobs": {"task": TASK_WATCH_JOBS, "schedule": settings.job_watchdog_seconds},
            # Hourly: each freelancer unconfirmed for AVAILABILITY_REMINDER_DAYS gets one reminder.
            "remind-availability": {"task": TASK_REMIND_AVAILABILITY, "schedule": 3600.0},
        },
        beat_schedule_filename=str(settings.data_dir / "celerybeat-schedule"),
    )
    _SETTINGS[app] = settings
    if not worker:
        app.conf.update(
            # Also the deadline of a whole send for service.background.queue, which reads it from here.
            broker_connection_timeout=settings.enqueue_timeout_seconds,
            task_publish_retry=False,
        )
    return app


def settings_of(app: Any) -> Settings:
    """The settings `app` was built from; an app not made by `create_celery` (a test's own probe app)
    gets the environment's."""
    settings = _SETTINGS.get(app) if app is not None else None
    return settings if settings is not None else get_settings()


def run_celery(settings: Settings, arguments: Sequence[str]) -> int:
    """Run a Celery command (`worker ...`, `beat ...`) in this process, on the worker app of `settings`;
    returns its exit status."""
    settings.ensure_data_dir()  # the schedule file and the metrics directory live there
    app = create_celery(settings, worker=True)

    def configure_process_logging(**_: object) -> None:
        """Workers and beat log like the API from boot (JSON in production, secrets masked)."""
        configure_logging(settings)

    # Held strongly (the receiver is a closure): with a receiver connected, Celery leaves logging alone.
    setup_logging.connect(configure_process_logging, weak=False)
    try:
        status = app.start(list(arguments))
    except click.ClickException as error:  # a usage error: say it as the celery command would
        error.show()
        return error.exit_code
    return int(status or 0)
