"""Band lookup and market position of a rate, for freelancers pricing themselves and companies budgeting."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from models import RateBand
from service.engine_inputs.rows import grid_from_rows
from service.errors import FieldError, InvalidInput, NotFound
from service.explanations import MarketCheck, render_market_check
from service.i18n import _

# The positions live with the grid (the preview of a grid change reads them too); named here as before.
from service.reference.positions import MarketPosition as MarketPosition
from service.reference.positions import budget_position as budget_position
from service.reference.positions import market_position as market_position
from service.reference.services import get_rate_band, list_rate_bands


def band_for_years(bands: Sequence[RateBand], years: float) -> RateBand:
    """The stored band the engine puts `years` in (min_years <= years < max_years)."""
    band_id = grid_from_rows(bands).band_for_years(years).id
    return next(band for band in bands if band.id == band_id)


def market_check(band: RateBand, tjm: int) -> MarketCheck:
    """The rate against the band's figures, as the explanations word it."""
    return MarketCheck(
        tjm=tjm,
        band=band.id,
        min_years=band.min_years,
        max_years=band.max_years,
        tjm_low=band.tjm_low,
        tjm_high=band.tjm_high,
        tjm_ceiling=band.tjm_ceiling,
    )


def describe_position(band: RateBand, tjm: int) -> str:
    """A sentence a person can check against the grid, in the request's language."""
    return render_market_check(market_check(band, tjm))


async def resolve_band(session: AsyncSession, years: float | None, band_id: str | None) -> RateBand:
    if (years is None) == (band_id is None):
        raise InvalidInput(
            [FieldError("query.years", _("give exactly one of 'years' (a freelancer) or 'band' (a mission)"))]
        )
    if band_id is not None:
        try:
            return await get_rate_band(session, band_id)
        except NotFound as exc:
            raise InvalidInput([FieldError("query.band", exc.detail)]) from exc
    assert years is not None
    return band_for_years(await list_rate_bands(session), years)
