"""A lexicon of taxonomy concepts, found in free text whatever its language.

Hashed words only meet when both texts use the same words: a French mission asking for a "recette"
found nothing in an English profile that did "acceptance testing". The lexicon maps the usual French
and English expressions of each taxonomy item to its id, so two texts can be compared by the concepts
they mention. It is data (fixtures/lexicon.json); this module is the pure part: normalising words,
validating the table and finding its expressions in a text, fast enough to run over a whole pool.

Normalisation, applied identically to texts and to expressions:
1. case folded, "œ"/"æ" written "oe"/"ae", accents stripped (`matching.text.strip_accents`);
2. split on anything that is not a letter or a digit ("pré-sales" → "pre", "sales");
3. French elisions dropped: the apostrophe makes l, d, j, m, n, s, t, c, qu, jusqu, lorsqu, puisqu words
   of their own, and those words are dropped ("l'application" → "application", "appel d'offres" →
   "appel", "offres"), as are a few articles and prepositions (`FILLER_WORDS`), so "cahier de charges"
   is "cahier des charges" and "mise en production" is "mise production";
4. plurals singularised by one rule: a final "s" or "x" goes from a word of 4 letters or more
   ("charges" → "charge", "réseaux" → "reseau"; "ios" stays); English "-ies" is not turned into "-y",
   so the lexicon lists both "technology" and "technologies" where both are usual.

Finding: the text's words are read left to right; at each word the longest expression starting there
wins, and the words it covers are not read again (matches never overlap). A match may run across
punctuation between its words.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

ELISIONS: frozenset[str] = frozenset(
    {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu"}
)
"""French elided articles and pronouns (l', d', qu', …): the apostrophe splits them off as words of
their own, dropped wherever they stand."""
_FILLERS = """
a an the of to for and in on with
au aux de des du la le les un une en et dans pour par sur avec
"""
FILLER_WORDS: frozenset[str] = (
    frozenset(w[:-1] if w[-1] in "sx" and len(w) > 3 else w for w in _FILLERS.split()) | ELISIONS
)
"""Dropped from texts and expressions alike: they carry no concept, and writers vary them."""

_WORD = re.compile(r"[^\W_]+")
"""A run of letters or digits (any script)."""
_LATIN_MARKS = re.compile("[\u0300-\u036f]+")
"""The combining diacritics of Latin text, left as separate characters by NFKD."""


def _fold(text: str) -> str:
    """Case folded, accents stripped, "œ"/"æ" spelt out. What `matching.text.strip_accents` does to
    Latin text, without its character-by-character pass over what stays non-ASCII (an apostrophe
    "’" or a dash is enough to send a French text there): that pass was most of the time."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    if folded.isascii():
        return folded
    folded = _LATIN_MARKS.sub("", folded)
    if "œ" in folded:
        folded = folded.replace("œ", "oe")
    if "æ" in folded:
        folded = folded.replace("æ", "ae")
    return folded


def _words_of(folded: str) -> list[str]:
    """The compared words of folded text: split, plurals singularised (the rule is inlined: this is
    the hot loop), then fillers dropped (so "unes" goes as "une" does)."""
    return [
        singular
        for w in _WORD.findall(folded)
        if (singular := w[:-1] if (w[-1] == "s" or w[-1] == "x") and len(w) > 3 else w) not in FILLER_WORDS
    ]


def normalise_words(text: str) -> list[str]:
    """The words of `text` as the lexicon compares them (see the module's docstring for the rules)."""
    return _words_of(_fold(text))


def _located_words(text: str) -> list[tuple[str, int, int]]:
    """`normalise_words`, each word with the span of the original word it comes from."""
    located: list[tuple[str, int, int]] = []
    for match in _WORD.finditer(text):
        start, end = match.span()
        located.extend((word, start, end) for word in _words_of(_fold(match.group())))
    return located


@dataclass(frozen=True)
class ConceptHit:
    """One concept found in a text, with the expressions of the text that named it."""

    concept_id: str
    words: tuple[str, ...]
    """What the text wrote for it (accents and case kept, spaces collapsed), in text order; an
    expression written twice (even in another case) is listed once, as first written."""


#: For each first word, the expressions starting with it, longest first: (rest of the words, id).
_Starts = Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]


