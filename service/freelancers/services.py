"""Business rules of freelancer profiles: registration, who may read and edit what, filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Integer, Row, Select, exists, literal, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Account,
    FreelancerProfile,
    Match,
    Mission,
    ProfileCompetence,
    ProfileCtoMission,
    RateBand,
)
from models.base import utcnow
from models.enums import COMPETENCE_KINDS, MatchStatus, RemotePreference, Role, TaxonomyKind
from service.accounts.services import idempotency_key_errors, register_account
from service.auth.actor import Actor
from service.background.queue import WorkQueue
from service.engine_inputs.rows import grid_from_rows
from service.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from service.freelancers.availability import is_confirmed
from service.freelancers.mobility import clean_mobility, mobility_errors
from service.freelancers.schemas import (
    Certification,
    CompetenceLevel,
    FreelancerCreate,
    FreelancerPrivate,
    FreelancerPublic,
    FreelancerUpdate,
    PastRole,
    ProfileCreate,
    PublicReference,
)
from service.i18n import _
from service.market.services import band_for_years
from service.pagination import PageParams
from service.querying import apply_sort, check_range, count_of, page_total
from service.reference.services import check_taxonomy_ids, list_rate_bands, unknown_band
from service.revisions import lock_for_write
from service.shapes import apply_patch, body_values, columns_for, only_fields, read_shape
from service.validation_hooks import checks_references
from service.validation_texts import Code

#: A company sees a freelancer's contact data once it has accepted a proposal of that freelancer
#: for one of its missions (README, "Access rules").
CONTACT_VISIBLE_STATUSES = frozenset({MatchStatus.ACCEPTED})

#: Body fields stored as child rows (`_set_competences`, `_set_cto_missions`), not as columns.
CHILD_ROW_FIELDS = frozenset({"competences", "cto_missions"})

#: More writes made with a profile's own, in its transaction (service.people: a merge, an audit row).
ProfileWriteHook = Callable[[FreelancerProfile], None]

SORT_KEYS = {
    "tjm": FreelancerProfile.tjm,
    "years_experience": FreelancerProfile.years_experience,
    "available_from": FreelancerProfile.available_from,
    "created_at": FreelancerProfile.created_at,
    "updated_at": FreelancerProfile.updated_at,
    "full_name": FreelancerProfile.full_name,
}


@dataclass(frozen=True)
class FreelancerFilters:
    competences: Sequence[str] = ()
    band: str | None = None
    tjm_min: int | None = None
    tjm_max: int | None = None
    remote: RemotePreference | None = None
    available_by: date | None = None
    active: bool | None = True
    sort: str = "-updated_at"


async def _validate_profile_fields(
    session: AsyncSession,
    *,
    competences: Sequence[CompetenceLevel] | None,
    cto_missions: Sequence[str] | None,
    certifications: Sequence[Certification] | None,
    past_roles: Sequence[PastRole] | None,
    mobility: Sequence[str] | None,
) -> None:
    errors = await profile_field_errors(
        session,
        competences=competences,
        cto_missions=cto_missions,
        certifications=certifications,
        past_roles=past_roles,
        mobility=mobility,
    )
    if errors:
        raise InvalidInput(errors)


async def profile_field_errors(
    session: AsyncSession,
    *,
    competences: Sequence[CompetenceLevel] | None = None,
    cto_missions: Sequence[str] | None = None,
    certifications: Sequence[Certification] | None = None,
    past_roles: Sequence[PastRole] | None = None,
    mobility: Sequence[str] | None = None,
) -> list[FieldError]:
    """Every rule the taxonomy, the dates and the places set on a profile's lists, at once (None: not
    checked)."""
    errors: list[FieldError] = []
    if competences is not None:
        found = await check_taxonomy_ids(
            session, [c.id for c in competences], COMPETENCE_KINDS, "body.competences"
        )
        errors += [replace(e, field=e.field.replace("]", "].id", 1)) for e in found]
    if cto_missions is not None:
        errors += await check_taxonomy_ids(
            session, cto_missions, {TaxonomyKind.CTO_MISSION}, "body.cto_missions"
        )
    for index, cert in enumerate(certifications or ()):
        if cert.category is not None:
            found = await check_taxonomy_ids(
                session,
                [cert.category],
                {TaxonomyKind.CERTIFICATION},
                f"body.certifications[{index}].category",
            )
            errors += [replace(e, field=f"body.certifications[{index}].category") for e in found]
    for index, role in enumerate(past_roles or ()):
        if role.end_year is not None and role.end_year < role.start_year:
            reason = _(
                "end_year %(end)s is before start_year %(start)s", end=role.end_year, start=role.start_year
            )
            errors.append(FieldError(f"body.past_roles[{index}].end_year", reason, Code.INCONSISTENT))
    if mobility is not None:
        errors += mobility_errors(mobility)
    return errors


@checks_references(FreelancerCreate, FreelancerUpdate)
async def _valid_field_errors(session: AsyncSession, fields: Mapping[str, Any]) -> list[FieldError]:
    """What the valid fields of a body refused for its shape break (service.validation_hooks)."""
    return await profile_field_errors(
        session,
        competences=fields.get("competences"),
        cto_missions=fields.get("cto_missions"),
        certifications=fields.get("certifications"),
        past_roles=fields.get("past_roles"),
        mobility=fields.get("mobility"),
    )


def _set_competences(profile: FreelancerProfile, competences: Sequence[CompetenceLevel]) -> None:
    profile.competences = [ProfileCompetence(competence_id=c.id, level=c.level) for c in competences]


def _set_cto_missions(profile: FreelancerProfile, ids: Sequence[str]) -> None:
    profile.cto_missions = [ProfileCtoMission(cto_mission_id=i) for i in ids]


async def register_freelancer(
    session: AsyncSession,
    data: FreelancerCreate,
    secret_key: str,
    api_key: str | None = None,
    *,
    queue: WorkQueue | None = None,
    idempotency_key: str | None = None,
) -> tuple[FreelancerProfile, str]:
    """Creates the account and profile; a retry with the same `idempotency_key` answers the same profile."""
    errors = await profile_field_errors(
        session,
        competences=data.competences,
        cto_missions=data.cto_missions,
        certifications=data.certifications,
        past_roles=data.past_roles,
        mobility=data.mobility,
    )
    if errors := errors + idempotency_key_errors(idempotency_key):  # one 422 for the body and the header
        raise InvalidInput(errors)
    data = msgspec.structs.replace(data, mobility=clean_mobility(data.mobility))

    def attach(account: Account) -> None:
        profile = FreelancerProfile(
            account_id=account.id,
            account=account,
            **body_values(data, handled=CHILD_ROW_FIELDS | {"email"}),  # the e-mail is the account's
        )
        _set_competences(profile, data.competences)
        _set_cto_missions(profile, data.cto_missions)
        session.add(profile)

    registration = await register_account(
        session,
        email=data.email,
        role=Role.FREELANCER,
        display_name=data.full_name,
        secret_key=secret_key,
        request=data,
        attach=attach,
        idempotency_key=idempotency_key,
        api_key=api_key,
    )
    profile = (
        await session.scalars(
            select(FreelancerProfile).where(FreelancerProfile.account_id == registration.account.id)
        )
    ).one()
    if queue is not None:
        await queue.profile_changed(profile.id)
    return profile, registration.api_key


async def create_profile_for_account(
    session: AsyncSession, account_id: int, data: ProfileCreate, *, queue: WorkQueue | None = None
) -> FreelancerProfile:
    """The profile of a freelancer account made without one (web sign-up); its availability counts as
    confirmed. Same checks and scoring as `register_freelancer`; one profile per account (409)."""
    account = await session.get(Account, account_id)
    if account is None or account.role is not Role.FREELANCER:
        raise Forbidden(_("only a freelancer account may have a freelancer profile"))
    if await session.scalar(select(FreelancerProfile.id).where(FreelancerProfile.account_id == account_id)):
        raise Conflict(_("this account already has a profile: change it instead"))
    await _validate_profile_fields(
        session,
        competences=data.competences,
        cto_missions=data.cto_missions,
        certifications=data.certifications,
        past_roles=data.past_roles,
        mobility=data.mobility,
    )
    data = msgspec.structs.replace(data, mobility=clean_mobility(data.mobility))
    profile = FreelancerProfile(
        account_id=account.id,
        account=account,
        availability_confirmed_at=utcnow(),
        **body_values(data, handled=CHILD_ROW_FIELDS),
    )
    _set_competences(profile, data.competences)
    _set_cto_missions(profile, data.cto_missions)
    session.add(profile)
    try:
        await session.commit()
    except IntegrityError as exc:  # the same account, twice at once: the unique account_id refuses one
        await session.rollback()
        raise Conflict(_("this account already has a profile: change it instead")) from exc
    if queue is not None:
        await queue.profile_changed(profile.id)
    return profile


async def get_profile(session: AsyncSession, profile_id: int) -> FreelancerProfile:
    profile = await session.get(FreelancerProfile, profile_id)
    if profile is None:
        raise NotFound(_("no freelancer profile %(id)s", id=profile_id))
    return profile


def _ensure_owner_or_operator(actor: Actor, profile: FreelancerProfile) -> None:
    if actor.is_operator or actor.freelancer_id == profile.id:
        return
    raise Forbidden(_("only the freelancer themself or an operator may change this profile"))


async def company_sees_contact(session: AsyncSession, company_id: int, freelancer_id: int) -> bool:
    query = select(
        exists().where(
            Match.freelancer_id == freelancer_id,
            Match.mission_id == Mission.id,
            Mission.company_id == company_id,
            Match.status.in_(CONTACT_VISIBLE_STATUSES),
        )
    )
    return bool(await session.scalar(query))


async def read_profile_for(
    session: AsyncSession, actor: Actor, profile_id: int
) -> FreelancerPublic | FreelancerPrivate:
    """Owner and operators get the private view; companies the public one (private once accepted)."""
    profile = await get_profile(session, profile_id)
    bands = await list_rate_bands(session)
    if actor.is_operator or actor.freelancer_id == profile.id:
        return to_private(profile, bands)
    if actor.role is Role.COMPANY and actor.company_id is not None:
        if await company_sees_contact(session, actor.company_id, profile.id):
            return to_private(profile, bands)
        if not profile.active:  # a deactivated profile left the market: as if missing
            raise NotFound(_("no freelancer profile %(id)s", id=profile_id))
        return to_public(profile, bands)
    raise Forbidden(_("a freelancer may read only their own profile"))


def _filter_clauses(filters: FreelancerFilters, bands: Sequence[RateBand]) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.active is not None:
        where.append(FreelancerProfile.active.is_(filters.active))
    for competence_id in filters.competences:
        where.append(
            exists().where(
                ProfileCompetence.profile_id == FreelancerProfile.id,
                ProfileCompetence.competence_id == competence_id,
            )
        )
    if filters.band is not None:
        band = next((b for b in bands if b.id == filters.band), None)
        if band is None:
            raise InvalidInput([unknown_band("query.band", filters.band, bands)])
        where.append(FreelancerProfile.years_experience >= band.min_years)
        if band.max_years is not None:
            where.append(FreelancerProfile.years_experience < band.max_years)
    check_range(filters.tjm_min, filters.tjm_max)
    if filters.tjm_min is not None:
        where.append(FreelancerProfile.tjm >= filters.tjm_min)
    if filters.tjm_max is not None:
        where.append(FreelancerProfile.tjm <= filters.tjm_max)
    if filters.remote is not None:
        where.append(FreelancerProfile.remote_preference == filters.remote)
    if filters.available_by is not None:
        where.append(FreelancerProfile.available_from <= filters.available_by)
    return where


#: The profile columns each view shows: a company's listing never selects the private ones.
_PUBLIC_COLUMNS = columns_for(FreelancerProfile, FreelancerPublic)
_PRIVATE_COLUMNS = (*columns_for(FreelancerProfile, FreelancerPrivate), Account.email)


async def _child_lists(
    session: AsyncSession, profile_ids: Sequence[int]
) -> tuple[dict[int, list[CompetenceLevel]], dict[int, list[str]]]:
    """The competences and CTO missions of these profiles, in one query, each list sorted by id."""
    competences: dict[int, list[CompetenceLevel]] = {i: [] for i in profile_ids}
    cto_missions: dict[int, list[str]] = {i: [] for i in profile_ids}
    if not profile_ids:
        return competences, cto_missions
    query = union_all(
        select(ProfileCompetence.profile_id, ProfileCompetence.competence_id, ProfileCompetence.level).where(
            ProfileCompetence.profile_id.in_(profile_ids)
        ),
        select(ProfileCtoMission.profile_id, ProfileCtoMission.cto_mission_id, literal(None, Integer)).where(
            ProfileCtoMission.profile_id.in_(profile_ids)
        ),
    )
    for profile_id, item_id, level in await session.execute(query):
        if level is None:
            cto_missions[profile_id].append(item_id)
        else:
            competences[profile_id].append(CompetenceLevel(item_id, level))
    for items in competences.values():
        items.sort(key=lambda c: c.id)
    for ids in cto_missions.values():
        ids.sort()
    return competences, cto_missions


async def list_profiles_for(
    session: AsyncSession, actor: Actor, filters: FreelancerFilters, page: PageParams
) -> tuple[list[FreelancerPublic | FreelancerPrivate], int]:
    """One query for the page (its columns only, the total beside them), one for its child lists."""
    if actor.role is Role.FREELANCER:
        raise Forbidden(_("freelancers cannot browse other profiles"))
    if actor.role is Role.COMPANY and filters.active is not True:
        raise Forbidden(_("companies see active profiles only (status=active)"))
    if filters.competences:
        errors = await check_taxonomy_ids(session, filters.competences, COMPETENCE_KINDS, "query.competence")
        if errors:
            raise InvalidInput(errors)
    bands = await list_rate_bands(session)
    ids = select(FreelancerProfile.id).where(*_filter_clauses(filters, bands))
    page_ids = (
        apply_sort(ids, filters.sort, SORT_KEYS, FreelancerProfile.id)
        .limit(page.limit)
        .offset(page.offset)
        .subquery()
    )
    columns = _PRIVATE_COLUMNS if actor.is_operator else _PUBLIC_COLUMNS
    query = (
        select(*columns, count_of(ids).label("total"))
        .select_from(FreelancerProfile)
        .join(page_ids, page_ids.c.id == FreelancerProfile.id)
    )
    if actor.is_operator:
        query = query.join(Account, FreelancerProfile.account_id == Account.id)
    ordered: Select[Any] = apply_sort(query, filters.sort, SORT_KEYS, FreelancerProfile.id)
    rows: Sequence[Row[Any]] = (await session.execute(ordered)).all()
    total = await page_total(session, rows, ids)
    competences, cto_missions = await _child_lists(session, [row.id for row in rows])
    grid = grid_from_rows(bands)
    items: list[FreelancerPublic | FreelancerPrivate] = []
    for row in rows:
        lists = competences[row.id], cto_missions[row.id], grid.band_for_years(row.years_experience).id
        if actor.is_operator:
            items.append(_private_view(row, *lists, email=row.email))
        else:
            items.append(_public_view(row, *lists))
    return items, total


async def update_profile(
    session: AsyncSession,
    actor: Actor,
    profile_id: int,
    data: FreelancerUpdate,
    *,
    queue: WorkQueue | None = None,
    expected_revision: int | None = None,
    confirm_availability: bool = False,
    along: ProfileWriteHook | None = None,
) -> FreelancerPrivate:
    """All or nothing: the row is locked first (service.revisions), then replaced as a whole.

    `confirm_availability`: the freelancer saved their whole profile (the web app's editor), which
    confirms their availability too. `along`: more writes of the same transaction, given the locked
    profile once the change is applied (it may refuse by raising: nothing is then written)."""
    profile = await lock_for_write(
        session, FreelancerProfile, profile_id, expected=expected_revision, what="freelancer profile"
    )
    _ensure_owner_or_operator(actor, profile)
    await _validate_profile_fields(
        session,
        competences=None if data.competences is msgspec.UNSET else data.competences,
        cto_missions=None if data.cto_missions is msgspec.UNSET else data.cto_missions,
        certifications=None if data.certifications is msgspec.UNSET else data.certifications,
        past_roles=None if data.past_roles is msgspec.UNSET else data.past_roles,
        mobility=None if data.mobility is msgspec.UNSET else data.mobility,
    )
    if data.mobility is not msgspec.UNSET:
        data = msgspec.structs.replace(data, mobility=clean_mobility(data.mobility))
    apply_patch(profile, data, handled=CHILD_ROW_FIELDS)
    if data.competences is not msgspec.UNSET:
        _set_competences(profile, data.competences)
    if data.cto_missions is not msgspec.UNSET:
        _set_cto_missions(profile, data.cto_missions)
    if confirm_availability:
        profile.availability_confirmed_at, profile.availability_reminded_at = utcnow(), None
    if along is not None:
        along(profile)
    await session.flush()
    # The answer is what this write stored: built before the commit releases the lock, since a
    # concurrent writer may change the row the moment it is released.
    written = to_private(profile, await list_rate_bands(session))
    await session.commit()
    if queue is not None:
        await queue.profile_changed(profile.id)
    return written


async def deactivate_profile(
    session: AsyncSession,
    actor: Actor,
    profile_id: int,
    *,
    queue: WorkQueue | None = None,
    expected_revision: int | None = None,
    along: ProfileWriteHook | None = None,
) -> FreelancerPrivate:
    """The profile leaves matching (its matches are rescored as excluded); `along` as in `update_profile`."""
    return await update_profile(
        session,
        actor,
        profile_id,
        FreelancerUpdate(active=False),
        queue=queue,
        expected_revision=expected_revision,
        along=along,
    )


def _band_id(profile: FreelancerProfile, bands: Sequence[RateBand]) -> str:
    return band_for_years(bands, profile.years_experience).id


#: A stored profile, or a row of its listed columns: both name the fields alike.
ProfileFields = FreelancerProfile | Row[Any]


def _competences_of(profile: FreelancerProfile) -> list[CompetenceLevel]:
    return [
        CompetenceLevel(c.competence_id, c.level)
        for c in sorted(profile.competences, key=lambda c: c.competence_id)
    ]


def to_public(profile: FreelancerProfile, bands: Sequence[RateBand]) -> FreelancerPublic:
    return _public_view(
        profile,
        _competences_of(profile),
        sorted(m.cto_mission_id for m in profile.cto_missions),
        _band_id(profile, bands),
    )


def to_private(profile: FreelancerProfile, bands: Sequence[RateBand]) -> FreelancerPrivate:
    return _private_view(
        profile,
        _competences_of(profile),
        sorted(m.cto_mission_id for m in profile.cto_missions),
        _band_id(profile, bands),
        profile.account.email,
    )


def _public_view(
    profile: ProfileFields, competences: list[CompetenceLevel], cto_missions: list[str], band_id: str
) -> FreelancerPublic:
    """Every public field read from the profile; its references without their private contacts."""
    return read_shape(
        profile,
        FreelancerPublic,
        experience_band=band_id,
        competences=competences,
        cto_missions=cto_missions,
        references=[only_fields(r, PublicReference) for r in profile.references],
    )


def _private_view(
    profile: ProfileFields,
    competences: list[CompetenceLevel],
    cto_missions: list[str],
    band_id: str,
    email: str,
) -> FreelancerPrivate:
    """Every field read from the profile (contacts included), the e-mail from its account."""
    return read_shape(
        profile,
        FreelancerPrivate,
        experience_band=band_id,
        competences=competences,
        cto_missions=cto_missions,
        email=email,
        availability_confirmed=is_confirmed(profile.availability_confirmed_at, utcnow()),
    )
