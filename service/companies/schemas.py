"""Wire shapes of companies."""

from __future__ import annotations

from datetime import datetime

import msgspec

from models.enums import CompanySize, Context
from service.common_schemas import City, Email, LongText, Name, Phone, Tag


class CompanyCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Registers a company account; the response carries its API key once."""

    email: Email
    name: Name
    context: Context
    size: CompanySize
    sector: Tag | None = None
    city: City = ""
    description: LongText = ""
    phone: Phone | None = None


class CompanyUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    context: Context | msgspec.UnsetType = msgspec.UNSET
    size: CompanySize | msgspec.UnsetType = msgspec.UNSET
    sector: Tag | msgspec.UnsetType = msgspec.UNSET
    city: City | msgspec.UnsetType = msgspec.UNSET
    description: LongText | msgspec.UnsetType = msgspec.UNSET
    phone: Phone | msgspec.UnsetType | None = msgspec.UNSET


class CompanyPublic(msgspec.Struct, kw_only=True, tag_field="view", tag="public"):
    """What any signed-in account sees; `view` ("public" or "private") tells it from the owner's view."""

    id: int
    name: str
    context: Context
    size: CompanySize
    sector: str
    city: str
    description: str
    active: bool
    #: moved by every change; send it back as If-Match ("<revision>") to update only this revision
    revision: int
    created_at: datetime
    updated_at: datetime


class CompanyPrivate(CompanyPublic, kw_only=True, tag="private"):
    """The owner's and operators' view."""

    email: str
    phone: str | None


class CompanyRegistered(msgspec.Struct):
    company: CompanyPrivate
    api_key: str
