"""What the profile editor offers to pick: the taxonomy by kind, in the reader's language, and the
closed vocabularies of a profile (remote preference, orientation, past-role context) with their words."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import Orientation, RemotePreference, TaxonomyKind
from service.i18n import _
from service.portal.pickers import (
    COMPETENCE_GROUPS,
    Choice,
    competence_group_title,
)
from service.portal.pickers import taxonomy_choices as _choices
from service.reference.services import list_taxonomy

LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Group:
    kind: str
    title: str
    hint: str
    items: list[Choice]


@dataclass(frozen=True)
class Choices:
    """Everything the editor and the profile page show by label."""

    competence_groups: list[Group]
    cto_missions: list[Choice]
    sectors: list[Choice]
    certifications: list[Choice]

    def label(self, item_id: str) -> str:
        for choice in self.all():
            if choice.id == item_id:
                return choice.label
        return item_id.replace("_", " ")

    def all(self) -> list[Choice]:
        items = [c for g in self.competence_groups for c in g.items]
        return [*items, *self.cto_missions, *self.sectors, *self.certifications]

    def ids_of(self, kinds: str) -> set[str]:
        """The ids of one picker: "competences", "cto_missions", "sectors" or "certifications"."""
        if kinds == "competences":
            return {c.id for g in self.competence_groups for c in g.items}
        return {c.id for c in getattr(self, kinds)}


def _group_hint(kind: TaxonomyKind) -> str:
    hints = {
        TaxonomyKind.HARD_SKILL: _("Technical competences."),
        TaxonomyKind.SOFT_SKILL: _("Leadership, communication, vision…"),
        TaxonomyKind.AGENCY_PROJECT: _("The kinds of projects you led in an agency."),
        TaxonomyKind.AGENCY_PHASE: _("Where you step in, from tender to production."),
        TaxonomyKind.AGENCY_DELIVERABLE: _("The documents you write."),
    }
    return hints[kind]


async def load_choices(session: AsyncSession) -> Choices:
    items = await list_taxonomy(session)
    groups = []
    for kind in COMPETENCE_GROUPS:
        groups.append(
            Group(str(kind), competence_group_title(kind), _group_hint(kind), _choices(items, kind))
        )
    return Choices(
        competence_groups=groups,
        cto_missions=_choices(items, TaxonomyKind.CTO_MISSION),
        sectors=_choices(items, TaxonomyKind.SECTOR),
        certifications=_choices(items, TaxonomyKind.CERTIFICATION),
    )


def level_words() -> dict[int, str]:
    return {
        1: _("1 · notions"),
        2: _("2 · working knowledge"),
        3: _("3 · autonomous"),
        4: _("4 · advanced"),
        5: _("5 · expert"),
    }


def remote_words() -> dict[str, str]:
    return {
        RemotePreference.REMOTE: _("Full remote"),
        RemotePreference.HYBRID: _("Hybrid (remote and on site)"),
        RemotePreference.ONSITE: _("On site"),
        RemotePreference.FLEXIBLE: _("Flexible: whatever the mission needs"),
    }


def orientation_words() -> dict[str, tuple[str, str]]:
    """Each orientation with its one-line explanation (DOMAIN.md §4)."""
    return {
        Orientation.CTO: (
            _("CTO"),
            _("You define and carry out the technology strategy: innovation, new products."),
        ),
        Orientation.DSI: (
            _("DSI (CIO)"),
            _(
                "You run and optimise existing information systems: their security, their fit with "
                "operations."
            ),
        ),
        Orientation.BOTH: (_("Both"), _("You take either kind of mission.")),
    }
