"""Wire shapes of freelancer profiles: create, update, and the private and public read views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from models.enums import Context, Orientation, RemotePreference
from service.common_schemas import (
    City,
    DaysPerWeek,
    Email,
    Level,
    LongText,
    Name,
    Phone,
    ShortText,
    Tag,
    TaxonomyId,
    Tjm,
    Url,
    Year,
    Years,
)


class CompetenceLevel(msgspec.Struct, forbid_unknown_fields=True):
    id: TaxonomyId
    level: Level = 3


class Certification(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    category: TaxonomyId | None = None


class PastRole(msgspec.Struct, forbid_unknown_fields=True):
    title: Name
    company: Name
    context: Context
    start_year: Year
    end_year: Year | None = None


class PublicReference(msgspec.Struct, forbid_unknown_fields=True):
    """A reference a company can check, as anyone allowed to see the profile sees it."""

    name: Name
    role: ShortText = ""
    company: ShortText = ""
    quote: LongText = ""


class Reference(PublicReference, forbid_unknown_fields=True):
    """The same reference with its contact, which is private data."""

    contact: ShortText | None = None


Competences = Annotated[list[CompetenceLevel], msgspec.Meta(max_length=60)]
IdList = Annotated[list[TaxonomyId], msgspec.Meta(max_length=40)]
Tags = Annotated[list[Tag], msgspec.Meta(max_length=40)]
Certifications = Annotated[list[Certification], msgspec.Meta(max_length=30)]
PastRoles = Annotated[list[PastRole], msgspec.Meta(max_length=30)]
References = Annotated[list[Reference], msgspec.Meta(max_length=20)]
Place = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=120,
        description="a city or a region, 1 to 80 characters once trimmed",
        examples=["Lyon", "Bretagne"],
    ),
]
Mobility = Annotated[
    list[Place],
    msgspec.Meta(
        max_length=30,
        description=(
            "cities or regions where the freelancer can also work on site, besides `location`; "
            "known places are stored in their usual spelling, duplicates once"
        ),
    ),
]


class ProfileCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The profile of an account that already exists (signed up on the web): its e-mail is the account's."""

    full_name: Name
    headline: ShortText
    years_experience: Years
    tjm: Tjm
    available_from: date
    remote_preference: RemotePreference
    summary: LongText = ""
    days_per_week: DaysPerWeek = 5
    location: City = ""
    mobility: Mobility = msgspec.field(default_factory=list)
    mobility_anywhere: bool = False
    orientation: Orientation = Orientation.BOTH
    competences: Competences = msgspec.field(default_factory=list)
    cto_missions: IdList = msgspec.field(default_factory=list)
    sectors: Tags = msgspec.field(default_factory=list)
    certifications: Certifications = msgspec.field(default_factory=list)
    stack: Tags = msgspec.field(default_factory=list)
    past_roles: PastRoles = msgspec.field(default_factory=list)
    references: References = msgspec.field(default_factory=list)
    phone: Phone | None = None
    linkedin_url: Url | None = None


class FreelancerCreate(ProfileCreate, kw_only=True, forbid_unknown_fields=True):
    """Registers a freelancer account and its profile; the response carries the API key once."""

    email: Email


class FreelancerUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """PATCH: only the fields sent change; lists are replaced whole."""

    full_name: Name | msgspec.UnsetType = msgspec.UNSET
    headline: ShortText | msgspec.UnsetType = msgspec.UNSET
    summary: LongText | msgspec.UnsetType = msgspec.UNSET
    years_experience: Years | msgspec.UnsetType = msgspec.UNSET
    tjm: Tjm | msgspec.UnsetType = msgspec.UNSET
    available_from: date | msgspec.UnsetType = msgspec.UNSET
    days_per_week: DaysPerWeek | msgspec.UnsetType = msgspec.UNSET
    remote_preference: RemotePreference | msgspec.UnsetType = msgspec.UNSET
    location: City | msgspec.UnsetType = msgspec.UNSET
    mobility: Mobility | msgspec.UnsetType = msgspec.UNSET
    mobility_anywhere: bool | msgspec.UnsetType = msgspec.UNSET
    orientation: Orientation | msgspec.UnsetType = msgspec.UNSET
    competences: Competences | msgspec.UnsetType = msgspec.UNSET
    cto_missions: IdList | msgspec.UnsetType = msgspec.UNSET
    sectors: Tags | msgspec.UnsetType = msgspec.UNSET
    certifications: Certifications | msgspec.UnsetType = msgspec.UNSET
    stack: Tags | msgspec.UnsetType = msgspec.UNSET
    past_roles: PastRoles | msgspec.UnsetType = msgspec.UNSET
    references: References | msgspec.UnsetType = msgspec.UNSET
    phone: Phone | msgspec.UnsetType | None = msgspec.UNSET
    linkedin_url: Url | msgspec.UnsetType | None = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class FreelancerPublic(msgspec.Struct, kw_only=True, tag_field="view", tag="public"):
    """What companies see before a match is accepted: no e-mail, phone, LinkedIn or reference contacts.

    `view` ("public" or "private") says which shape a body is: the private one holds every public field,
    so without the tag a client (and the OpenAPI `oneOf`) could not tell them apart.
    """

    id: int
    full_name: str
    headline: str
    summary: str
    years_experience: float
    experience_band: str
    tjm: int
    available_from: date
    days_per_week: int
    remote_preference: RemotePreference
    location: str
    #: where else the freelancer can work on site (cities or regions), and whether anywhere in France
    mobility: list[str]
    mobility_anywhere: bool
    orientation: Orientation
    competences: list[CompetenceLevel]
    cto_missions: list[str]
    sectors: list[str]
    certifications: list[Certification]
    stack: list[str]
    past_roles: list[PastRole]
    references: list[PublicReference]
    active: bool
    #: moved by every change; send it back as If-Match ("<revision>") to update only this revision
    revision: int
    created_at: datetime
    updated_at: datetime
    contact_visible: bool = False


class FreelancerPrivate(FreelancerPublic, kw_only=True, tag="private"):
    """The owner's and operators' view (and a company's once its proposal is accepted): contact data too."""

    email: str
    references: list[Reference]  # type: ignore[assignment]  # with their contacts
    phone: str | None
    linkedin_url: str | None
    contact_visible: bool = True
    #: When the freelancer last confirmed their availability; `availability_confirmed` is false once
    #: that is older than the reminder period (or never happened): operators see it as unconfirmed.
    availability_confirmed_at: datetime | None = None
    availability_confirmed: bool = False


class FreelancerRegistered(msgspec.Struct):
    """The one response that carries the API key; it is not stored in clear and cannot be shown again."""

    profile: FreelancerPrivate
    api_key: str
