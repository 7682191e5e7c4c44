"""Jinja's i18n extension wired to the catalogs, and the locale's formats as filters.

`{% trans %}…{% endtrans %}` and `_()` in templates go through the same catalogs as Python code
(new-style gettext: fields are filled and escaped by Jinja). Filters: `money`, `date`, `datetime`,
`number`; globals: `locale` (a function) and `other_locales`.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from service.i18n.catalogs import translations_for
from service.i18n.formatting import (
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    localised,
)
from service.i18n.locale import SUPPORTED_LOCALES, current_locale

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def _gettext(message: str) -> str:
    return translations_for(current_locale()).gettext(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return translations_for(current_locale()).ngettext(singular, plural, count)


def _pgettext(context: str, message: str) -> str:
    return str(translations_for(current_locale()).pgettext(context, message))


def _npgettext(context: str, singular: str, plural: str, count: int) -> str:
    return str(translations_for(current_locale()).npgettext(context, singular, plural, count))


def install_i18n(environment: Environment) -> None:
    environment.add_extension("jinja2.ext.i18n")
    environment.policies["ext.i18n.trimmed"] = True
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext, newstyle=True
    )
    environment.filters.update(
        {
            "money": format_money,
            "date": format_date,
            "datetime": format_datetime,
            "number": format_number,
            "percent": format_percent,
        }
    )
    globals_: dict[str, Any] = {
        "locale": current_locale,
        "localised": localised,
        "supported_locales": SUPPORTED_LOCALES,
        "language_names": LANGUAGE_NAMES,
    }
    environment.globals.update(globals_)
