"""The market check in words: where a daily rate sits against its band's market range (DOMAIN.md §1),
and, above the range of a band with a documented ceiling (more than 15 years: up to 1 075 €), against
that ceiling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from service.explanations import formats as fmt
from service.i18n import _

Position = Literal["below", "within", "above"]


@dataclass(frozen=True, slots=True)
class MarketCheck:
    """A rate against one band of the grid, with the band's figures as the grid holds them."""

    tjm: int
    band: str
    min_years: float
    max_years: float | None
    tjm_low: int
    tjm_high: int
    tjm_ceiling: int | None

    @property
    def position(self) -> Position:
        if self.tjm < self.tjm_low:
            return "below"
        return "above" if self.tjm > self.tjm_high else "within"

    @property
    def above_ceiling(self) -> bool:
        return self.tjm_ceiling is not None and self.tjm > self.tjm_ceiling


def render_market_check(check: MarketCheck) -> str:
    """A sentence a person can check against the grid, in the current locale."""
    values = {
        "tjm": fmt.money(check.tjm),
        "range": fmt.money_range(check.tjm_low, check.tjm_high),
        "band": fmt.band_years(check.min_years, check.max_years),
    }
    if check.position == "within":
        return _("TJM %(tjm)s is within the market range %(range)s for %(band)s", **values)
    if check.position == "below":
        gap = fmt.money(check.tjm_low - check.tjm)
        return _("TJM %(tjm)s is %(gap)s below the market range %(range)s for %(band)s", gap=gap, **values)
    gap = fmt.money(check.tjm - check.tjm_high)
    if check.tjm_ceiling is None:
        return _("TJM %(tjm)s is %(gap)s above the market range %(range)s for %(band)s", gap=gap, **values)
    ceiling = fmt.money(check.tjm_ceiling)
    if check.above_ceiling:
        return _(
            "TJM %(tjm)s is %(gap)s above the market range %(range)s for %(band)s, and above the documented "
            "ceiling of %(ceiling)s",
            gap=gap,
            ceiling=ceiling,
            **values,
        )
    return _(
        "TJM %(tjm)s is %(gap)s above the market range %(range)s for %(band)s, under the documented ceiling "
        "of %(ceiling)s",
        gap=gap,
        ceiling=ceiling,
        **values,
    )
