"""What the profile and mission forms both offer to pick: taxonomy items of one kind in the reader's
language, the competence kinds in the order the pickers show them, and the company contexts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models import TaxonomyItem
from models.enums import Context, TaxonomyKind
from service.i18n import _, localised

#: The competence kinds, in the order both forms show them.
COMPETENCE_GROUPS: tuple[TaxonomyKind, ...] = (
    TaxonomyKind.HARD_SKILL,
    TaxonomyKind.SOFT_SKILL,
    TaxonomyKind.AGENCY_PROJECT,
    TaxonomyKind.AGENCY_PHASE,
    TaxonomyKind.AGENCY_DELIVERABLE,
)


@dataclass(frozen=True)
class Choice:
    id: str
    label: str


def taxonomy_choices(items: Sequence[TaxonomyItem], kind: TaxonomyKind) -> list[Choice]:
    """The items of `kind` with their label in the reader's language, alphabetically."""
    chosen = [Choice(i.id, localised(i.label_fr, i.label_en)) for i in items if i.kind is kind]
    return sorted(chosen, key=lambda c: c.label.casefold())


def competence_group_title(kind: TaxonomyKind) -> str:
    titles = {
        TaxonomyKind.HARD_SKILL: _("Hard skills"),
        TaxonomyKind.SOFT_SKILL: _("Soft skills"),
        TaxonomyKind.AGENCY_PROJECT: _("Agency projects"),
        TaxonomyKind.AGENCY_PHASE: _("Agency project phases"),
        TaxonomyKind.AGENCY_DELIVERABLE: _("Agency deliverables"),
    }
    return titles[kind]


def context_words() -> dict[str, str]:
    return {
        Context.AGENCY: _("Agency"),
        Context.STARTUP: _("Start-up"),
        Context.SCALEUP: _("Scale-up"),
        Context.FINTECH: _("Fintech"),
        Context.INDUSTRIAL: _("Industry"),
        Context.ENTERPRISE: _("Large company"),
        Context.PUBLIC_SECTOR: _("Public sector"),
    }
