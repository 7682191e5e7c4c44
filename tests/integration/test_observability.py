"""Operations through the real app: /health, request ids and access lines, /metrics (request and task
durations, queue depths, decisions), and no secret in any log line.

create_app() wires the ObservabilityPlugin; `observed_app()` builds extra apps on other settings.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import logging
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import structlog
from litestar import Litestar
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from models import Match, MatchDecision
from models.enums import MatchStatus
from service.app import create_app
from service.auth.keys import hash_api_key
from service.db import Database
from service.logging_config import REDACTED, redact_text, redact_value
from service.observability.multiprocess import multiprocess_directory
from service.settings import Settings
from tests.conftest import Backend
from tests.factories import freelancer_payload, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
REPO = Path(__file__).resolve().parents[2]


def observed_app(
    settings: Settings, work_queue: RecordingWorkQueue, _monkeypatch: pytest.MonkeyPatch | None = None
) -> Litestar:
    """The real app (create_app wires the ObservabilityPlugin) on these settings."""
    return create_app(settings, work_queue=work_queue)


def _samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


def _value(text: str, name: str, **labels: str) -> float | None:
    for sample_labels, value in _samples(text, name):
        if all(sample_labels.get(k) == v for k, v in labels.items()):
            return value
    return None


class _Tap:
    """Captures exactly what the app's log handler renders (same formatter), as text."""

    def __init__(self) -> None:
        root = logging.getLogger()
        formatter = next(
            h.formatter for h in root.handlers if isinstance(h.formatter, structlog.stdlib.ProcessorFormatter)
        )
        self.buffer = io.StringIO()
        self.handler = logging.StreamHandler(self.buffer)
        self.handler.setFormatter(formatter)
        root.addHandler(self.handler)

    def close(self) -> str:
        logging.getLogger().removeHandler(self.handler)
        return self.buffer.getvalue()


def _json_lines(text: str) -> Iterable[dict[str, Any]]:
    for line in text.splitlines():
        if line.startswith("{"):
            yield json.loads(line)


# --- /health -------------------------------------------------------------------------------------


async def test_health_reports_database_and_broker(client: Client) -> None:
    response = await client.get("/health")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


