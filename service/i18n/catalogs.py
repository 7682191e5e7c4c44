"""Load the `.po` catalogs at start-up and compile them in memory: nothing to build before running.

Fuzzy or empty entries are left out, so an untranslated text shows in English rather than blank; the
catalog test (tests/unit/test_catalogs.py) makes sure no French entry is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

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
        compiled = _compiled(read_catalog(locale, domain))
        merged.merge(compiled)
        # `merge` keeps the empty lookup's English rule (n != 1); the catalogs' own one chooses the form
        # (in French, 0 takes the singular: "0 match enregistré").
        merged.plural = _counting(compiled.plural)
    return merged


def _counting(rule: Callable[[int], int]) -> Callable[[Any], int]:
    """The plural rule, for counts as templates pass them too: a number already formatted for the
    reader ("1 075", "1,075") or a float counts as the whole number it shows."""

    def plural(count: Any) -> int:
        if isinstance(count, str):
            digits = "".join(ch for ch in count.split(".")[0] if ch.isdigit())
            count = int(digits) if digits else 0
        return rule(int(count))

    return plural
