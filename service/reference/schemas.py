"""Wire shapes of the taxonomy and the rate grid."""

from __future__ import annotations

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
