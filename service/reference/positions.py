"""Where a rate or a budget stands against a band of the grid: one rule, read by the market check, the
console's missions and the preview of a grid change."""

from __future__ import annotations

from enum import StrEnum

from models import RateBand


class MarketPosition(StrEnum):
    BELOW = "below"
    WITHIN = "within"
    ABOVE = "above"


def market_position(band: RateBand, tjm: int) -> MarketPosition:
    if tjm < band.tjm_low:
        return MarketPosition.BELOW
    if tjm > band.tjm_high:
        return MarketPosition.ABOVE
    return MarketPosition.WITHIN


def budget_position(band: RateBand, tjm_min: int, tjm_max: int) -> MarketPosition:
    """Where a mission's budget stands against its band: below when even its maximum is under the
    market's low, above when even its minimum is over the market's high, within when they overlap."""
    if tjm_max < band.tjm_low:
        return MarketPosition.BELOW
    if tjm_min > band.tjm_high:
        return MarketPosition.ABOVE
    return MarketPosition.WITHIN


def budget_warned(band: RateBand, tjm_min: int, tjm_max: int) -> bool:
    """A mission's budget warning shows when its budget is below its band (matching.budget_warning)."""
    return budget_position(band, tjm_min, tjm_max) is MarketPosition.BELOW
