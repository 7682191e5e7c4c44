"""The API's enqueue gives up fast on a down or silent broker, then skips sends for a cool-down (one log
line, no retry storm) and resumes once the broker answers again; the broker password is never logged.

A real Redis outage (stop, write, restart, rescored) is in tests/integration/test_broker_outage.py.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from service.background.queue import CeleryWorkQueue
from service.background.task_names import TASK_SCORE_PROFILE
from service.settings import Settings
from workers.celery_app import create_celery

PASSWORD = "s3cret-broker-pw"
BROKER_URL = f"redis://:{PASSWORD}@redis.internal:6379/0"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeCelery:
    """Counts sends; `error` makes them fail as kombu does when the broker is unreachable."""

    def __init__(self) -> None:
        self.conf = SimpleNamespace(broker_url=BROKER_URL, broker_connection_timeout=0.5)
        self.sent: list[tuple[str, list[object]]] = []
        self.error: Exception | None = None

    def send_task(self, name: str, args: list[object], **options: Any) -> None:
        self.sent.append((name, args))
        assert options == {"ignore_result": True, "retry": False}
        if self.error is not None:
            raise self.error


def _queue_logs(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == "ctomatch.scoring.queue" and r.levelno >= level
    ]


async def test_a_down_broker_is_tried_once_per_cooldown_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="ctomatch.scoring.queue")
    celery, clock = FakeCelery(), FakeClock()
    queue = CeleryWorkQueue(celery, cooldown=5.0, clock=clock)
    celery.error = ConnectionError(f"Error 111 connecting to {BROKER_URL}. Connection refused.")

    for profile_id in range(10):
        await queue.profile_changed(profile_id)
    assert len(celery.sent) == 1, "sends within the cool-down must not touch the broker"

    clock.now += 5.1
    await queue.profile_changed(10)
    await queue.profile_changed(11)
    assert len(celery.sent) == 2, "one probe per cool-down"

    warnings = _queue_logs(caplog, logging.WARNING)
    assert len(warnings) == 1, warnings
    assert "ConnectionError" in warnings[0] and "stale sweep" in warnings[0]
    assert "redis.internal:6379" in warnings[0]

    celery.error = None
    clock.now += 5.1
    await queue.profile_changed(12)
    await queue.profile_changed(13)  # closed again: sent at once
    assert [args for _, args in celery.sent[-2:]] == [[12], [13]]
    recovered = [m for m in _queue_logs(caplog, logging.INFO) if "reachable again" in m]
    assert recovered == [
        "broker redis://:[REDACTED]@redis.internal:6379/0 reachable again; 12 enqueues were missed "
        "during the outage (the stale sweep rescores them)"
    ]
    assert all(PASSWORD not in r.getMessage() for r in caplog.records)


async def test_a_healthy_broker_gets_every_send_even_concurrent_ones() -> None:
    import anyio

    celery = FakeCelery()
    queue = CeleryWorkQueue(celery)
    async with anyio.create_task_group() as group:
        for profile_id in range(5):
            group.start_soon(queue.profile_changed, profile_id)
    assert len(celery.sent) == 5
    assert {args[0] for _, args in celery.sent} == {0, 1, 2, 3, 4}
    assert {name for name, _ in celery.sent} == {TASK_SCORE_PROFILE}


async def test_a_hung_send_is_abandoned_at_the_deadline(caplog: pytest.LogCaptureFixture) -> None:
    release = threading.Event()

    class HungCelery(FakeCelery):
        def send_task(self, name: str, args: list[object], **options: Any) -> None:
            release.wait(10)  # a socket that never answers (bounded, released below)

    queue = CeleryWorkQueue(HungCelery(), timeout=0.2)
    try:
        started = time.monotonic()
        await queue.profile_changed(1)
        elapsed = time.monotonic() - started
    finally:
        release.set()
    assert elapsed < 0.6, f"the write waited {elapsed:.2f} s for its enqueue"
    [warning] = _queue_logs(caplog, logging.WARNING)
    assert "TimeoutError" in warning and "no answer within 0.20 s" in warning
    assert PASSWORD not in warning


@pytest.fixture
def silent_broker() -> Iterator[int]:
    """A TCP port on 127.0.0.1 that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for connection in accepted:
            connection.close()
        server.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("broker", ["refusing", "silent"])
async def test_the_real_publisher_gives_up_well_under_a_second(
    broker: str, silent_broker: int, tmp_path: Path
) -> None:
    port = silent_broker if broker == "silent" else _closed_port()
    url = f"redis://:{PASSWORD}@127.0.0.1:{port}/0"
    settings = Settings(data_dir=tmp_path, celery_broker_url=url, celery_result_backend=url)
    queue = CeleryWorkQueue(create_celery(settings))
    started = time.monotonic()
    await queue.profile_changed(1)
    first = time.monotonic() - started
    started = time.monotonic()
    for profile_id in range(10):
        await queue.profile_changed(profile_id)
    burst = time.monotonic() - started
    assert first < settings.enqueue_timeout_seconds + 0.3, f"first send took {first:.2f} s"
    assert burst < 0.1, f"10 sends in the cool-down took {burst:.2f} s"


def test_only_the_publisher_fails_fast_workers_keep_retrying(tmp_path: Path) -> None:
    url = "redis://127.0.0.1:6379/0"
    settings = Settings(data_dir=tmp_path, celery_broker_url=url, celery_result_backend=url)
    publisher = create_celery(settings).conf
    assert publisher.task_publish_retry is False
    assert publisher.broker_connection_timeout == settings.enqueue_timeout_seconds
    assert publisher.broker_transport_options["max_retries"] == 0
    assert publisher.broker_transport_options["socket_timeout"] <= settings.enqueue_timeout_seconds
    assert publisher.broker_transport_options["socket_connect_timeout"] <= settings.enqueue_timeout_seconds

    worker = create_celery(settings, worker=True).conf
    assert worker.task_publish_retry is True
    assert worker.broker_connection_retry_on_startup is True
    assert "max_retries" not in worker.broker_transport_options
    assert "socket_timeout" not in worker.broker_transport_options
    assert worker.broker_transport_options["visibility_timeout"] == settings.celery_visibility_timeout


@pytest.mark.parametrize("seconds", [0.0, -1.0, 30.0])
def test_an_enqueue_timeout_that_could_stall_or_never_send_is_refused(seconds: float) -> None:
    from service.settings import SettingsError

    with pytest.raises(SettingsError, match="ENQUEUE_TIMEOUT_SECONDS"):
        Settings(enqueue_timeout_seconds=seconds).validate()
