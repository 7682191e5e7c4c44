"""Deliver outbox notifications and mark them sent; a failing row is retried with backoff, then failed.

Default channel "store": the notification row *is* the stored message; delivering it is logging it
and marking it sent in one transaction, so a crash at any point leaves it either pending (delivered
again, once) or sent — never lost, never delivered twice.

Channel "smtp" (SMTP_URL set): the row is claimed (`sending`, attempts + 1) and committed, the mail is
sent with a stable Message-ID (`<notification-ID@ctomatch>`), then the row is marked sent. A crash
between sending and marking re-sends the same Message-ID, which mail servers and clients treat as the
same message; nothing is lost.

Every row is handled in its own transactions and every claim and mark is a guarded UPDATE (same
state and attempts as read), so one bad row never blocks the rows after it and two runners never
both claim one row. A failed attempt (any exception: refusal, connection error, a message that
cannot be built) stores a one-line reason in `last_error` and waits `next_attempt_at` (exponential
backoff); after `NOTIFY_MAX_ATTEMPTS` attempts, or at once for a permanent error (an invalid
recipient, a 5xx refusal of the recipient or the message), the row is `failed` and never picked again.
A row left `sending` by a crash counts its attempt and is retried until the cap like any other.

Headers never carry raw user data: the subject goes through `one_line`, the recipient must be one
valid address, and the built message must parse back to exactly the expected headers.
"""

from __future__ import annotations

import logging
import smtplib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import errors, policy
from email.header import Header
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, parseaddr
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import anyio
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Notification
from models.enums import NotificationState
from service.logging_config import redact_text
from service.notifications.outbox import SUBJECT_MAX, one_line
from service.settings import Settings

logger = logging.getLogger("ctomatch.notifications")

Sender = Callable[[EmailMessage], None]
AfterSend = Callable[[Notification], None]

#: Longest reason stored in `last_error`.
ERROR_MAX = 300
#: The headers of every notification mail, each exactly once.
HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Auto-Submitted",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
)
_ACTIVE = (NotificationState.PENDING, NotificationState.SENDING)
#: What became of one picked row ("skipped": another runner moved it first).
_Outcome = Literal["sent", "retry", "failed", "given_up", "skipped"]


class _EncodedSubject(UnstructuredHeader, BaseHeader):
    """Subject folded by `email.header.Header`: the policy's own folder (Python 3.11) sometimes
    splits an encoded word in two at a fold, so a long accented subject came back altered."""

    def fold(self, *, policy: policy.Policy) -> str:
        width = policy.max_line_length or 78
        text = Header(str(self), "utf-8", maxlinelen=width, header_name=self.name)
        return f"{self.name}: {text.encode(linesep=policy.linesep)}{policy.linesep}"


def _mail_policy() -> policy.EmailPolicy[EmailMessage]:
    registry = HeaderRegistry()
    registry.map_to_type("subject", _EncodedSubject)
    return policy.SMTP.clone(header_factory=registry)


#: The SMTP policy (CRLF, 78-column folding, header checks) with the safe Subject folder.
MAIL_POLICY = _mail_policy()


class PermanentFailure(Exception):
    """This row can never be delivered as it is: failed at once, without using up retries."""


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    failed: int  # attempts that failed in this pass
    gave_up: int = 0  # of those, rows now `failed` for good


def message_id(notification: Notification) -> str:
    return f"<notification-{notification.id}@ctomatch>"


def _address_problem(value: str) -> str | None:
    """Why `value` is not one plain ASCII address (None when it is)."""
    if not value or len(value) > 254:
        return "empty or longer than 254 characters"
    if not value.isascii() or any(not char.isprintable() or char.isspace() for char in value):
        return "contains spaces, control or non-ASCII characters"
    if "=?" in value:
        return "contains an encoded-word marker"
    name, addr = parseaddr(value)
    if name or addr != value:
        return "is not a single bare address"
    try:
        parsed = Address(addr_spec=addr)
    except (ValueError, IndexError, errors.HeaderParseError) as exc:
        return f"does not parse ({type(exc).__name__})"
    if not parsed.username or "." not in parsed.domain or parsed.addr_spec != value:
        return "is not local@domain"
    return None


def recipient_address(value: str) -> Address:
    """The recipient as one valid address, or a permanent failure naming the problem."""
    problem = _address_problem(value)
    if problem is not None:
        raise PermanentFailure(f"invalid recipient address {one_line(value, 80)!r}: {problem}")
    return Address(addr_spec=value)


