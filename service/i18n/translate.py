"""`_()` and friends: look a text up in the current locale's catalog, then fill its `%(name)s` fields.

Texts are English in the code. Fields are filled after translation, so a translation may move them:
`_("TJM %(tjm)s within budget", tjm=format_money(680))`. `N_` only marks a text for extraction (a
constant table translated where it is shown).
"""

from __future__ import annotations

from typing import Any

from service.i18n.catalogs import translations_for
from service.i18n.locale import current_locale


def _fill(text: str, params: dict[str, Any]) -> str:
    return text % params if params else text


def gettext(message: str, /, **params: Any) -> str:
    return _fill(translations_for(current_locale()).gettext(message), params)


def ngettext(singular: str, plural: str, count: int, /, **params: Any) -> str:
    """Plural forms by the locale's rule; `%(num)s` is the count unless a field says otherwise."""
    text = str(translations_for(current_locale()).ngettext(singular, plural, count))
    return _fill(text, {"num": count, **params})


def pgettext(context: str, message: str, /, **params: Any) -> str:
    """For a word that translates differently by use ("Open" a mission vs an "open" mission)."""
    return _fill(str(translations_for(current_locale()).pgettext(context, message)), params)


def N_(message: str) -> str:  # the conventional name extraction tools look for
    return message
