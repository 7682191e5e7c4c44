"""Wire shapes of missions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from models.enums import Context, MissionStatus, Orientation, RemotePolicy
from service.common_schemas import City, DaysPerWeek, LongText, Name, Tag, TaxonomyId, Tjm

IdList = Annotated[list[TaxonomyId], msgspec.Meta(max_length=40)]
Ref = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9._-]{1,80}$")]


class MissionCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Name
    orientation: Orientation
    seniority: Annotated[str, msgspec.Meta(description="experience band id, see GET /api/v1/rate-grid")]
    tjm_min: Tjm
    tjm_max: Tjm
    start_date: date
    remote_policy: RemotePolicy
    context: Context
    description: LongText = ""
    cto_missions: IdList = msgspec.field(default_factory=list)
    required_competences: IdList = msgspec.field(default_factory=list)
    nice_competences: IdList = msgspec.field(default_factory=list)
    end_date: date | None = None
    days_per_week: DaysPerWeek = 5
    location: City = ""
    sector: Tag | None = None
    ref: Ref | None = None
    company_id: Annotated[int | None, msgspec.Meta(description="operators only: the company it is for")] = (
        None
    )


class MissionUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title: Name | msgspec.UnsetType = msgspec.UNSET
    description: LongText | msgspec.UnsetType = msgspec.UNSET
    orientation: Orientation | msgspec.UnsetType = msgspec.UNSET
    seniority: str | msgspec.UnsetType = msgspec.UNSET
    tjm_min: Tjm | msgspec.UnsetType = msgspec.UNSET
    tjm_max: Tjm | msgspec.UnsetType = msgspec.UNSET
    start_date: date | msgspec.UnsetType = msgspec.UNSET
    end_date: date | msgspec.UnsetType | None = msgspec.UNSET
    days_per_week: DaysPerWeek | msgspec.UnsetType = msgspec.UNSET
    remote_policy: RemotePolicy | msgspec.UnsetType = msgspec.UNSET
    location: City | msgspec.UnsetType = msgspec.UNSET
    sector: Tag | msgspec.UnsetType = msgspec.UNSET
    context: Context | msgspec.UnsetType = msgspec.UNSET
    cto_missions: IdList | msgspec.UnsetType = msgspec.UNSET
    required_competences: IdList | msgspec.UnsetType = msgspec.UNSET
    nice_competences: IdList | msgspec.UnsetType = msgspec.UNSET


class BudgetOptionOut(msgspec.Struct, kw_only=True):
    """One way out of a budget warning, figures from the rate grid: `raise_max` (set `tjm_max`) or
    `lower_seniority` (ask for `band`, whose market range `tjm_low`–`tjm_high` the budget reaches)."""

    action: Literal["raise_max", "lower_seniority"]
    text: str
    """The option in the reader's language."""
    tjm_max: int | None = None
    band: str | None = None
    tjm_low: int | None = None
    tjm_high: int | None = None


class MissionOut(msgspec.Struct, kw_only=True):
    id: int
    ref: str | None
    company_id: int
    company_name: str
    title: str
    description: str
    orientation: Orientation
    seniority: str
    tjm_min: int
    tjm_max: int
    start_date: date
    end_date: date | None
    days_per_week: int
    remote_policy: RemotePolicy
    location: str
    sector: str
    context: Context
    cto_missions: list[str]
    required_competences: list[str]
    nice_competences: list[str]
    status: MissionStatus
    budget_warning: str | None
    """In the reader's language, with its ways out; `budget_advice` holds them as data."""
    budget_advice: list[BudgetOptionOut] = msgspec.field(default_factory=list)
    #: moved by every change; send it back as If-Match ("<revision>") to update only this revision
    revision: int
    created_at: datetime
    updated_at: datetime
