"""Find every translatable text in the sources, by domain, and bring the `.po` files up to date.

`python -m service.i18n update` (`make messages`) adds new texts to each catalog (empty, to translate)
and drops texts the code no longer has; `python -m service.i18n check` lists what is missing, as the
catalog test does. Texts are English in the code, so an English entry may stay empty; a French one may not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import write_po

from service.i18n.catalogs import po_path, read_catalog
from service.i18n.domains import KEYWORDS, PYTHON_SUFFIX, SOURCE_ROOTS, TEMPLATE_SUFFIXES, domain_of, domains
from service.i18n.locale import DEFAULT_LOCALE, SUPPORTED_LOCALES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
_JINJA_OPTIONS = {"trimmed": "true", "silent": "false"}
_HEADER = (
    "# ctomatch, {locale}: the texts of the {domain} domain.\n"
    "# Entries are added and removed by `make messages`; only the translations are edited by hand."
)
MessageId = str | tuple[str, str]
Key = tuple[MessageId, str | None]


@dataclass
class Extracted:
    """One domain's texts: key (msgid or (singular, plural), context) → where they appear."""

    messages: dict[Key, list[tuple[str, int]]] = field(default_factory=dict)


def _source_files() -> Iterator[tuple[Path, str]]:
    for root in SOURCE_ROOTS:
        for path in sorted((PROJECT_ROOT / root).rglob("*")):
            if path.suffix == PYTHON_SUFFIX:
                yield path, "python"
            elif path.suffix in TEMPLATE_SUFFIXES and "templates" in path.parts:
                yield path, "jinja2.ext:babel_extract"


def extract() -> dict[str, Extracted]:
    found = {domain: Extracted() for domain in domains()}
    for path, method in _source_files():
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        domain = domain_of(relative)
        if domain is None:
            continue
        options = _JINJA_OPTIONS if method != "python" else {}
        for lineno, message, _comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options, strip_comment_tags=True
        ):
            key: Key = ((message[0], message[1]) if isinstance(message, tuple) else message, context)
            if not key[0] or (isinstance(key[0], tuple) and not key[0][0]):
                continue
            found[domain].messages.setdefault(key, []).append((relative, lineno))
    return found


def _template(domain: str, extracted: Extracted) -> Catalog:
    catalog = Catalog(domain=domain, project="ctomatch", fuzzy=False)
    for (message, context), locations in sorted(extracted.messages.items(), key=lambda kv: str(kv[0])):
        catalog.add(message, locations=locations, context=context)
    return catalog


def update() -> list[Path]:
    """Merge the extracted texts into every locale's catalog; return the files written."""
    written = []
    for domain, extracted in extract().items():
        template = _template(domain, extracted)
        for locale in SUPPORTED_LOCALES:
            catalog = read_catalog(locale, domain)
            catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
            catalog.obsolete.clear()
            catalog.project, catalog.version, catalog.fuzzy = "ctomatch", "1", False
            catalog.msgid_bugs_address = ""
            catalog.last_translator = "ctomatch"
            catalog.language_team = locale
            catalog.header_comment = _HEADER.format(locale=locale, domain=domain)
            path = po_path(locale, domain)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(handle, catalog, width=100, sort_output=True, omit_header=False)
            written.append(path)
    return written


@dataclass(frozen=True)
class Problem:
    domain: str
    locale: str
    message: str
    what: str
    where: str


def check() -> list[Problem]:
    """Texts missing from a catalog (or untranslated in French), stale entries, mismatched fields."""
    problems = []
    for domain, extracted in extract().items():
        for locale in SUPPORTED_LOCALES:
            catalog = read_catalog(locale, domain)
            known: dict[Key, Message] = {(_message_id(m.id), m.context): m for m in catalog if m.id}
            for key, locations in extracted.messages.items():
                where = f"{locations[0][0]}:{locations[0][1]}"
                entry = known.get(key)
                label = str(key[0])
                if entry is None:
                    problems.append(Problem(domain, locale, label, "missing from the catalog", where))
                elif locale == DEFAULT_LOCALE and (entry.fuzzy or not _translated(entry.string)):
                    problems.append(Problem(domain, locale, label, "not translated", where))
                elif locale != DEFAULT_LOCALE and _any_text(entry.string):
                    # The code's texts are English: an English entry holding text would replace them
                    # (a French translation pasted there showed French on English pages).
                    problems.append(Problem(domain, locale, label, "holds a text: leave it empty", where))
                elif errors := list(entry.check(catalog)):
                    problems.append(Problem(domain, locale, label, f"bad translation: {errors[0]}", where))
            for key in known.keys() - extracted.messages.keys():
                where = po_path(locale, domain).name
                stale = Problem(domain, locale, str(key[0]), "no longer in the sources", where)
                problems.append(stale)
    return problems


def _message_id(value: object) -> MessageId:
    if isinstance(value, tuple | list):
        return (str(value[0]), str(value[1]))
    return str(value)


def _any_text(value: object) -> bool:
    return any(bool(v) for v in value) if isinstance(value, tuple | list) else bool(value)


def _translated(value: object) -> bool:
    if isinstance(value, tuple | list):
        return all(bool(v) for v in value)
    return bool(value)
