"""Read the taxonomy and the rate grid, let operators update a band (which queues a full rescore), check
ids against the taxonomy.

Nearly every request reads the rate grid (a profile's band, a mission's budget warning, the market
check) and it changes a few times a year, so each process keeps the last grid it read, per database.
Before each use one aggregate query checks that it is still current: the number of bands and the
newest `updated_at`, which `update_rate_band` moves strictly forward. A band changed through this
process or through another one is therefore seen by the next request of every process.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import msgspec
from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import RateBand, ScoringJob, TaxonomyItem
from models.base import utcnow
from models.enums import TaxonomyKind
from models.grid_revision import band_figures
from service.background.jobs import queue_full_rescore
from service.background.queue import WorkQueue
from service.errors import FieldError, InvalidInput, NotFound
from service.i18n import _, format_money, localised
from service.reference.grid_history import append_revision
from service.reference.schemas import RateBandUpdate
from service.suggestions import Candidate, closest
from service.validation_texts import Code, not_allowed, shown, unknown_id


async def list_taxonomy(session: AsyncSession, kind: TaxonomyKind | None = None) -> Sequence[TaxonomyItem]:
    query = select(TaxonomyItem).order_by(TaxonomyItem.kind, TaxonomyItem.id)
    if kind is not None:
        query = query.where(TaxonomyItem.kind == kind)
    return (await session.scalars(query)).all()


#: What identifies a state of the grid: (number of bands, newest updated_at).
GridRevision = tuple[int, datetime | None]

#: Per database URL: the revision last read and the bands as read then.
_grids: dict[str, tuple[GridRevision, tuple[RateBand, ...]]] = {}


def _database_key(session: AsyncSession) -> str:
    return str(session.get_bind().engine.url)


async def grid_revision(session: AsyncSession) -> GridRevision:
    row = (await session.execute(select(*grid_revision_columns()))).one()
    return int(row[0]), row[1]


@cache
def grid_revision_columns() -> tuple[ScalarSelect[Any], ScalarSelect[Any]]:
    """The grid's revision as two columns a request can select beside its own (no round trip of its own)."""
    return (
        select(func.count()).select_from(RateBand).correlate(None).scalar_subquery(),
        select(func.max(RateBand.updated_at)).correlate(None).scalar_subquery(),
    )


async def list_rate_bands(session: AsyncSession) -> Sequence[RateBand]:
    """The grid's bands in order, from this process's copy when the database still holds that revision.

    The bands are transient copies shared by every caller of the process: read them, never change them
    (`get_rate_band` gives the stored row to update).
    """
    return await rate_bands_at(session, await grid_revision(session))


async def rate_bands_at(session: AsyncSession, revision: GridRevision) -> Sequence[RateBand]:
    """`list_rate_bands` for a revision the caller already read (see `grid_revision_columns`)."""
    key = _database_key(session)
    cached = _grids.get(key)
    if cached is not None and cached[0] == revision:
        return cached[1]
    rows = await session.execute(select(*RateBand.__table__.c).order_by(RateBand.position))
    bands = tuple(RateBand(**row._mapping) for row in rows)
    # Keyed by what was read, so a change between the revision's query and this one is reloaded next time.
    _grids[key] = ((len(bands), max((b.updated_at for b in bands), default=None)), bands)
    return bands


def forget_rate_grid(session: AsyncSession) -> None:
    """Drop this process's copy of the grid of the session's database (the next read loads it)."""
    _grids.pop(_database_key(session), None)


async def get_rate_band(session: AsyncSession, band_id: str) -> RateBand:
    band = await session.get(RateBand, band_id)
    if band is None:
        raise NotFound(_("no experience band '%(band)s'", band=shown(band_id)))
    return band


def unknown_band(field: str, value: str, bands: Sequence[RateBand]) -> FieldError:
    """An experience band id the grid does not hold, with the closest band and every band's id."""
    candidates = [Candidate(b.id, (b.label_fr, b.label_en)) for b in bands]
    best = next(iter(closest(value, candidates, limit=1)), None)
    label = None if best is None else localised(best.labels[0], best.labels[1])
    allowed = tuple(b.id for b in bands)
    suggestion = None if best is None else best.id
    reason = not_allowed(value, allowed, suggestion, suggestion_label=label)
    return FieldError(field, reason, Code.NOT_ALLOWED, allowed=allowed, suggestion=suggestion)


def check_band_figures(low: int, high: int, ceiling: int | None) -> list[FieldError]:
    """The rules a band's figures keep, each refusal worded for a person (fields: the body's)."""
    errors = []
    if low > high:
        reason = _(
            "the low end (%(low)s) is above the high end (%(high)s)",
            low=format_money(low),
            high=format_money(high),
        )
        errors.append(FieldError("body.tjm_low", reason, Code.INCONSISTENT))
    if ceiling is not None and ceiling < high:
        reason = _(
            "the ceiling (%(ceiling)s) is below the high end (%(high)s)",
            ceiling=format_money(ceiling),
            high=format_money(high),
        )
        errors.append(FieldError("body.tjm_ceiling", reason, Code.INCONSISTENT))
    return errors


