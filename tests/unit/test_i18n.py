"""Locale choice and the locale's formats: French by default, English on request."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from service.i18n import format_date, format_datetime, format_money, localised, negotiate_locale, use_locale
from service.language_switch import safe_local_path

NNBSP, NBSP = "\u202f", "\u00a0"


def test_french_is_the_default() -> None:
    assert negotiate_locale(None, None) == "fr"
    assert negotiate_locale(None, "de-DE,de;q=0.9") == "fr"


def test_accept_language_picks_the_best_supported_language() -> None:
    assert negotiate_locale(None, "en-GB,en;q=0.9,fr;q=0.8") == "en"
    assert negotiate_locale(None, "de;q=1, fr;q=0.5, en;q=0.7") == "en"
    assert negotiate_locale(None, "fr-CA") == "fr"
    assert negotiate_locale(None, "en;q=0, fr;q=0.1") == "fr"


def test_the_remembered_switch_wins_over_the_browser() -> None:
    assert negotiate_locale("en", "fr-FR,fr;q=0.9") == "en"
    assert negotiate_locale("fr", "en") == "fr"
    assert negotiate_locale("klingon", "en") == "en"


@given(st.text(max_size=200), st.one_of(st.none(), st.text(max_size=20)))
def test_any_header_gives_a_supported_locale(header: str, cookie: str | None) -> None:
    assert negotiate_locale(cookie, header) in {"fr", "en"}


def test_money_in_each_locale() -> None:
    with use_locale("fr"):
        assert format_money(1075).replace(NNBSP, " ").replace(NBSP, " ") == "1 075 €"
        assert format_money(None) == "—"
    with use_locale("en"):
        assert format_money(1075) == "€1,075"


def test_dates_in_each_locale() -> None:
    with use_locale("fr"):
        assert format_date(date(2026, 12, 15)) == "15/12/2026"
        # Stored in UTC, shown in Paris time: 23:30 UTC on 31 Dec is already 1 January in Paris.
        assert format_datetime(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01/01/2027 00:30"
    with use_locale("en"):
        assert format_date(date(2026, 12, 15)) == "15 Dec 2026"


def test_labels_follow_the_locale() -> None:
    with use_locale("fr"):
        assert localised("Sécurité informatique", "IT security") == "Sécurité informatique"
    with use_locale("en"):
        assert localised("Sécurité informatique", "IT security") == "IT security"


def test_the_switch_only_redirects_to_this_site() -> None:
    assert safe_local_path("/profile?tab=1") == "/profile?tab=1"
    for hostile in ("https://evil.example/", "//evil.example", "/\\evil", "javascript:alert(1)", "", None):
        assert safe_local_path(hostile) == "/"
