"""The figures of an explanation as the reader writes them: "600–700 €" and "11–15 ans" in French,
"€600–700" and "11–15 years" in English, lists joined with "et" / "and"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from babel.lists import format_list
from babel.numbers import format_decimal

from service.i18n import _, current_locale, format_date, format_money, format_number, ngettext

_BABEL_LOCALE: Final = {"fr": "fr_FR", "en": "en_GB"}


def _babel_locale() -> str:
    return _BABEL_LOCALE.get(current_locale(), "fr_FR")


def money(value: float) -> str:
    return format_money(value)


def number(value: float) -> str:
    return format_number(value)


def money_range(low: float, high: float) -> str:
    """A range of daily rates: the currency sign once, where the locale puts it."""
    return _("€%(low)s–%(high)s", low=number(round(low)), high=number(round(high)))


def decimal(value: float) -> str:
    """Two decimals, with the locale's decimal sign (0,24 in French)."""
    return format_decimal(value, format="0.00", locale=_babel_locale())


def percent(value: float) -> str:
    """A whole percentage; a share strictly between 0 and 1 never reads as 0 % or 100 %."""
    if 0 < value < 1:
        return _("under %(value)s%%", value=number(1))
    if 99 < value < 100:
        return _("over %(value)s%%", value=number(99))
    return _("%(value)s%%", value=number(round(value)))


def share(fraction: float) -> str:
    return percent(100.0 * fraction)


def day(iso: str | None) -> str:
    return format_date(None if iso is None else date.fromisoformat(iso))


def band_years(min_years: float, max_years: float | None) -> str:
    """The years of an experience band: "11–15 years", "less than 1 year", "more than 15 years"."""
    if max_years is None:
        return _("more than %(years)s years", years=number(min_years - 1))
    if min_years <= 0:
        return ngettext("less than %(num)s year", "less than %(num)s years", int(max_years))
    return _("%(low)s–%(high)s years", low=number(min_years), high=number(max_years - 1))


def years_of_experience(years: float) -> str:
    count = int(years) if float(years).is_integer() else 2
    return ngettext(
        "%(years)s year of experience", "%(years)s years of experience", count, years=number(years)
    )


def span(start_year: int | None, end_year: int | None) -> str:
    """The years of a past role, "2019–2023" or "2019–now"; empty when neither is known."""
    if start_year is None and end_year is None:
        return ""
    start = str(start_year) if start_year is not None else "?"
    end = str(end_year) if end_year is not None else _("now")
    return f"{start}–{end}"


def and_list(items: Sequence[str]) -> str:
    return format_list(list(items), style="standard", locale=_babel_locale()) if items else ""


def or_list(items: Sequence[str]) -> str:
    return format_list(list(items), style="or", locale=_babel_locale()) if items else ""