def figures_after(band: RateBand, data: RateBandUpdate) -> tuple[int, int, int | None]:
    """The band's (low, high, ceiling) once `data` is applied, refused in words if inconsistent."""
    low = band.tjm_low if data.tjm_low is msgspec.UNSET else data.tjm_low
    high = band.tjm_high if data.tjm_high is msgspec.UNSET else data.tjm_high
    ceiling = band.tjm_ceiling if data.tjm_ceiling is msgspec.UNSET else data.tjm_ceiling
    errors = check_band_figures(low, high, ceiling)
    if errors:
        raise InvalidInput(errors)
    return low, high, ceiling


async def update_rate_band(
    session: AsyncSession,
    band_id: str,
    data: RateBandUpdate,
    actor_account_id: int | None = None,
) -> tuple[RateBand, bool]:
    """The band, and whether a rate moved (a note alone changes no score).

    A change appends the band's revision to the grid's history (service.reference.grid_history), in
    the transaction of the change; a body that changes nothing appends none.
    """
    band = await get_rate_band(session, band_id)
    low, high, ceiling = figures_after(band, data)
    before = band_figures(band)
    rates_moved = (band.tjm_low, band.tjm_high, band.tjm_ceiling) != (low, high, ceiling)
    band.tjm_low, band.tjm_high, band.tjm_ceiling = low, high, ceiling
    if data.note is not msgspec.UNSET:
        band.note = data.note
    if band_figures(band) == before:
        await session.commit()
        return band, False
    # The grid's revision is its newest updated_at: moved strictly forward, even if this host's clock
    # is behind the one that wrote the last change, so every process sees this change.
    newest = await session.scalar(select(func.max(RateBand.updated_at)))
    band.updated_at = utcnow() if newest is None else max(utcnow(), newest + timedelta(microseconds=1))
    reason = None if data.reason is msgspec.UNSET else data.reason.strip()
    append_revision(session, band, before, actor_account_id, reason)
    await session.commit()
    forget_rate_grid(session)
    return band, rates_moved


async def check_taxonomy_ids(
    session: AsyncSession,
    ids: Iterable[str],
    kinds: Iterable[TaxonomyKind],
    field: str,
) -> list[FieldError]:
    """One error per id that is unknown or of the wrong kind, with its position in the list.

    An id the check refuses comes with the closest id of the kinds wanted (by id and labels), read
    only when there is one to refuse.
    """
    wanted = list(ids)
    if not wanted:
        return []
    allowed = set(kinds)
    rows = await session.execute(
        select(TaxonomyItem.id, TaxonomyItem.kind).where(TaxonomyItem.id.in_(wanted))
    )
    kind_by_id = {row.id: row.kind for row in rows}
    candidates: list[Candidate] | None = None
    errors = []
    seen: set[str] = set()
    for index, item_id in enumerate(wanted):
        path = f"{field}[{index}]"
        if item_id in seen:
            errors.append(FieldError(path, _("'%(id)s' is listed twice", id=shown(item_id)), Code.DUPLICATE))
        elif item_id not in kind_by_id or kind_by_id[item_id] not in allowed:
            candidates = candidates if candidates is not None else await taxonomy_candidates(session, allowed)
            errors.append(_refused_id(path, item_id, kind_by_id.get(item_id), allowed, candidates))
        seen.add(item_id)
    return errors


async def taxonomy_candidates(session: AsyncSession, kinds: Iterable[TaxonomyKind]) -> list[Candidate]:
    """The taxonomy items of these kinds, as suggestions know them (labels: French, then English)."""
    rows = await session.execute(
        select(TaxonomyItem.id, TaxonomyItem.label_fr, TaxonomyItem.label_en)
        .where(TaxonomyItem.kind.in_(list(kinds)))
        .order_by(TaxonomyItem.id)
    )
    return [Candidate(row.id, (row.label_fr, row.label_en)) for row in rows]


def _refused_id(
    path: str,
    item_id: str,
    kind: TaxonomyKind | None,
    allowed: set[TaxonomyKind],
    candidates: Sequence[Candidate],
) -> FieldError:
    best = next(iter(closest(item_id, candidates, limit=1)), None)
    suggestion = None if best is None else best.id
    if kind is None:
        label = None if best is None else localised(best.labels[0], best.labels[1])
        reason = unknown_id(item_id, suggestion, label, listed_at="GET /api/v1/taxonomy")
        return FieldError(path, reason, Code.UNKNOWN_ID, suggestion=suggestion)
    expected = ", ".join(sorted(str(k) for k in allowed))
    reason = _(
        "'%(id)s' is a %(kind)s, expected one of: %(expected)s",
        id=shown(item_id),
        kind=kind,
        expected=expected,
    )
    return FieldError(path, reason, Code.WRONG_KIND, suggestion=suggestion)


async def update_grid_band(
    session: AsyncSession, band_id: str, data: RateBandUpdate, queue: WorkQueue, requested_by: int | None
) -> tuple[RateBand, ScoringJob | None]:
    """Every TJM fit depends on the grid, so a change of rates queues a full rescore (None: none moved)."""
    band, rates_moved = await update_rate_band(session, band_id, data, requested_by)
    if not rates_moved:
        return band, None
    return band, await queue_full_rescore(session, queue, requested_by)
