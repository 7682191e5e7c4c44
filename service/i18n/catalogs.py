"""Load the `.po` catalogs at start-up and compile them in memory: nothing to build before running.

Fuzzy or empty entries are left out, so an untranslated text shows in English rather than blank; the
catalog test (tests/unit/test_catalogs.py) makes sure no French entry is missing.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from service.i18n.domains import domains
from service.i18n.locale import SUPPORTED_LOCALES

LOCALES_DIR = Path(__file__).resolve().parent / "locales"


def po_path(locale: str, domain: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(locale: str, domain: str) -> Catalog:
    path = po_path(locale, domain)
    if not path.exists():
        return Catalog(locale=locale, domain=domain)
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=domain)


def _compiled(catalog: Catalog) -> Translations:
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=catalog.domain)


@cache
def translations_for(locale: str) -> Translations:
    """Every domain of `locale` merged into one lookup (msgids are unique across domains)."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    merged = Translations(domain="messages")
    for domain in domains():
        merged.merge(_compiled(read_catalog(locale, domain)))
    return merged
