"""Deliver outbox notifications and mark them sent.

Default channel "store": the notification row *is* the stored message; delivering it is logging it
and marking it sent in one transaction, so a crash at any point leaves it either pending (delivered
again, once) or sent — never lost, never delivered twice.

Channel "smtp" (SMTP_URL set): the row is claimed (`sending`, attempts + 1) and committed, the mail is
sent with a stable Message-ID (`<notification-ID@ctomatch>`), then the row is marked sent. A crash
between sending and marking re-sends the same Message-ID, which mail servers and clients treat as the
same message; nothing is lost.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Notification
from models.enums import NotificationState
from service.settings import Settings

logger = logging.getLogger("ctomatch.notifications")

Sender = Callable[[EmailMessage], None]
MAX_ATTEMPTS = 5
AfterSend = Callable[[Notification], None]


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    failed: int


def message_id(notification: Notification) -> str:
    return f"<notification-{notification.id}@ctomatch>"


def build_email(notification: Notification, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notification.recipient_email
    message["Subject"] = notification.subject
    message["Message-ID"] = message_id(notification)
    message.set_content(notification.body)
    return message


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
            client.send_message(message)

    return send


async def deliver_pending(
    session: AsyncSession,
    settings: Settings,
    *,
    limit: int = 100,
    sender: Sender | None = None,
    after_send: AfterSend | None = None,
) -> DeliveryReport:
    """Deliver up to `limit` pending notifications; `after_send` is a test hook (crash simulation)."""
    query = (
        select(Notification)
        .where(Notification.state.in_([NotificationState.PENDING, NotificationState.SENDING]))
        .order_by(Notification.id)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list((await session.scalars(query)).all())
    send = sender or (smtp_sender(settings.smtp_url) if settings.smtp_url else None)
    delivered = failed = 0
    for notification in rows:
        if send is None:
            notification.attempts += 1
            logger.info(
                "notification %s delivered (stored): %s to account %s: %s",
                notification.id,
                notification.kind,
                notification.recipient_account_id,
                notification.subject,
            )
            if after_send is not None:
                after_send(notification)
            _mark_sent(notification, "store")
            await session.commit()
            delivered += 1
            continue
        notification.state = NotificationState.SENDING
        notification.attempts += 1
        notification.channel = "smtp"
        await session.commit()
        try:
            email = build_email(notification, settings.notify_from)
            await anyio.to_thread.run_sync(send, email)
        except (OSError, smtplib.SMTPException) as exc:
            gave_up = notification.attempts >= MAX_ATTEMPTS
            notification.state = NotificationState.FAILED if gave_up else NotificationState.PENDING
            notification.last_error = f"{type(exc).__name__}: {exc}"[:500]
            await session.commit()
            failed += 1
            continue
        if after_send is not None:
            after_send(notification)
        _mark_sent(notification, "smtp")
        await session.commit()
        delivered += 1
    return DeliveryReport(delivered, failed)


def _mark_sent(notification: Notification, channel: str) -> None:
    notification.state = NotificationState.SENT
    notification.channel = channel
    notification.sent_at = datetime.now(UTC)
