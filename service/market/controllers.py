"""GET /api/v1/market-check: years (or a band) and a TJM in, band, market range and position out."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import QueryParameter

from service.auth.actor import ANONYMOUS, roles
from service.handler_params import DbSession
from service.market.services import MarketPosition, describe_position, market_position, resolve_band
from service.reference.schemas import RateBandOut
from service.shapes import read_shape


class MarketCheckOut(msgspec.Struct):
    band: RateBandOut
    tjm: int
    position: MarketPosition
    above_ceiling: bool
    message: str
    """The position in words, in the reader's language (French unless asked otherwise)."""


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
        db_session: DbSession,
        tjm: Annotated[int, QueryParameter(ge=1, le=100_000, description="daily rate, € per day")],
        years: Annotated[float | None, QueryParameter(ge=0, le=60, description="years of experience")] = None,
        band: Annotated[str | None, QueryParameter(description="experience band id, e.g. y11_15")] = None,
    ) -> MarketCheckOut:
        rate_band = await resolve_band(db_session, years, band)
        position = market_position(rate_band, tjm)
        above_ceiling = rate_band.tjm_ceiling is not None and tjm > rate_band.tjm_ceiling
        return MarketCheckOut(
            band=read_shape(rate_band, RateBandOut),
            tjm=tjm,
            position=position,
            above_ceiling=above_ceiling,
            message=describe_position(rate_band, tjm),
        )
