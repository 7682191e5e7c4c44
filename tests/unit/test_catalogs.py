"""Every text a person reads is in the French catalog, and the templates hold no untranslated text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from service.i18n.extraction import PROJECT_ROOT, check, extract

TEMPLATE_DIRS = sorted(p for p in (PROJECT_ROOT / "service").rglob("templates") if p.is_dir())
#: Words that read the same in French and English (brand, acronyms of the domain, units).
SAME_IN_BOTH = {"ctomatch", "CTO", "DSI", "TJM", "API", "ETag", "JSON", "OK", "e-mail", "Email"}
_TAG = re.compile(r"<[^>]*>", re.DOTALL)
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_READ_ATTRIBUTES = re.compile(r'\b(placeholder|title|aria-label|alt)="([^"]*)"')
_LOOSE_ATTRIBUTE = re.compile(r'(?:^|\s)[a-z][\w:-]*="[^"\x00]*"?')
_WORD = re.compile(r"[^\W\d_]{2,}")


def test_every_text_is_in_every_catalog_and_translated_in_french() -> None:
    problems = check()
    assert not problems, "\n".join(
        f"{p.locale}/{p.domain}: {p.message!r} {p.what} ({p.where}); run `make messages` and translate"
        for p in problems[:40]
    )


def test_extraction_finds_the_texts_of_python_and_templates() -> None:
    """Guards the checker itself: were extraction to find nothing, the test above would pass vacuously."""
    found = extract()
    assert sum(len(d.messages) for d in found.values()) > 0
    assert any(loc.endswith(".py") for d in found.values() for locs in d.messages.values() for loc, _ in locs)


def _literal_words(template: Path) -> list[str]:
    source = template.read_text(encoding="utf-8")
    environment = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    tree = environment.parse(source)
    words: list[str] = []
    # The literal pieces in order, a placeholder where an expression or a tag stood, so that a tag
    # cut by an expression (`<html lang="{{ locale() }}">`) is still seen whole.
    html = " \x00 ".join(data.data for data in tree.find_all(nodes.TemplateData))
    html = _SCRIPT_OR_STYLE.sub(" ", html)
    for _name, value in _READ_ATTRIBUTES.findall(html):
        words += _WORD.findall(value)
    text = _TAG.sub(" ", html)
    # An attribute a macro adds to a tag it does not open (` aria-describedby="…"`) is markup too.
    text = _LOOSE_ATTRIBUTE.sub(" ", text)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    words += _WORD.findall(text)
    return [w for w in words if w not in SAME_IN_BOTH]


@pytest.mark.parametrize(
    "template",
    [p for d in TEMPLATE_DIRS for p in sorted(d.rglob("*.html"))],
    ids=lambda p: p.relative_to(PROJECT_ROOT).as_posix(),
)
def test_templates_hold_no_text_outside_the_catalogs(template: Path) -> None:
    """Literal words in a template would show in French to an English reader, or the other way round."""
    assert _literal_words(template) == []
