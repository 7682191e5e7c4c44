"""The notification centre: an account reads its own notifications and marks them read.

Every query is bound to the reading account, so another account's row answers as a missing one.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Notification
from models.base import utcnow
from service.errors import NotFound
from service.i18n import _

#: Most notifications shown on one page of the centre.
PAGE_SIZE = 50


async def notifications_of(
    session: AsyncSession, account_id: int, *, limit: int = PAGE_SIZE, offset: int = 0
) -> tuple[Sequence[Notification], int]:
    """The account's notifications, newest first, and how many there are in all."""
    rows = await session.scalars(
        select(Notification)
        .where(Notification.recipient_account_id == account_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
        .offset(offset)
    )
    total = await session.scalar(
        select(func.count(Notification.id)).where(Notification.recipient_account_id == account_id)
    )
    return rows.all(), int(total or 0)


async def mark_read(session: AsyncSession, account_id: int, notification_id: int) -> Notification:
    row = await session.get(Notification, notification_id)
    if row is None or row.recipient_account_id != account_id:
        raise NotFound(_("no notification %(id)s", id=notification_id))
    if row.read_at is None:
        row.read_at = utcnow()
        await session.commit()
    return row


async def mark_all_read(session: AsyncSession, account_id: int) -> int:
    """Marks every unread notification of the account read; returns how many were."""
    result = await session.execute(
        update(Notification)
        .where(Notification.recipient_account_id == account_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
