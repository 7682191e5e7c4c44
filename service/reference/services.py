"""Read the taxonomy and the rate grid, let operators update a band, check ids against the taxonomy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import RateBand, TaxonomyItem
from models.enums import TaxonomyKind
from service.errors import FieldError, InvalidInput, NotFound
from service.reference.schemas import RateBandUpdate


async def list_taxonomy(session: AsyncSession, kind: TaxonomyKind | None = None) -> Sequence[TaxonomyItem]:
    query = select(TaxonomyItem).order_by(TaxonomyItem.kind, TaxonomyItem.id)
    if kind is not None:
        query = query.where(TaxonomyItem.kind == kind)
    return (await session.scalars(query)).all()


async def list_rate_bands(session: AsyncSession) -> Sequence[RateBand]:
    return (await session.scalars(select(RateBand).order_by(RateBand.position))).all()


async def get_rate_band(session: AsyncSession, band_id: str) -> RateBand:
    band = await session.get(RateBand, band_id)
    if band is None:
        raise NotFound(f"no experience band '{band_id}'")
    return band


async def update_rate_band(
    session: AsyncSession, band_id: str, data: RateBandUpdate
) -> tuple[RateBand, bool]:
    """The band, and whether a rate moved (a note alone changes no score)."""
    band = await get_rate_band(session, band_id)
    low = band.tjm_low if data.tjm_low is msgspec.UNSET else data.tjm_low
    high = band.tjm_high if data.tjm_high is msgspec.UNSET else data.tjm_high
    ceiling = band.tjm_ceiling if data.tjm_ceiling is msgspec.UNSET else data.tjm_ceiling
    errors = []
    if low > high:
        errors.append(FieldError("body.tjm_low", f"tjm_low {low} is above tjm_high {high}"))
    if ceiling is not None and ceiling < high:
        errors.append(FieldError("body.tjm_ceiling", f"tjm_ceiling {ceiling} is below tjm_high {high}"))
    if errors:
        raise InvalidInput(errors)
    rates_moved = (band.tjm_low, band.tjm_high, band.tjm_ceiling) != (low, high, ceiling)
    band.tjm_low, band.tjm_high, band.tjm_ceiling = low, high, ceiling
    if data.note is not msgspec.UNSET:
        band.note = data.note
    await session.commit()
    return band, rates_moved


async def check_taxonomy_ids(
    session: AsyncSession,
    ids: Iterable[str],
    kinds: Iterable[TaxonomyKind],
    field: str,
) -> list[FieldError]:
    """One error per id that is unknown or of the wrong kind, with its position in the list."""
    wanted = list(ids)
    if not wanted:
        return []
    allowed = set(kinds)
    rows = await session.execute(
        select(TaxonomyItem.id, TaxonomyItem.kind).where(TaxonomyItem.id.in_(wanted))
    )
    kind_by_id = {row.id: row.kind for row in rows}
    errors = []
    seen: set[str] = set()
    for index, item_id in enumerate(wanted):
        path = f"{field}[{index}]"
        if item_id in seen:
            errors.append(FieldError(path, f"'{item_id}' is listed twice"))
        elif item_id not in kind_by_id:
            errors.append(FieldError(path, f"unknown id '{item_id}' (see GET /api/v1/taxonomy)"))
        elif kind_by_id[item_id] not in allowed:
            expected = " or ".join(sorted(str(k) for k in allowed))
            errors.append(FieldError(path, f"'{item_id}' is a {kind_by_id[item_id]}, expected {expected}"))
        seen.add(item_id)
    return errors