@dataclass(frozen=True)
class Lexicon:
    """Taxonomy concepts and their expressions; equal when their content digest is."""

    ids: tuple[str, ...] = field(compare=False)
    """Concept ids in the table's order."""
    concept_index: Mapping[str, int] = field(compare=False, repr=False)
    """Concept id → its position in `ids` (the column of a concept vector)."""
    expressions: Mapping[tuple[str, ...], str] = field(compare=False, repr=False)
    """Normalised expression → concept id."""
    digest: str
    """SHA-256 of the normalised table: what equality and hashing compare."""
    _starts: _Starts = field(compare=False, repr=False)

    @classmethod
    def from_mapping(cls, doc: Mapping[str, Any], known_ids: Collection[str] | None = None) -> Lexicon:
        """From the lexicon document (`{"concepts": [{"id", "fr": [...], "en": [...]}]}`).

        Raises ValueError naming the concept and the expression at fault: an id not in `known_ids`
        (when given) or listed twice, an expression with no word left once normalised, or one that
        normalises like an expression of another concept.
        """
        concepts = doc.get("concepts")
        if not isinstance(concepts, list):
            raise ValueError("the lexicon needs a 'concepts' list")
        known = None if known_ids is None else frozenset(known_ids)
        ids: list[str] = []
        expressions: dict[tuple[str, ...], str] = {}
        written: dict[tuple[str, ...], str] = {}
        for position, concept in enumerate(concepts):
            if not isinstance(concept, Mapping) or not isinstance(concept.get("id"), str):
                raise ValueError(f"concept #{position + 1} has no string 'id'")
            concept_id = concept["id"]
            if known is not None and concept_id not in known:
                raise ValueError(f"unknown concept id {concept_id!r}: it is not a taxonomy item")
            if concept_id in ids:
                raise ValueError(f"concept id {concept_id!r} is listed twice")
            ids.append(concept_id)
            for language in ("fr", "en"):
                for expression in _expressions(concept, language, concept_id):
                    words = tuple(normalise_words(expression))
                    if not words:
                        raise ValueError(
                            f"empty expression {expression!r} in concept {concept_id!r} ({language})"
                        )
                    other = expressions.setdefault(words, concept_id)
                    if other != concept_id:
                        raise ValueError(
                            f"expression {expression!r} of concept {concept_id!r} is also "
                            f"{written[words]!r} of concept {other!r}"
                        )
                    written.setdefault(words, expression)
        return cls._build(tuple(ids), expressions)

    @classmethod
    def _build(cls, ids: tuple[str, ...], expressions: Mapping[tuple[str, ...], str]) -> Lexicon:
        grouped: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for words, concept_id in expressions.items():
            grouped.setdefault(words[0], []).append((words[1:], concept_id))
        starts = {
            first: tuple(sorted(rests, key=lambda r: (-len(r[0]), r[0]))) for first, rests in grouped.items()
        }
        canonical = json.dumps(
            {"ids": ids, "expressions": sorted([list(w), c] for w, c in expressions.items())},
            ensure_ascii=True,
            separators=(",", ":"),
        )
        return cls(
            ids=ids,
            concept_index=MappingProxyType({c: i for i, c in enumerate(ids)}),
            expressions=MappingProxyType(dict(expressions)),
            digest=hashlib.sha256(canonical.encode("ascii")).hexdigest(),
            _starts=MappingProxyType(starts),
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its table (its read-only mappings are not picklable): a worker may ship it."""
        return (Lexicon._build, (self.ids, dict(self.expressions)))

    def concept_ids(self, text: str) -> tuple[str, ...]:
        """The ids of the concepts `text` names, sorted, each once (the engine's fast path)."""
        words = normalise_words(text)
        starts = self._starts
        found: set[str] = set()
        count = len(words)
        i = 0
        while i < count:
            candidates = starts.get(words[i])
            i += 1
            if candidates is None:
                continue
            for rest, concept_id in candidates:
                size = len(rest)
                if not size or tuple(words[i : i + size]) == rest:
                    found.add(concept_id)
                    i += size
                    break
        return tuple(sorted(found))

    def find(self, text: str) -> tuple[ConceptHit, ...]:
        """The concepts `text` names, sorted by id, each with the words of the text that named it."""
        text = unicodedata.normalize("NFC", text)
        located = _located_words(text)
        words = [w for w, _, _ in located]
        starts = self._starts
        spans: dict[str, dict[str, str]] = {}
        count = len(words)
        i = 0
        while i < count:
            candidates = starts.get(words[i])
            if candidates is None:
                i += 1
                continue
            for rest, concept_id in candidates:
                size = len(rest)
                if not size or tuple(words[i + 1 : i + 1 + size]) == rest:
                    written = " ".join(text[located[i][1] : located[i + size][2]].split())
                    spans.setdefault(concept_id, {}).setdefault(_fold(written), written)
                    i += size
                    break
            i += 1
        return tuple(ConceptHit(c, tuple(spans[c].values())) for c in sorted(spans))


def _expressions(concept: Mapping[str, Any], language: str, concept_id: str) -> Iterable[str]:
    values = concept.get(language, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"concept {concept_id!r}: '{language}' must be a list of expressions")
    return values
