"""Money, numbers and dates as the reader writes them: 1 075 € and 15/12/2026 in French.

Times are stored in UTC and shown in Paris time, the market this product serves.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as babel_format_percent

from service.i18n.locale import current_locale

DISPLAY_TIMEZONE: Final = ZoneInfo("Europe/Paris")
_BABEL_LOCALE: Final = {"fr": "fr_FR", "en": "en_GB"}
_MONEY_PATTERN: Final = {"fr": "#,##0\u00a0¤", "en": "¤#,##0"}
_DATE_PATTERN: Final = {"fr": "dd/MM/yyyy", "en": "d MMM yyyy"}
_DATETIME_PATTERN: Final = {"fr": "dd/MM/yyyy HH:mm", "en": "d MMM yyyy, HH:mm"}


def _locale(locale: str | None) -> str:
    return locale or current_locale()


def format_money(value: float | None, locale: str | None = None) -> str:
    """Whole euros ("1 075 €", "€1,075"); "—" for no value."""
    if value is None:
        return "—"
    code = _locale(locale)
    return format_currency(
        round(value), "EUR", _MONEY_PATTERN[code], locale=_BABEL_LOCALE[code], currency_digits=False
    )


def format_number(value: float | None, locale: str | None = None) -> str:
    if value is None:
        return "—"
    code = _locale(locale)
    return format_decimal(value, locale=_BABEL_LOCALE[code])


def format_percent(value: float | None, locale: str | None = None) -> str:
    """A whole percentage from 0-100 ("34 %" in French, "34%" in English); "—" for no value."""
    if value is None:
        return "—"
    code = _locale(locale)
    return babel_format_percent(round(value) / 100, locale=_BABEL_LOCALE[code])


def format_date(value: date | None, locale: str | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(DISPLAY_TIMEZONE).date() if value.tzinfo else value.date()
    code = _locale(locale)
    return babel_format_date(value, _DATE_PATTERN[code], locale=_BABEL_LOCALE[code])


def format_datetime(value: datetime | None, locale: str | None = None) -> str:
    if value is None:
        return "—"
    code = _locale(locale)
    return babel_format_datetime(
        value, _DATETIME_PATTERN[code], tzinfo=DISPLAY_TIMEZONE, locale=_BABEL_LOCALE[code]
    )


def localised(label_fr: str, label_en: str, locale: str | None = None) -> str:
    """The taxonomy's and the grid's own labels: `label_fr` in French, `label_en` otherwise."""
    return label_fr if _locale(locale) == "fr" else label_en
