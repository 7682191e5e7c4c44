"""Transactional outbox: a notification row is written in the same transaction as the decision.

A worker delivers pending rows and marks them sent; see service/notifications/delivery.py for why
that neither loses nor duplicates a message. A failing row waits until `next_attempt_at` (backoff),
and after the last allowed attempt it is `failed` with its reason in `last_error`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, DateTimeUTC, str_enum, utcnow
from models.enums import NotificationState


class Notification(Base):
    __tablename__ = "notifications"
    # The delivery loop asks for pending/sending rows that are due: state first, then the due time.
    __table_args__ = (
        Index("ix_notifications_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_notifications_recipient_read_at", "recipient_account_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id", ondelete="SET NULL"), nullable=True)
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("match_decisions.id", ondelete="SET NULL"), nullable=True
    )
    recipient_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    recipient_email: Mapped[str] = mapped_column(String(254), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[NotificationState] = mapped_column(
        str_enum(NotificationState, "notification_state", 12),
        default=NotificationState.PENDING,
        nullable=False,
    )
    channel: Mapped[str | None] = mapped_column(String(16), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: Not before this time (backoff after a failed attempt); NULL: due now.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(), default=utcnow, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
    #: When the recipient read it in the web app's notification centre (NULL: unread).
    read_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(), nullable=True)
    #: The web page that acts on it (a path, e.g. `/proposals/12`); e-mails carry it as a full link.
    link: Mapped[str | None] = mapped_column(String(300), nullable=True)
