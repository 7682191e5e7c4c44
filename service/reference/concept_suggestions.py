"""Taxonomy items a free text names (a profile's summary, a mission's description), found with the
concept lexicon, so a person can tick what they already wrote about, in French or in English."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from models.enums import TaxonomyKind
from service.fixture_files import TAXONOMY
from service.i18n import localised
from service.reference.lexicon import concept_lexicon


@dataclass(frozen=True)
class TaxonomyEntry:
    id: str
    kind: TaxonomyKind
    label_fr: str
    label_en: str


@dataclass(frozen=True)
class ConceptSuggestion:
    """A taxonomy item the text names, and the words of the text that name it."""

    item: TaxonomyEntry
    words: tuple[str, ...]

    @property
    def label(self) -> str:
        """The label in the reader's language."""
        return localised(self.item.label_fr, self.item.label_en)


@cache
def _taxonomy() -> dict[str, tuple[int, TaxonomyEntry]]:
    """id → (position in the taxonomy file, item): the lexicon is checked against the same file."""
    items = json.loads(TAXONOMY.read_text(encoding="utf-8"))["items"]
    return {
        str(i["id"]): (n, TaxonomyEntry(str(i["id"]), TaxonomyKind(i["kind"]), i["label_fr"], i["label_en"]))
        for n, i in enumerate(items)
    }


def suggest_concepts(text: str) -> list[ConceptSuggestion]:
    """What `text` names, in the taxonomy's order (the order of the pickers' groups)."""
    taxonomy = _taxonomy()
    hits = sorted(concept_lexicon().find(text), key=lambda hit: taxonomy[hit.concept_id][0])
    return [ConceptSuggestion(taxonomy[hit.concept_id][1], hit.words) for hit in hits]
