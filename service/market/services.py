"""Band lookup and market position of a rate, for freelancers pricing themselves and companies budgeting."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from models import RateBand
from service.engine_inputs.rows import grid_from_rows
from service.errors import FieldError, InvalidInput, NotFound
from service.reference.services import get_rate_band, list_rate_bands


class MarketPosition(StrEnum):
    BELOW = "below"
    WITHIN = "within"
    ABOVE = "above"


def band_for_years(bands: Sequence[RateBand], years: float) -> RateBand:
    """The stored band the engine puts `years` in (min_years <= years < max_years)."""
    band_id = grid_from_rows(bands).band_for_years(years).id
    return next(band for band in bands if band.id == band_id)


def market_position(band: RateBand, tjm: int) -> MarketPosition:
    if tjm < band.tjm_low:
        return MarketPosition.BELOW
    if tjm > band.tjm_high:
        return MarketPosition.ABOVE
    return MarketPosition.WITHIN


def describe_position(band: RateBand, tjm: int, position: MarketPosition) -> str:
    """A sentence a person can check against the grid."""
    market = f"market range {band.tjm_low}–{band.tjm_high} € for {band.label_en}"
    if position is MarketPosition.WITHIN:
        return f"TJM {tjm} € is within the {market}"
    if position is MarketPosition.BELOW:
        return f"TJM {tjm} € is {band.tjm_low - tjm} € below the {market}"
    text = f"TJM {tjm} € is {tjm - band.tjm_high} € above the {market}"
    if band.tjm_ceiling is not None:
        if tjm <= band.tjm_ceiling:
            text += f", under the documented ceiling of {band.tjm_ceiling} €"
        else:
            text += f", and above the documented ceiling of {band.tjm_ceiling} €"
    return text


async def resolve_band(session: AsyncSession, years: float | None, band_id: str | None) -> RateBand:
    if (years is None) == (band_id is None):
        raise InvalidInput(
            [FieldError("query.years", "give exactly one of 'years' (a freelancer) or 'band' (a mission)")]
        )
    if band_id is not None:
        try:
            return await get_rate_band(session, band_id)
        except NotFound as exc:
            raise InvalidInput([FieldError("query.band", exc.detail)]) from exc
    assert years is not None
    return band_for_years(await list_rate_bands(session), years)