async def test_health_is_503_naming_an_unreachable_broker(
    backend: Backend, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = dataclasses.replace(backend.settings, celery_broker_url="redis://:hunter2-pass@127.0.0.1:1/0")
    app = observed_app(settings, RecordingWorkQueue(settings), monkeypatch)
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 503 and body["type"].endswith("/dependency-unavailable")
    assert body["database"] == "ok" and body["broker"] == "unavailable"
    assert body["detail"].startswith("broker unavailable (redis://:[REDACTED]@127.0.0.1:1/0)"), body
    assert "hunter2-pass" not in response.text and "Traceback" not in response.text


async def test_health_is_503_naming_an_unreachable_database(
    backend: Backend, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = dataclasses.replace(
        backend.settings, database_url="postgresql+asyncpg://ctomatch:db-pass-123@127.0.0.1:1/none"
    )
    app = observed_app(settings, RecordingWorkQueue(settings), monkeypatch)
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "unavailable" and body["broker"] == "ok"
    assert body["detail"].startswith("database unavailable: "), body
    assert "db-pass-123" not in response.text


# --- request ids and access lines ----------------------------------------------------------------


async def test_a_request_id_is_generated_and_echoed(client: Client) -> None:
    first = (await client.get("/api/v1/taxonomy")).headers["x-request-id"]
    second = (await client.get("/api/v1/taxonomy")).headers["x-request-id"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


async def test_a_sane_incoming_request_id_is_reused(client: Client) -> None:
    response = await client.get("/api/v1/taxonomy", headers={"X-Request-ID": "edge-7f3a.trace_01"})
    assert response.headers["x-request-id"] == "edge-7f3a.trace_01"


@pytest.mark.parametrize("incoming", ["has spaces", "a" * 65, "<script>", "semi;colon", ""])
async def test_an_unsafe_incoming_request_id_is_replaced(client: Client, incoming: str) -> None:
    response = await client.get("/api/v1/taxonomy", headers={"X-Request-ID": incoming})
    echoed = response.headers["x-request-id"]
    assert echoed != incoming and len(echoed) == 32


async def test_responses_no_route_matched_and_errors_carry_an_id_too(client: Client) -> None:
    unrouted = await client.get("/no/such/path", headers={"X-Request-ID": "probe-404"})
    assert unrouted.status_code == 404 and unrouted.headers["x-request-id"] == "probe-404"
    refused = await client.get("/api/v1/me", headers={"X-Request-ID": "probe-401"})
    assert refused.status_code == 401 and refused.headers["x-request-id"] == "probe-401"
    assert refused.headers.get_list("x-request-id") == ["probe-401"]


async def test_a_rate_limited_response_carries_an_id_and_is_counted(
    backend: Backend, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = dataclasses.replace(backend.settings, rate_limit_per_minute=1)
    app = observed_app(settings, RecordingWorkQueue(settings), monkeypatch)
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/api/v1/rate-grid")).status_code == 200
        limited = await client.get("/api/v1/rate-grid", headers={"X-Request-ID": "probe-429"})
        assert limited.status_code == 429
        assert limited.headers["x-request-id"] == "probe-429"
    # Scraped through an app of its own: /metrics of the limited app may be limited too.
    unlimited = observed_app(backend.settings, RecordingWorkQueue(backend.settings), monkeypatch)
    async with AsyncTestClient(app=unlimited) as client:
        text = (await client.get("/metrics")).text
    count = _value(
        text, "ctomatch_http_request_duration_seconds_count", route="/api/v1/rate-grid", status="429"
    )
    assert count is not None and count >= 1


async def test_one_access_line_per_request_and_the_id_on_every_line(
    backend: Backend,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = dataclasses.replace(backend.settings, log_json=True)
    app = observed_app(settings, RecordingWorkQueue(settings), monkeypatch)
    tap = _Tap()
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # SQL lines, logged inside the request
    try:
        async with AsyncTestClient(app=app) as client:
            response = await client.get(
                "/api/v1/market-check?years=3&tjm=530", headers={"X-Request-ID": "trace-access-1"}
            )
            assert response.status_code == 200
            await client.get("/no/such/path?token=abc", headers={"X-Request-ID": "trace-access-2"})
    finally:
        rendered = tap.close()
    lines = list(_json_lines(rendered))
    access = [line for line in lines if line.get("logger") == "ctomatch.access"]
    first = [line for line in access if line.get("request_id") == "trace-access-1"]
    assert len(first) == 1, access
    assert first[0]["route"] == "/api/v1/market-check"
    assert first[0]["method"] == "GET" and first[0]["status"] == 200
    assert isinstance(first[0]["duration_ms"], float)
    unrouted = [line for line in access if line.get("request_id") == "trace-access-2"]
    assert len(unrouted) == 1 and unrouted[0]["status"] == 404 and unrouted[0]["route"] == "<unmatched>"
    # Never the query string, nor headers.
    assert (
        "tjm=530" not in rendered and "token=abc" not in rendered and "x-request-id" not in rendered.lower()
    )
    sql_lines = [line for line in lines if str(line.get("logger", "")).startswith("sqlalchemy.engine")]
    assert sql_lines, "the request should have logged its SQL"
    assert {line.get("request_id") for line in sql_lines} == {"trace-access-1"}


# --- /metrics ------------------------------------------------------------------------------------


async def test_metrics_expose_request_durations_by_route_template(client: Client) -> None:
    freelancer = await register_freelancer(client)
    for _ in range(3):
        response = await client.get(f"/api/v1/freelancers/{freelancer.id}", headers=freelancer.headers)
        assert response.status_code == 200
    assert (await client.get("/api/v1/freelancers/99999999", headers=freelancer.headers)).status_code in {
        403,
        404,
    }
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    route = "/api/v1/freelancers/{profile_id:str}"
    count = _value(
        text, "ctomatch_http_request_duration_seconds_count", method="GET", route=route, status="200"
    )
    assert count is not None and count >= 3, text
    assert _value(text, "ctomatch_http_request_duration_seconds_bucket", route=route, le="+Inf") is not None
    assert _value(
        text, "ctomatch_http_request_duration_seconds_count", method="POST", route="/api/v1/freelancers"
    )
    labels = {sample[0]["route"] for sample in _samples(text, "ctomatch_http_request_duration_seconds_count")}
    assert (
        f"/api/v1/freelancers/{freelancer.id}" not in labels and "/api/v1/freelancers/99999999" not in labels
    )
    assert all("{" in label or not any(ch.isdigit() for ch in label.replace("v1", "")) for label in labels)


async def test_metrics_expose_review_queue_and_decisions(
    client: Client, database: Database, work_queue: RecordingWorkQueue
) -> None:
    work_queue.inline = True
    company = await register_company(client)
    for _ in range(2):
        await register_freelancer(client)
    await post_mission(client, company)
    async with database.session() as session:
        pending = await session.scalar(
            select(func.count())
            .select_from(Match)
            .where(Match.status == MatchStatus.PENDING, Match.excluded.is_(False))
        )
        match = await session.scalar(select(Match).limit(1))
        assert pending and match is not None, "the inline scoring should have stored matches"
        session.add_all(
            MatchDecision(match_id=match.id, from_status=MatchStatus.PENDING, to_status=status, reason="t")
            for status in (MatchStatus.SHORTLISTED, MatchStatus.SHORTLISTED, MatchStatus.REJECTED)
        )
        await session.commit()
    text = (await client.get("/metrics")).text
    assert _value(text, "ctomatch_review_queue_depth") == pending
    assert _value(text, "ctomatch_decisions_total", outcome="shortlisted") == 2
    assert _value(text, "ctomatch_decisions_total", outcome="rejected") == 1
    assert _value(text, "ctomatch_decisions_total", outcome="accepted") == 0
    assert _value(text, "ctomatch_metrics_source_up", source="database") == 1


async def test_metrics_expose_the_celery_queue_depth(client: Client, backend: Backend) -> None:
    from workers.celery_app import create_celery

    settings = backend.settings
    before = _value((await client.get("/metrics")).text, "ctomatch_queue_depth", queue=settings.celery_queue)
    assert before is not None
    celery = create_celery(settings)
    try:
        celery.send_task("ctomatch.never_consumed_in_tests", args=[1])
        after = _value(
            (await client.get("/metrics")).text, "ctomatch_queue_depth", queue=settings.celery_queue
        )
        assert after == before + 1
    finally:
        celery.control.purge()
        celery.close()


async def test_metrics_without_a_reachable_broker_still_answer(
    backend: Backend, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = dataclasses.replace(backend.settings, celery_broker_url="redis://127.0.0.1:1/0")
    app = observed_app(settings, RecordingWorkQueue(settings), monkeypatch)
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert _value(response.text, "ctomatch_metrics_source_up", source="broker") == 0
    assert _value(response.text, "ctomatch_queue_depth") is None
    assert _value(response.text, "ctomatch_review_queue_depth") is not None


async def test_task_durations_are_recorded_through_celery_signals(client: Client) -> None:
    from celery import Celery

    import workers.metrics  # noqa: F401 - connects the signal receivers, as the worker's `include` does

    await client.get("/health")  # the app has started: the metrics directory is chosen
    probe = Celery("probe")
    suffix = uuid.uuid4().hex[:8]

    @probe.task(name=f"ctomatch.probe_ok_{suffix}")
    def ok() -> int:
        return 1

    @probe.task(name=f"ctomatch.probe_boom_{suffix}")
    def boom() -> None:
        raise ValueError("boom")

    ok.apply()
    ok.apply()
    boom.apply()
    text = (await client.get("/metrics")).text
    name = "ctomatch_scoring_task_duration_seconds_count"
    assert _value(text, name, task=f"ctomatch.probe_ok_{suffix}", outcome="success") == 2
    assert _value(text, name, task=f"ctomatch.probe_boom_{suffix}", outcome="failure") == 1


async def test_a_worker_process_durations_reach_the_api_scrape(client: Client, backend: Backend) -> None:
    """Another process (as a worker is) writes to the shared directory; the API's scrape merges it."""
    await client.get("/health")
    directory = multiprocess_directory()
    assert directory is not None, "the test settings' data dir is writable: multiprocess mode expected"
    task = f"ctomatch.probe_worker_{uuid.uuid4().hex[:8]}"
    script = textwrap.dedent(
        f"""
        from celery import Celery
        import workers.metrics
        app = Celery("probe")

        @app.task(name={task!r})
        def probe():
            return None

        probe.apply()
        """
    )
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "CTOMATCH_DATA_DIR": str(backend.settings.data_dir),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, cwd=REPO, env=env, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    text = (await client.get("/metrics")).text
    assert _value(text, "ctomatch_scoring_task_duration_seconds_count", task=task, outcome="success") == 1


def _metrics_in_subprocess(tmp_path: Path, multiproc_dir: str | None) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from service.settings import Settings
        from service.observability.metrics import api_metrics, render
        from service.observability.multiprocess import multiprocess_directory
        settings = Settings(data_dir=Path({str(tmp_path)!r}))
        api_metrics(settings).http_duration.labels("GET", "/probe", "200").observe(0.01)
        print("DIR", multiprocess_directory())
        print(render().decode())
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    if multiproc_dir is not None:
        env["PROMETHEUS_MULTIPROC_DIR"] = multiproc_dir
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_metrics_directory_defaults_to_the_data_dir(tmp_path: Path) -> None:
    result = _metrics_in_subprocess(tmp_path, None)
    assert result.returncode == 0, result.stderr
    assert f"DIR {tmp_path / 'prometheus'}" in result.stdout
    assert list((tmp_path / "prometheus").glob("histogram_*.db"))
    assert 'route="/probe"' in result.stdout


def test_an_unusable_metrics_directory_falls_back_to_this_process(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = _metrics_in_subprocess(tmp_path, str(blocker / "prometheus"))
    assert result.returncode == 0, result.stderr
    assert "DIR None" in result.stdout
    assert 'ctomatch_http_request_duration_seconds_count{method="GET",route="/probe",status="200"} 1.0' in (
        result.stdout
    )
    assert "not usable" in result.stderr + result.stdout


# --- secrets never logged ------------------------------------------------------------------------


@pytest.mark.parametrize("log_json", [False, True], ids=["console", "json"])
async def test_no_secret_in_any_log_line(
    backend: Backend,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    log_json: bool,
) -> None:
    settings = dataclasses.replace(backend.settings, log_json=log_json)
    app = observed_app(settings, RecordingWorkQueue(settings), monkeypatch)
    # create_app() -> configure_logging() replaced the root handlers: put pytest's capture back.
    logging.getLogger().addHandler(caplog.handler)
    tap = _Tap()
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # statements *and their parameters*
    log = logging.getLogger("ctomatch.test")
    try:
        async with AsyncTestClient(app=app) as client:
            registered = await client.post("/api/v1/freelancers", json=freelancer_payload())
            assert registered.status_code == 201
            key = registered.json()["api_key"]
            profile_id = registered.json()["profile"]["id"]
            headers = {"X-API-Key": key}
            assert (await client.get(f"/api/v1/freelancers/{profile_id}", headers=headers)).status_code == 200
            assert (await client.get("/api/v1/me", headers={"X-API-Key": key + "x"})).status_code == 401
            assert (await client.get("/api/v1/me")).status_code == 401
            bad = await client.patch(
                f"/api/v1/freelancers/{profile_id}", json={"tjm": "lots"}, headers=headers
            )
            assert bad.status_code == 422
            assert (await client.get("/api/v1/missions/99999999", headers=headers)).status_code == 404
            assert (await client.get("/no/such/path", headers=headers)).status_code == 404
            log.info("key=%s", key)
            log.warning("headers %s", {"X-API-Key": key, "Authorization": f"Bearer {key}"})
            structlog.get_logger("ctomatch.test").info("structured", api_key=key, note=f"sent {key}")
            try:
                raise RuntimeError(f"refused key {key}")
            except RuntimeError:
                log.exception("failure while handling %s", key)
    finally:
        rendered = tap.close()
        logging.getLogger().removeHandler(caplog.handler)
    captured = capfd.readouterr()
    records = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    everything = "\n".join([caplog.text, records, rendered, captured.out, captured.err])
    key_hash = hash_api_key(key, settings.secret_key)
    assert key not in everything
    assert key_hash not in everything
    assert key[4:24] not in everything  # not even a fragment of the random part
    # The logging did happen, masked: the explicit calls, the SQL with its parameters, the access lines.
    assert f"key=ctf_{REDACTED}" in caplog.messages
    assert f"key=ctf_{REDACTED}" in rendered
    assert "refused key ctf_" + REDACTED in rendered
    assert "INSERT INTO accounts" in everything
    assert "ctomatch.access" in rendered


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("key ctf_" + "A" * 43, "key ctf_" + REDACTED),
        ("cto_abcdefghij-klmnopqrst_uvw and ctc_" + "z9" * 15, f"cto_{REDACTED} and ctc_{REDACTED}"),
        ("demo key demo-op-claire-vasseur-c13da58a.", f"demo key demo-op-{REDACTED}."),
        ("hash " + "ab12" * 16, "hash " + REDACTED),
        ("redis://:s3cret@redis:6379/0", f"redis://:{REDACTED}@redis:6379/0"),
        ("postgresql+asyncpg://app:pw@db/x", f"postgresql+asyncpg://app:{REDACTED}@db/x"),
        ("cto_missions: technology_strategy", "cto_missions: technology_strategy"),
        ("a uuid 0f8fad5bd9cb469fa16570867728950e stays", "a uuid 0f8fad5bd9cb469fa16570867728950e stays"),
    ],
)
def test_redaction_patterns(raw: str, masked: str) -> None:
    assert redact_text(raw) == masked


def test_secret_fields_are_masked_whatever_their_value() -> None:
    event = {"x-api-key": "anything", "Authorization": "Bearer x", "password": 1, "nested": {"token": "t"}}
    assert redact_value(event) == {
        "x-api-key": REDACTED,
        "Authorization": REDACTED,
        "password": REDACTED,
        "nested": {"token": REDACTED},
    }
