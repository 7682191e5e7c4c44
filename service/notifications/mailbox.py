"""The development mailbox: what the outbox "sent", readable in the browser when no mail server is set.

Only outside production and without SMTP_URL: then the notification rows are the only copy of the
messages, and a person trying the product follows its verification and reset links from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Notification
from service.errors import NotFound
from service.i18n import _
from service.settings import Settings

MAILBOX_SIZE = 100


def mailbox_enabled(settings: Settings) -> bool:
    return not settings.smtp_url and settings.environment != "production"


async def mailbox_messages(session: AsyncSession, *, limit: int = MAILBOX_SIZE) -> Sequence[Notification]:
    """The newest messages first."""
    rows = await session.scalars(
        select(Notification).order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    )
    return rows.all()


async def mailbox_message(session: AsyncSession, notification_id: int) -> Notification:
    row = await session.get(Notification, notification_id)
    if row is None:
        raise NotFound(_("no message %(id)s", id=notification_id))
    return row
