"""What a person reads, in their language: French by default, English on request.

Texts are written in English in the code (`_("...")`, `{% trans %}` in templates) and translated
through Babel message catalogs (`service/i18n/locales/<locale>/LC_MESSAGES/<domain>.po`). The reader's
locale lives in a context variable that `LocaleMiddleware` sets for each request (remembered switch,
then `Accept-Language`, then French) and `use_locale` sets for a worker writing to one account.
"""

from service.i18n.formatting import format_date, format_datetime, format_money, format_number, localised
from service.i18n.locale import (
    DEFAULT_LOCALE,
    LOCALE_COOKIE,
    SUPPORTED_LOCALES,
    current_locale,
    negotiate_locale,
    use_locale,
)
from service.i18n.translate import N_, gettext, ngettext, pgettext

_ = gettext

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALE_COOKIE",
    "N_",
    "SUPPORTED_LOCALES",
    "_",
    "current_locale",
    "format_date",
    "format_datetime",
    "format_money",
    "format_number",
    "gettext",
    "localised",
    "negotiate_locale",
    "ngettext",
    "pgettext",
    "use_locale",
]
