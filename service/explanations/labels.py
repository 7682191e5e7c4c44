"""The words an explanation puts on ids: taxonomy labels (the taxonomy's own French and English), and
the closed vocabularies of the schema (contexts, remote policies, orientations), translated here.

The API reads the taxonomy labels from the packaged taxonomy file: the database's taxonomy is that file,
upserted by `ctomatch load-fixtures`, and no API edits it, so a list of matches needs no extra query.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from service.fixture_files import TAXONOMY
from service.i18n import N_, _, localised


@dataclass(frozen=True)
class Labels:
    """Taxonomy id → (label_fr, label_en); an unknown id (a free-form sector tag) reads as itself."""

    items: Mapping[str, tuple[str, str]]

    def __call__(self, item_id: str) -> str:
        pair = self.items.get(item_id)
        return localised(*pair) if pair else item_id.replace("_", " ")

    @classmethod
    def from_items(cls, items: Iterable[Any]) -> Labels:
        """From taxonomy rows or the taxonomy file's items (anything with id, label_fr, label_en)."""
        return cls(
            {str(_field(i, "id")): (str(_field(i, "label_fr")), str(_field(i, "label_en"))) for i in items}
        )

    @classmethod
    def from_taxonomy(cls, taxonomy: Mapping[str, Any]) -> Labels:
        """From a taxonomy document (fixtures/taxonomy.json: `{"items": [...]}`)."""
        return cls.from_items(taxonomy["items"])


def _field(item: Any, name: str) -> Any:
    return item[name] if isinstance(item, Mapping) else getattr(item, name)


@cache
def taxonomy_labels() -> Labels:
    """The labels of the packaged taxonomy, read once per process."""
    return Labels.from_taxonomy(json.loads(TAXONOMY.read_text(encoding="utf-8")))


#: Company and past-role contexts (models.enums.Context), as a phrase after "in" and as a bare name.
CONTEXT_PHRASES: Final = {
    "agency": N_("an agency context"),
    "startup": N_("a startup context"),
    "scaleup": N_("a scale-up context"),
    "fintech": N_("a fintech context"),
    "industrial": N_("an industrial context"),
    "enterprise": N_("a large-company context"),
    "public_sector": N_("a public sector context"),
}
CONTEXT_NAMES: Final = {
    "agency": N_("agency"),
    "startup": N_("startup"),
    "scaleup": N_("scale-up"),
    "fintech": N_("fintech"),
    "industrial": N_("industry"),
    "enterprise": N_("large company"),
    "public_sector": N_("public sector"),
}
#: What a freelancer prefers (models.enums.RemotePreference) and what a mission offers (RemotePolicy).
REMOTE_PREFERENCE_LABELS: Final = {
    "remote": N_("full remote"),
    "hybrid": N_("hybrid"),
    "onsite": N_("on site"),
    "flexible": N_("flexible"),
}
MISSION_REMOTE_LABELS: Final = {
    "remote": N_("full-remote mission"),
    "hybrid": N_("hybrid mission"),
    "onsite": N_("on-site mission"),
}
#: CTO or DSI (DOMAIN.md §4), models.enums.Orientation.
ORIENTATION_LABELS: Final = {
    "cto": N_("CTO (strategy, innovation, new products)"),
    "dsi": N_("DSI (running and optimising existing information systems)"),
    "both": N_("both CTO and DSI"),
}


def _word(table: Mapping[str, str], key: str) -> str:
    text = table.get(key)
    return _(text) if text is not None else key.replace("_", " ")


def context_phrase(context: str) -> str:
    return _word(CONTEXT_PHRASES, context)


def context_name(context: str) -> str:
    return _word(CONTEXT_NAMES, context)


def preference(value: str) -> str:
    return _word(REMOTE_PREFERENCE_LABELS, value)


def mission_remote(value: str) -> str:
    return _word(MISSION_REMOTE_LABELS, value)


def orientation(value: str) -> str:
    return _word(ORIENTATION_LABELS, value)
