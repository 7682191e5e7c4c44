"""What the company's forms offer to pick, in the reader's language: the taxonomy by kind, the grid's
bands, and the closed vocabularies of a company and a mission (context, size, remote policy, …)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models import RateBand
from models.enums import CompanySize, MatchStatus, Orientation, RemotePolicy, TaxonomyKind
from service.i18n import _, format_money, localised
from service.portal.pickers import (
    COMPETENCE_GROUPS,
    Choice,
    competence_group_title,
)
from service.portal.pickers import taxonomy_choices as _choices
from service.reference.services import list_rate_bands, list_taxonomy

DAYS_PER_WEEK = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Group:
    kind: str
    title: str
    items: list[Choice]


@dataclass(frozen=True)
class Band:
    """An experience band of the grid with its label and market range, as the form's select shows it."""

    id: str
    label: str
    tjm_low: int
    tjm_high: int

    @property
    def option(self) -> str:
        return _(
            "%(band)s · market %(low)s–%(high)s",
            band=self.label,
            low=format_money(self.tjm_low),
            high=format_money(self.tjm_high),
        )


@dataclass(frozen=True)
class Choices:
    """Everything the mission form and pages show by label."""

    competence_groups: list[Group]
    cto_missions: list[Choice]
    sectors: list[Choice]
    bands: list[Band]

    def label(self, item_id: str) -> str:
        for choice in [
            *(c for g in self.competence_groups for c in g.items),
            *self.cto_missions,
            *self.sectors,
        ]:
            if choice.id == item_id:
                return choice.label
        return item_id.replace("_", " ")

    def band(self, band_id: str) -> Band | None:
        return next((b for b in self.bands if b.id == band_id), None)

    def band_label(self, band_id: str) -> str:
        band = self.band(band_id)
        return band.label if band else band_id

    def competence_ids(self) -> list[str]:
        return [c.id for g in self.competence_groups for c in g.items]


def _bands(rows: Sequence[RateBand]) -> list[Band]:
    return [Band(b.id, localised(b.label_fr, b.label_en), b.tjm_low, b.tjm_high) for b in rows]


async def load_choices(session: AsyncSession) -> Choices:
    items = await list_taxonomy(session)
    groups = [
        Group(str(kind), competence_group_title(kind), _choices(items, kind)) for kind in COMPETENCE_GROUPS
    ]
    return Choices(
        competence_groups=groups,
        cto_missions=_choices(items, TaxonomyKind.CTO_MISSION),
        sectors=_choices(items, TaxonomyKind.SECTOR),
        bands=_bands(await list_rate_bands(session)),
    )


def size_words() -> dict[str, str]:
    return {
        CompanySize.XS: _("1 to 10 people"),
        CompanySize.S: _("11 to 50 people"),
        CompanySize.M: _("51 to 200 people"),
        CompanySize.L: _("201 to 1,000 people"),
        CompanySize.XL: _("more than 1,000 people"),
    }


def remote_words() -> dict[str, str]:
    return {
        RemotePolicy.REMOTE: _("Full remote"),
        RemotePolicy.HYBRID: _("Hybrid (remote and on site)"),
        RemotePolicy.ONSITE: _("On site"),
    }


def orientation_words() -> dict[str, str]:
    """CTO or DSI (CIO): who the mission is for."""
    return {
        Orientation.CTO: _("CTO: technology strategy, innovation, new products"),
        Orientation.DSI: _("DSI (CIO): running and optimising the existing information systems"),
        Orientation.BOTH: _("Either: a CTO or a DSI"),
    }


def status_words() -> dict[str, str]:
    """A proposal's status as the company reads it."""
    return {
        MatchStatus.PROPOSED: _("awaiting your answer"),
        MatchStatus.FREELANCER_INTERESTED: _("the freelancer is interested: awaiting your answer"),
        MatchStatus.ACCEPTED: _("accepted"),
        MatchStatus.DECLINED: _("declined"),
        MatchStatus.FREELANCER_DECLINED: _("the freelancer declined"),
    }
