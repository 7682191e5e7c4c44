"""SMTP delivery against a real SMTP server process: no header injection, bounded retries with
backoff, failed rows keep their reason, and one bad row never blocks the others.

The sink (tests/smtp_sink.py, aiosmtpd) runs as a subprocess on a free 127.0.0.1 port; it refuses
with 550 recipients containing "refuse" and with 451 those containing "defer". Time is moved by
passing `now` to deliver_pending, never by sleeping. Mandatory when CI=true.
"""

from __future__ import annotations

import dataclasses
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select as sql_select

from models import Company, FreelancerProfile, Match, Mission, Notification
from models.enums import NotificationState
from service.db import Database
from service.notifications.delivery import HEADERS, deliver_pending, smtp_sender
from service.settings import Settings
from tests.conftest import Backend, unavailable
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

pytestmark = pytest.mark.integration

SINK = Path(__file__).resolve().parents[1] / "smtp_sink.py"
INJECTION = "\r\nBcc: victim@example.com"
MAX_ATTEMPTS = 3
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
LINEFEED_ERROR = "Header values may not contain linefeed or carriage return characters"


@dataclasses.dataclass(frozen=True)
class Sink:
    port: int
    out_dir: Path

    def messages(self) -> list[tuple[EmailMessage, list[str]]]:
        """Each accepted message, parsed as a mail client would, with its envelope recipients."""
        received = []
        for path in sorted(self.out_dir.glob("*.eml")):
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            assert isinstance(message, EmailMessage)
            received.append((message, path.with_suffix(".rcpt").read_text().splitlines()))
        return received


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[Sink]:
    try:
        import aiosmtpd  # noqa: F401 - the sink needs it
    except ImportError as exc:
        unavailable("aiosmtpd (SMTP sink)", exc)
    out_dir = tmp_path / "mail"
    out_dir.mkdir()
    process = subprocess.Popen(
        [sys.executable, str(SINK), str(out_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        line = ""
        while not line and time.monotonic() < deadline and process.poll() is None:
            ready, _, _ = select.select([process.stdout], [], [], 0.2)
            if ready and process.stdout is not None:
                line = process.stdout.readline()
        if not line.startswith("listening "):
            error = RuntimeError(f"sink did not start: {line!r} (exit {process.poll()})")
            unavailable("SMTP sink process", error)
        yield Sink(int(line.split()[1]), out_dir)
    finally:
        process.kill()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _smtp_settings(backend: Backend, sink: Sink) -> Settings:
    return dataclasses.replace(
        backend.settings,
        smtp_url=f"smtp://127.0.0.1:{sink.port}",
        notify_max_attempts=MAX_ATTEMPTS,
        notify_retry_base_seconds=60,
        notify_retry_max_seconds=3600,
    )


async def _add(database: Database, account_id: int, recipient: str, subject: str) -> int:
    async with database.session() as session:
        row = Notification(
            recipient_account_id=account_id,
            recipient_email=recipient,
            kind="test",
            subject=subject,
            body=f"Body for {recipient}\nsecond line",
        )
        session.add(row)
        await session.commit()
        return row.id


async def _rows(database: Database) -> dict[int, Notification]:
    async with database.session() as session:
        rows = (await session.scalars(sql_select(Notification).order_by(Notification.id))).all()
        return {row.id: row for row in rows}


async def _decide(
    client: AsyncTestClient[Any], caller: Caller, match_id: int, action: str, version: int
) -> None:
    response = await client.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": action, "reason": ""},
        headers={**caller.headers, "If-Match": f'"{version}"'},
    )
    assert response.status_code == 200, response.text


async def _outbox_rows_with_poisoned_names(
    client: AsyncTestClient[Any], database: Database, operator: Caller, work_queue: RecordingWorkQueue
) -> None:
    """Four notifications composed by the real outbox, from a title and names holding CR/LF."""
    work_queue.inline = True
    freelancer = await register_freelancer(client)
    company = await register_company(client)
    mission_id = (await post_mission(client, company))["id"]
    async with database.session() as session:
        # Data written before any input validation, or by another path: the mail must still be safe.
        mission = await session.get(Mission, mission_id)
        profile = await session.get(FreelancerProfile, freelancer.id)
        owner = await session.get(Company, company.id)
        assert mission is not None and profile is not None and owner is not None
        mission.title = f"Interim CTO{INJECTION}"
        profile.full_name = f"Claire Martin{INJECTION}\nTo: other@example.com"
        owner.name = "Atelier\u2028Bcc: victim@example.com\x0b\x1b"
        match_id = await session.scalar(
            sql_select(Match.id).where(Match.mission_id == mission_id, Match.freelancer_id == freelancer.id)
        )
        await session.commit()
    assert match_id is not None
    await _decide(client, operator, match_id, "approve", 1)
    await _decide(client, operator, match_id, "propose", 2)
    await _decide(client, freelancer, match_id, "express_interest", 3)
    await _decide(client, company, match_id, "accept", 4)


async def test_smtp_delivery_is_safe_bounded_and_never_blocked(
    client: AsyncTestClient[Any],
    database: Database,
    backend: Backend,
    operator: Caller,
    work_queue: RecordingWorkQueue,
    sink: Sink,
) -> None:
    settings = _smtp_settings(backend, sink)
    # The poisoned rows come first, so anything they block would show.
    refused = await _add(database, operator.id, "refuse.me@example.test", "Refused")
    invalid = await _add(database, operator.id, "victim@example.com\r\nBcc: other@example.com", "Invalid")
    deferred = await _add(database, operator.id, "defer.me@example.test", "Deferred")
    legacy = await _add(database, operator.id, "legacy@example.test", f"Old row{INJECTION}")
    await _outbox_rows_with_poisoned_names(client, database, operator, work_queue)
    late = await _add(database, operator.id, "late@example.test", "Created after the poisoned rows")
    rows = await _rows(database)
    outbox = [row for row in rows.values() if row.kind != "test"]
    assert len(outbox) == 4
    assert all(r.subject.isprintable() for r in outbox)
    good = [rows[legacy].recipient_email, rows[late].recipient_email, *(r.recipient_email for r in outbox)]

    async with database.session() as session:
        first = await deliver_pending(session, settings, now=T0)
    assert (first.delivered, first.failed, first.gave_up) == (6, 3, 2)
    received = sink.messages()
    assert len(received) == 6  # every good row, the late one included, in the first pass
    for message, envelope in received:
        assert sorted(message.keys()) == sorted(HEADERS)
        assert "Bcc" not in message and len(message.get_all("To") or []) == 1
        assert envelope == [message["To"].addresses[0].addr_spec]
        assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
    assert sorted(envelope[0] for _, envelope in received) == sorted(good)
    assert "victim@example.com" not in {address for _, envelope in received for address in envelope}
    injected = [str(m["Subject"]) for m, _ in received if "Bcc: victim" in str(m["Subject"])]
    assert injected, "the poisoned text stays visible inside the subject, as text"

    rows = await _rows(database)
    assert rows[refused].state is NotificationState.FAILED and rows[refused].attempts == 1
    assert "550" in (rows[refused].last_error or "") and "refused" in (rows[refused].last_error or "")
    assert rows[invalid].state is NotificationState.FAILED and rows[invalid].attempts == 1
    assert "invalid recipient address" in (rows[invalid].last_error or "")
    assert rows[deferred].state is NotificationState.PENDING and rows[deferred].attempts == 1
    assert "451" in (rows[deferred].last_error or "")
    assert rows[deferred].next_attempt_at == T0 + timedelta(seconds=60)

    # Not due yet: nothing is tried.
    async with database.session() as session:
        early = await deliver_pending(session, settings, now=T0 + timedelta(seconds=59))
    assert (early.delivered, early.failed) == (0, 0)

    delays = []
    moment = T0
    for _ in range(MAX_ATTEMPTS + 2):
        row = (await _rows(database))[deferred]
        if row.state is NotificationState.FAILED:
            break
        assert row.next_attempt_at is not None
        delays.append((row.next_attempt_at - moment).total_seconds())
        moment = row.next_attempt_at
        async with database.session() as session:
            await deliver_pending(session, settings, now=moment)
    assert delays == [60, 120]
    row = (await _rows(database))[deferred]
    assert row.state is NotificationState.FAILED and row.attempts == MAX_ATTEMPTS
    assert "451" in (row.last_error or "") and row.next_attempt_at is None

    # Failed rows are never picked again, and nothing was received twice.
    async with database.session() as session:
        later = await deliver_pending(session, settings, now=T0 + timedelta(days=2))
    assert (later.delivered, later.failed, later.gave_up) == (0, 0, 0)
    assert len(sink.messages()) == 6
    final = await _rows(database)
    assert all(r.attempts <= MAX_ATTEMPTS for r in final.values())
    assert {r.state for r in final.values()} == {NotificationState.SENT, NotificationState.FAILED}


async def test_a_row_that_always_breaks_is_capped_and_never_blocks_the_others(
    database: Database, backend: Backend, operator: Caller, sink: Sink
) -> None:
    settings = dataclasses.replace(_smtp_settings(backend, sink), notify_retry_base_seconds=0)
    broken = await _add(database, operator.id, "broken@example.test", "Breaks every time")
    others = [await _add(database, operator.id, f"ok.{n}@example.test", f"Fine {n}") for n in range(3)]
    real = smtp_sender(settings.smtp_url)

    def send(message: EmailMessage) -> None:
        if message["To"].addresses[0].addr_spec == "broken@example.test":
            raise ValueError(LINEFEED_ERROR)
        real(message)

    async with database.session() as session:
        first = await deliver_pending(session, settings, sender=send, now=T0)
    assert first.delivered == 3 and len(sink.messages()) == 3
    passes = 0
    while (await _rows(database))[broken].state is not NotificationState.FAILED and passes < 10:
        passes += 1
        async with database.session() as session:
            await deliver_pending(session, settings, sender=send, now=T0 + timedelta(seconds=passes))
    row = (await _rows(database))[broken]
    assert row.state is NotificationState.FAILED and row.attempts == MAX_ATTEMPTS
    assert row.last_error == f"ValueError: {LINEFEED_ERROR}"
    final = await _rows(database)
    assert all(final[i].state is NotificationState.SENT for i in others)


async def test_rows_stuck_in_sending_are_retried_until_the_cap(
    database: Database, backend: Backend, operator: Caller, sink: Sink
) -> None:
    settings = _smtp_settings(backend, sink)
    exhausted = await _add(database, operator.id, "exhausted@example.test", "Interrupted three times")
    resumed = await _add(database, operator.id, "resumed@example.test", "Interrupted once")
    async with database.session() as session:
        for row_id, attempts in ((exhausted, MAX_ATTEMPTS), (resumed, 1)):
            row = await session.get(Notification, row_id)
            assert row is not None
            row.state, row.attempts, row.channel = NotificationState.SENDING, attempts, "smtp"
        await session.commit()
    async with database.session() as session:
        report = await deliver_pending(session, settings, now=T0)
    assert (report.delivered, report.gave_up) == (1, 1)
    rows = await _rows(database)
    assert rows[exhausted].state is NotificationState.FAILED and rows[exhausted].attempts == MAX_ATTEMPTS
    assert "interrupted while sending" in (rows[exhausted].last_error or "")
    assert rows[resumed].state is NotificationState.SENT and rows[resumed].attempts == 2
    assert [envelope for _, envelope in sink.messages()] == [["resumed@example.test"]]
