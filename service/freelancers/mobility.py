"""A freelancer's mobility: the places, besides their own city, where they can come on site.

Entries are free text (any French commune may be named), trimmed; a known city or region is stored
in the spelling of the table of places ("lyon" -> "Lyon", "Brittany" -> "Bretagne"), so the engine,
which compares places as written, finds it in a mission's city or region. Two entries naming the same
place once compared (case, accents, hyphens ignored) are kept once, first one first.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.errors import FieldError
from service.i18n import _
from service.reference.places import canonical_place, place_key
from service.validation_texts import Code, too_long_text

MAX_PLACES = 30
"""Entries a mobility list may hold (the request schema refuses more)."""
PLACE_MAX_CHARS = 80
"""Characters of one entry once trimmed."""


def mobility_errors(entries: Sequence[str], field: str = "body.mobility") -> list[FieldError]:
    """What is wrong with each entry, named by its position (`body.mobility[2]`)."""
    errors: list[FieldError] = []
    for index, entry in enumerate(entries):
        trimmed = entry.strip()
        if not trimmed:
            reason = _("must name a city or a region: this entry holds only spaces")
            errors.append(FieldError(f"{field}[{index}]", reason, Code.TOO_SHORT))
        elif len(trimmed) > PLACE_MAX_CHARS:
            errors.append(FieldError(f"{field}[{index}]", too_long_text(PLACE_MAX_CHARS), Code.TOO_LONG))
    return errors


def clean_mobility(entries: Sequence[str]) -> list[str]:
    """The entries as stored: trimmed, known places in their table spelling, duplicates dropped."""
    seen: set[str] = set()
    cleaned: list[str] = []
    for entry in entries:
        place = canonical_place(entry)
        key = place_key(place)
        if key and key not in seen:
            seen.add(key)
            cleaned.append(place)
    return cleaned
