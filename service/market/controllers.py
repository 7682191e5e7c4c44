"""GET /api/v1/market-check: years (or a band) and a TJM in, band, market range and position out."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from service.auth.actor import ANONYMOUS, roles
from service.market.services import MarketPosition, describe_position, market_position, resolve_band
from service.reference.controllers import band_out
from service.reference.schemas import RateBandOut


class MarketCheckOut(msgspec.Struct):
    band: RateBandOut
    tjm: int
    position: MarketPosition
    above_ceiling: bool
    message: str


class MarketController(Controller):
    path = "/api/v1/market-check"
    tags = ["market"]  # noqa: RUF012

    @get(
        "/",
        opt=roles(ANONYMOUS),
        summary="Where a daily rate sits on the market grid",
        description=(
            "Roles: anyone. Give `years` (a freelancer's experience) or `band` (a mission's seniority)."
        ),
    )
    async def market_check(
        self,
        db_session: AsyncSession,
        tjm: Annotated[int, Parameter(ge=1, le=100_000, description="daily rate, € per day")],
        years: Annotated[float | None, Parameter(ge=0, le=60, description="years of experience")] = None,
        band: Annotated[str | None, Parameter(description="experience band id, e.g. y11_15")] = None,
    ) -> MarketCheckOut:
        rate_band = await resolve_band(db_session, years, band)
        position = market_position(rate_band, tjm)
        above_ceiling = rate_band.tjm_ceiling is not None and tjm > rate_band.tjm_ceiling
        return MarketCheckOut(
            band=band_out(rate_band),
            tjm=tjm,
            position=position,
            above_ceiling=above_ceiling,
            message=describe_position(rate_band, tjm, position),
        )
