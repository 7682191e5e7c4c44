"""Wire shapes of the taxonomy and the rate grid."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from models.enums import TaxonomyKind
from service.background.jobs import JobOut


class TaxonomyItemOut(msgspec.Struct):
    id: str
    kind: TaxonomyKind
    label_en: str
    label_fr: str
    description: str


class RateBandOut(msgspec.Struct):
    id: str
    label_en: str
    label_fr: str
    min_years: float
    max_years: float | None
    tjm_low: int
    tjm_high: int
    tjm_ceiling: int | None
    note: str


class RateBandSaved(RateBandOut, kw_only=True):
    """The band as GET /api/v1/rate-grid lists it, and the rescore its change queued."""

    job: Annotated[
        JobOut | None,
        msgspec.Meta(
            description="The full rescore job this change queued (follow it at GET /api/v1/jobs/{id}); "
            "null when no rate moved (a note alone queues nothing)."
        ),
    ] = None


class SalariedReference(msgspec.Struct):
    source: str
    annual_average: int
    annual_low: int
    annual_high: int


class RateGridOut(msgspec.Struct):
    currency: str
    unit: str
    bands: list[RateBandOut]
    salaried_reference: SalariedReference


Tjm = Annotated[int, msgspec.Meta(ge=100, le=5000, description="€ per day")]


class RateBandUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Operators adjust a band's figures; the band boundaries stay those of the source."""

    tjm_low: Tjm | msgspec.UnsetType = msgspec.UNSET
    tjm_high: Tjm | msgspec.UnsetType = msgspec.UNSET
    tjm_ceiling: Tjm | msgspec.UnsetType | None = msgspec.UNSET
    note: Annotated[str, msgspec.Meta(max_length=500)] | msgspec.UnsetType = msgspec.UNSET
    reason: (
        Annotated[
            str,
            msgspec.Meta(max_length=500, description="Why the figures change (kept in the grid's history)."),
        ]
        | msgspec.UnsetType
    ) = msgspec.UNSET


class BandFiguresOut(msgspec.Struct):
    tjm_low: int
    tjm_high: int
    tjm_ceiling: int | None
    note: str


class GridRevisionOut(msgspec.Struct, kw_only=True):
    """One change of a band, as the grid's append-only history keeps it."""

    id: int
    band_id: str
    actor_account_id: int | None
    """Null for the initial load of the grid."""
    actor_email: str | None
    created_at: datetime
    before: BandFiguresOut | None
    """Null for the initial load of the grid."""
    after: BandFiguresOut
    reason: str | None


class BudgetChangeOut(msgspec.Struct, kw_only=True):
    mission_id: int
    title: str
    tjm_min: int
    tjm_max: int
    position_before: str
    position_after: str


class GridPreviewOut(msgspec.Struct, kw_only=True):
    """What saving these figures would do; nothing was written."""

    band_id: str
    before: BandFiguresOut
    after: BandFiguresOut
    warnings_appearing: list[BudgetChangeOut]
    """Open missions of the band whose budget warning would appear."""
    warnings_disappearing: list[BudgetChangeOut]
    """Open missions of the band whose budget warning would disappear."""
    matches_checked: int
    """Stored matches rescored in memory with the new grid."""
    matches_moving: int
    """Of which would move by more than `move_threshold` points."""
    largest_move: float
    """The largest move of a stored score, in points (0-100 scale)."""
    move_threshold: float


SuggestionText = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=20_000,
        description="A profile's summary or a mission's description, in French or English "
        "(1 to 20,000 characters).",
    ),
]


class SuggestionRequest(msgspec.Struct, forbid_unknown_fields=True):
    text: SuggestionText


class TaxonomySuggestionOut(msgspec.Struct):
    id: str
    kind: TaxonomyKind
    label: Annotated[str, msgspec.Meta(description="The label in the reader's language.")]
    label_fr: str
    label_en: str
    words: Annotated[
        list[str],
        msgspec.Meta(
            description="What the text wrote for it, as written, in text order: why it is suggested."
        ),
    ]


class TaxonomySuggestionsOut(msgspec.Struct):
    items: Annotated[
        list[TaxonomySuggestionOut],
        msgspec.Meta(description="The competences and CTO missions the text names, in the taxonomy's order."),
    ]
