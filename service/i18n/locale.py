"""The reader's locale: one context variable, chosen per request or set around a worker's message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

SUPPORTED_LOCALES: Final = ("fr", "en")
DEFAULT_LOCALE: Final = "fr"
#: The remembered language switch (a plain preference, readable by the page's script).
LOCALE_COOKIE: Final = "ctomatch_lang"

_current: ContextVar[str] = ContextVar("ctomatch_locale", default=DEFAULT_LOCALE)


def current_locale() -> str:
    return _current.get()


def supported(value: str | None) -> str | None:
    """`value` if it names a supported locale ("fr", "en-GB" → "en"), else None."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in SUPPORTED_LOCALES else None


def _accept_language(header: str) -> list[tuple[float, int, str]]:
    """(quality, position, tag) of each entry of an Accept-Language header; malformed ones dropped."""
    entries = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            entries.append((quality, position, tag.strip()))
    return entries


def negotiate_locale(cookie: str | None, accept_language: str | None) -> str:
    """The remembered switch first, then the browser's best supported language, then French."""
    if chosen := supported(cookie):
        return chosen
    ranked = sorted(_accept_language(accept_language or ""), key=lambda e: (-e[0], e[1]))
    for _quality, _position, tag in ranked:
        if tag == "*":
            return DEFAULT_LOCALE
        if chosen := supported(tag):
            return chosen
    return DEFAULT_LOCALE


@contextmanager
def use_locale(locale: str | None) -> Iterator[str]:
    """Run a block in `locale` (an account's stored preference; None or unknown: French)."""
    chosen = supported(locale) or DEFAULT_LOCALE
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def set_locale(locale: str) -> object:
    """Set the locale for the rest of this context (the middleware resets it with the token)."""
    return _current.set(supported(locale) or DEFAULT_LOCALE)


def reset_locale(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