def sender_address(value: str) -> Address:
    """NOTIFY_FROM (`Name <addr>` or `addr`) as one address; a bad setting fails every attempt."""
    name, addr = parseaddr(value)
    problem = _address_problem(addr)
    if problem is not None:
        raise ValueError(f"NOTIFY_FROM is not a valid address: {problem}")
    return Address(display_name=one_line(name, 80), addr_spec=addr)


def _body_text(body: str) -> str:
    """The body keeps its lines; other control characters (and lone surrogates) are dropped."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs"))


def body_with_link(notification: Notification, site_url: str) -> str:
    """The body, ending with the full address of the page that acts on it (a mail client cannot
    follow a path); bodies that already carry it are left as they are."""
    if not notification.link or not site_url:
        return notification.body
    address = site_url.rstrip("/") + notification.link
    return notification.body if address in notification.body else f"{notification.body}\n\n{address}"


def build_email(
    notification: Notification, sender: str, *, now: datetime | None = None, site_url: str = ""
) -> EmailMessage:
    """The mail of a notification; raises PermanentFailure when its data cannot make a safe message."""
    to = recipient_address(notification.recipient_email)
    source = sender_address(sender)
    subject = one_line(notification.subject, SUBJECT_MAX)
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = source
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = message_id(notification)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_body_text(body_with_link(notification, site_url)))
    _check_round_trip(message, to, source, subject)
    return message


def _check_round_trip(message: EmailMessage, to: Address, source: Address, subject: str) -> None:
    """Defence in depth: what a mail server parses must be exactly the headers that were set."""
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    same = (
        sorted(parsed.keys()) == sorted(HEADERS)
        and [a.addr_spec for a in parsed["To"].addresses] == [to.addr_spec]
        and [a.addr_spec for a in parsed["From"].addresses] == [source.addr_spec]
        and str(parsed["Subject"]) == subject
    )
    if not same:
        raise PermanentFailure("the message headers do not parse back as built (refused as unsafe)")


def smtp_sender(smtp_url: str) -> Sender:
    """smtp://user:password@host:port or smtps://…; STARTTLS when the server offers it."""
    parts = urlsplit(smtp_url)

    def send(message: EmailMessage) -> None:
        smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        with smtp_class(parts.hostname or "localhost", parts.port or 25, timeout=20) as client:
            if parts.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls()
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            # The envelope comes from the checked To header, never from other headers.
            client.send_message(message, to_addrs=[a.addr_spec for a in message["To"].addresses])

    return send


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def classify(exc: Exception) -> tuple[bool, str]:
    """(permanent?, reason) of a failed attempt; login and sender refusals are settings, so retried."""
    if isinstance(exc, PermanentFailure):
        return True, str(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        code, text = answers[0] if answers else (0, b"")
        permanent = bool(answers) and all(500 <= c < 600 for c, _ in answers)
        return permanent, f"recipient refused by the mail server: {code} {_text(text)}"
    if isinstance(exc, smtplib.SMTPAuthenticationError | smtplib.SMTPSenderRefused):
        return False, f"mail server refused the login or sender: {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600, f"mail server answered {exc.smtp_code} {_text(exc.smtp_error)}"
    return False, f"{type(exc).__name__}: {exc}"


def error_line(reason: str) -> str:
    """What is stored in `last_error`: one line, secrets masked, bounded."""
    return one_line(redact_text(reason), ERROR_MAX)


def retry_delay(settings: Settings, attempts: int) -> timedelta:
    """base × 2^(attempts − 1), capped by NOTIFY_RETRY_MAX_SECONDS."""
    seconds = settings.notify_retry_base_seconds * 2 ** min(max(attempts - 1, 0), 32)
    return timedelta(seconds=min(seconds, settings.notify_retry_max_seconds))


async def _next_due(session: AsyncSession, now: datetime, after_id: int) -> Notification | None:
    query = (
        select(Notification)
        .where(
            Notification.state.in_(_ACTIVE),
            or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
            Notification.id > after_id,
        )
        .order_by(Notification.id)
        .limit(1)
        .execution_options(populate_existing=True)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return (await session.scalars(query)).first()


async def _update(
    session: AsyncSession, row_id: int, seen: tuple[NotificationState, int], values: dict[str, Any]
) -> bool:
    """Set `values` if the row still has the (state, attempts) `seen`: False when another runner moved it."""
    state, attempts = seen
    result = await session.execute(
        update(Notification)
        .where(Notification.id == row_id, Notification.state == state, Notification.attempts == attempts)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def deliver_pending(
    session: AsyncSession,
    settings: Settings,
    *,
    limit: int = 100,
    sender: Sender | None = None,
    after_send: AfterSend | None = None,
    now: datetime | None = None,
) -> DeliveryReport:
    """Deliver up to `limit` due notifications, each on its own, in id order.

    `now` is the clock (tests move it instead of sleeping); `after_send` is a test hook that runs
    after a message left and before it is marked (crash simulation: an exception it raises escapes).
    """
    current = now or datetime.now(UTC)
    send = sender or (smtp_sender(settings.smtp_url) if settings.smtp_url else None)
    outcomes: list[_Outcome] = []
    last_id = 0
    for _ in range(limit):
        row = await _next_due(session, current, last_id)
        if row is None:
            break
        last_id = row.id
        if row.attempts >= settings.notify_max_attempts:
            outcome = await _give_up(session, row)
        elif send is None:
            outcome = await _store(session, row, current, after_send)
        else:
            outcome = await _mail(session, settings, row, current, send, after_send)
        outcomes.append(outcome)
    return DeliveryReport(
        delivered=outcomes.count("sent"),
        failed=outcomes.count("retry") + outcomes.count("failed"),
        gave_up=outcomes.count("failed") + outcomes.count("given_up"),
    )


async def _give_up(session: AsyncSession, row: Notification) -> _Outcome:
    """A row whose attempts reached the cap (e.g. every one interrupted while sending) fails for good."""
    how = " (the last one was interrupted while sending)" if row.state == NotificationState.SENDING else ""
    reason = error_line(f"gave up after {row.attempts} attempts{how}; last error: {row.last_error}")
    done = await _update(
        session,
        row.id,
        (row.state, row.attempts),
        {"state": NotificationState.FAILED, "last_error": reason, "next_attempt_at": None},
    )
    await session.commit()
    if not done:
        return "skipped"
    logger.warning("notification %s failed for good: %s", row.id, reason)
    return "given_up"


async def _store(
    session: AsyncSession, row: Notification, now: datetime, after_send: AfterSend | None
) -> _Outcome:
    """Store channel: log and mark sent in one transaction."""
    sent = {
        "state": NotificationState.SENT,
        "attempts": row.attempts + 1,
        "channel": "store",
        "sent_at": now,
        "next_attempt_at": None,
    }
    if not await _update(session, row.id, (row.state, row.attempts), sent):
        await session.rollback()
        return "skipped"
    logger.info(
        "notification %s delivered (stored): %s to account %s: %s",
        row.id,
        row.kind,
        row.recipient_account_id,
        one_line(row.subject, SUBJECT_MAX),
    )
    if after_send is not None:
        after_send(row)
    await session.commit()
    return "sent"


async def _mail(
    session: AsyncSession,
    settings: Settings,
    row: Notification,
    now: datetime,
    send: Sender,
    after_send: AfterSend | None,
) -> _Outcome:
    """SMTP channel: claim (committed), send, mark; a failure is recorded and the loop goes on."""
    attempts = row.attempts + 1
    claim: dict[str, Any] = {"state": NotificationState.SENDING, "attempts": attempts, "channel": "smtp"}
    if row.state == NotificationState.SENDING:
        claim["last_error"] = f"attempt {row.attempts} was interrupted while sending"
    claimed = await _update(session, row.id, (row.state, row.attempts), claim)
    await session.commit()
    if not claimed:
        return "skipped"
    mine = (NotificationState.SENDING, attempts)
    try:
        email = build_email(row, settings.notify_from, now=now, site_url=settings.site_url)
        await anyio.to_thread.run_sync(send, email)
    except Exception as exc:
        permanent, why = classify(exc)
        final = permanent or attempts >= settings.notify_max_attempts
        reason = error_line(why)
        await _update(
            session,
            row.id,
            mine,
            {
                "state": NotificationState.FAILED if final else NotificationState.PENDING,
                "last_error": reason,
                "next_attempt_at": None if final else now + retry_delay(settings, attempts),
            },
        )
        await session.commit()
        logger.warning(
            "notification %s attempt %s failed%s: %s",
            row.id,
            attempts,
            " for good" if final else ", will retry",
            reason,
        )
        return "failed" if final else "retry"
    if after_send is not None:
        after_send(row)
    await _update(
        session,
        row.id,
        mine,
        {"state": NotificationState.SENT, "sent_at": now, "next_attempt_at": None},
    )
    await session.commit()
    return "sent"
