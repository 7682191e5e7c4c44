"""The rate grid's history: append a revision with each change of a band, read the revisions back.

A revision is written in the transaction of the change it records and never changed afterwards (see
models.grid_revision); this module has no update or delete of one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, GridRevision, RateBand
from models.base import utcnow
from models.grid_revision import band_figures
from service.pagination import PageParams
from service.reference.schemas import BandFiguresOut, GridRevisionOut


def append_revision(
    session: AsyncSession,
    band: RateBand,
    before: dict[str, Any] | None,
    actor_account_id: int | None,
    reason: str | None = None,
    at: datetime | None = None,
) -> GridRevision:
    """Add the band's revision to the session (the caller commits it with the change)."""
    revision = GridRevision(
        band_id=band.id,
        actor_account_id=actor_account_id,
        created_at=at or utcnow(),
        before=before,
        after=band_figures(band),
        reason=reason or None,
    )
    session.add(revision)
    return revision


async def record_initial_revisions(session: AsyncSession) -> int:
    """One initial revision (no actor, nothing before) for each band that has none yet; how many."""
    has_revision = select(GridRevision.id).where(GridRevision.band_id == RateBand.id).exists()
    bands = (await session.scalars(select(RateBand).where(~has_revision).order_by(RateBand.position))).all()
    now = utcnow()
    for band in bands:
        append_revision(session, band, None, None, at=now)
    return len(bands)


async def newest_revision_id(session: AsyncSession) -> int | None:
    """The revision of the grid in effect now: the newest one of any band (None before any load)."""
    return await session.scalar(select(func.max(GridRevision.id)))


@dataclass(frozen=True)
class RevisionRow:
    """A revision as the history lists it: the band's labels and the actor's e-mail beside it."""

    revision: GridRevision
    band_label_fr: str
    band_label_en: str
    actor_email: str | None


async def get_revision(session: AsyncSession, revision_id: int) -> GridRevision | None:
    return await session.get(GridRevision, revision_id)


async def list_revisions(session: AsyncSession, page: PageParams) -> tuple[list[RevisionRow], int]:
    """The revisions newest first, one page of them, and how many there are."""
    total = await session.scalar(select(func.count()).select_from(GridRevision)) or 0
    rows = await session.execute(
        select(GridRevision, RateBand.label_fr, RateBand.label_en, Account.email)
        .join(RateBand, RateBand.id == GridRevision.band_id)
        .outerjoin(Account, Account.id == GridRevision.actor_account_id)
        .order_by(GridRevision.id.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    return [RevisionRow(r[0], r[1], r[2], r[3]) for r in rows], int(total)


def _figures(stored: dict[str, Any] | None) -> BandFiguresOut | None:
    if stored is None:
        return None
    return BandFiguresOut(
        tjm_low=stored["tjm_low"],
        tjm_high=stored["tjm_high"],
        tjm_ceiling=stored.get("tjm_ceiling"),
        note=stored.get("note") or "",
    )


def revision_out(row: RevisionRow) -> GridRevisionOut:
    revision = row.revision
    after = _figures(revision.after)
    assert after is not None
    return GridRevisionOut(
        id=revision.id,
        band_id=revision.band_id,
        actor_account_id=revision.actor_account_id,
        actor_email=row.actor_email,
        created_at=revision.created_at,
        before=_figures(revision.before),
        after=after,
        reason=revision.reason,
    )
