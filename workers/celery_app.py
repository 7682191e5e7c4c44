"""The Celery app, configured from the API's settings (SQLite broker by default, Redis in production).

Tasks are acknowledged late and rejected when their worker dies, so a crash re-delivers them; they are
idempotent (upserts, chunk rows keyed by job and index), so a re-delivery never duplicates a match.
"""

from __future__ import annotations

from celery import Celery
from celery.signals import setup_logging

from service.logging_config import configure_logging
from service.settings import Settings, get_settings
from workers.task_names import TASK_DELIVER_NOTIFICATIONS, TASK_RESCORE_STALE


def create_celery(settings: Settings) -> Celery:
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
        # Redis re-delivers an unacknowledged task (its worker died) after this many seconds.
        broker_transport_options=(
            {"visibility_timeout": settings.celery_visibility_timeout}
            if settings.celery_broker_url.startswith(("redis://", "rediss://"))
            else {}
        ),
        broker_connection_retry_on_startup=True,
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        result_expires=24 * 3600,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_always_eager=settings.celery_task_always_eager,
        task_default_queue=settings.celery_queue,
        worker_hijack_root_logger=False,
        beat_schedule={
            "rescore-stale": {"task": TASK_RESCORE_STALE, "schedule": settings.stale_sweep_seconds},
            "deliver-notifications": {
                "task": TASK_DELIVER_NOTIFICATIONS,
                "schedule": settings.notification_sweep_seconds,
            },
        },
        beat_schedule_filename=str(settings.data_dir / "celerybeat-schedule"),
    )
    return app


@setup_logging.connect
def _configure_worker_logging(**_: object) -> None:
    """Workers and beat log like the API from boot (JSON in production, secrets masked)."""
    configure_logging(get_settings())


celery_app = create_celery(get_settings())
