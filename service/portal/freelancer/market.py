"""The market check beside the TJM, rendered on the server (the page's JavaScript redoes it live
from `GET /api/v1/market-check` with the same words, which the template hands it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from service.i18n import _, current_locale, format_money, format_number, localised
from service.market.services import MarketPosition, band_for_years, market_position
from service.reference.services import list_rate_bands


@dataclass(frozen=True)
class MarketView:
    band: str
    market_range: str
    position: str  # below / within / above
    above_ceiling: bool
    sentence: str


def position_words() -> dict[str, str]:
    """The sentence of each position; `%(range)s` and `%(ceiling)s` are filled in (also by the script)."""
    return {
        "below": _("Below the market range for your experience (%(range)s)."),
        "within": _("Within the market range for your experience (%(range)s)."),
        "above": _("Above the market range for your experience (%(range)s)."),
        "above_ceiling": _(
            "Above the documented ceiling of %(ceiling)s for more than 15 years of experience."
        ),
        "ceiling_ok": _("Above the usual range, but under the documented ceiling of %(ceiling)s."),
    }


def money_range(low: int, high: int) -> str:
    """ "650 – 685 €" in French (the sign once, after), "€650 – €685" in English."""
    if current_locale() == "fr":
        return f"{format_number(low)} – {format_money(high)}"
    return f"{format_money(low)} – {format_money(high)}"


async def market_view(session: AsyncSession, years: float | None, tjm: int | None) -> MarketView | None:
    """None until both years and TJM are known."""
    if years is None or tjm is None:
        return None
    band = band_for_years(await list_rate_bands(session), years)
    position = market_position(band, tjm)
    words = position_words()
    market = money_range(band.tjm_low, band.tjm_high)
    sentence = words[str(position)] % {"range": market}
    above_ceiling = band.tjm_ceiling is not None and tjm > band.tjm_ceiling
    if position is MarketPosition.ABOVE and band.tjm_ceiling is not None:
        key = "above_ceiling" if above_ceiling else "ceiling_ok"
        sentence += " " + words[key] % {"ceiling": format_money(band.tjm_ceiling)}
    return MarketView(
        band=localised(band.label_fr, band.label_en),
        market_range=market,
        position=str(position),
        above_ceiling=above_ceiling,
        sentence=sentence,
    )
