"""HTTP routes of freelancer profiles; each says which roles may call it, the service enforces ownership."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, Response, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import RemotePreference, Role
from service.account_controller import NO_STORE, IdempotencyKey
from service.auth.actor import ANONYMOUS, Actor, roles
from service.freelancers import services
from service.freelancers.schemas import (
    FreelancerCreate,
    FreelancerPrivate,
    FreelancerPublic,
    FreelancerRegistered,
    FreelancerUpdate,
)
from service.pagination import Page, PageParams
from service.params import ETAG_HEADERS, ExpectedRevision, PathId, with_etag
from service.reference.services import list_rate_bands
from service.scoring.queue import ScoringQueue
from service.settings import Settings


class FreelancerController(Controller):
    path = "/api/v1/freelancers"
    tags = ["freelancers"]  # noqa: RUF012

    @post(
        "/",
        opt=roles(ANONYMOUS),
        summary="Register a freelancer",
        description=(
            "Roles: anyone. Creates the freelancer account and profile; the API key is in the response, "
            "once. Send an `Idempotency-Key` to be able to retry a registration whose answer was lost."
        ),
        cache_control=NO_STORE,
    )
    async def register(
        self,
        db_session: AsyncSession,
        settings: Settings,
        scoring_queue: ScoringQueue,
        data: FreelancerCreate,
        idempotency_key: IdempotencyKey = None,
    ) -> FreelancerRegistered:
        profile, api_key = await services.register_freelancer(
            db_session, data, settings.secret_key, queue=scoring_queue, idempotency_key=idempotency_key
        )
        return FreelancerRegistered(
            profile=services.to_private(profile, await list_rate_bands(db_session)), api_key=api_key
        )

    @get(
        "/",
        opt=roles(Role.COMPANY, Role.OPERATOR),
        summary="List freelancer profiles",
        description=(
            "Roles: company (public view, no contact data), operator (full view). "
            "Filters combine with AND; `competence` may repeat (profile must hold all)."
        ),
    )
    async def list_profiles(
        self,
        db_session: AsyncSession,
        actor: Actor,
        page: PageParams,
        competence: Annotated[list[str] | None, Parameter(description="competence id, repeatable")] = None,
        band: Annotated[str | None, Parameter(description="experience band id")] = None,
        tjm_min: Annotated[int | None, Parameter(ge=0, le=100_000)] = None,
        tjm_max: Annotated[int | None, Parameter(ge=0, le=100_000)] = None,
        remote: RemotePreference | None = None,
        available_by: Annotated[
            date | None, Parameter(description="available on or before this date")
        ] = None,
        status: Annotated[str, Parameter(pattern="^(active|inactive|all)$")] = "active",
        sort: Annotated[
            str,
            Parameter(
                description="tjm, years_experience, available_from, created_at, updated_at, full_name; "
                "'-' for descending"
            ),
        ] = "-updated_at",
    ) -> Page[FreelancerPublic | FreelancerPrivate]:
        filters = services.FreelancerFilters(
            competences=tuple(competence or ()),
            band=band,
            tjm_min=tjm_min,
            tjm_max=tjm_max,
            remote=remote,
            available_by=available_by,
            active={"active": True, "inactive": False}.get(status),
            sort=sort,
        )
        items, total = await services.list_profiles_for(db_session, actor, filters, page)
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    @get(
        "/{profile_id:str}",
        response_headers=ETAG_HEADERS,
        opt=roles(Role.FREELANCER, Role.COMPANY, Role.OPERATOR),
        summary="Read a profile",
        description=(
            "Roles: the freelancer themself and operators (full view); companies (public view, with contact "
            "data once they accepted a proposal of this freelancer); other freelancers are refused."
        ),
    )
    async def read(
        self, db_session: AsyncSession, actor: Actor, profile_id: PathId
    ) -> Response[FreelancerPublic | FreelancerPrivate]:
        return with_etag(await services.read_profile_for(db_session, actor, profile_id))

    @patch(
        "/{profile_id:str}",
        response_headers=ETAG_HEADERS,
        opt=roles(Role.FREELANCER, Role.OPERATOR),
        summary="Update a profile",
        description=(
            "Roles: the freelancer themself, operators. Only the fields sent change; the change is "
            "all-or-nothing. Send `If-Match` with the ETag (revision) you read to refuse a concurrent change "
            "(409); without it the last writer wins, whole."
        ),
    )
    async def update(
        self,
        db_session: AsyncSession,
        actor: Actor,
        scoring_queue: ScoringQueue,
        profile_id: PathId,
        data: FreelancerUpdate,
        expected_revision: ExpectedRevision,
    ) -> Response[FreelancerPrivate]:
        profile = await services.update_profile(
            db_session, actor, profile_id, data, queue=scoring_queue, expected_revision=expected_revision
        )
        return with_etag(profile)

    @post(
        "/{profile_id:str}/deactivate",
        response_headers=ETAG_HEADERS,
        opt=roles(Role.FREELANCER, Role.OPERATOR),
        status_code=200,
        summary="Deactivate a profile",
        description=(
            "Roles: the freelancer themself, operators. "
            "The profile leaves matching; PATCH active=true restores it."
        ),
    )
    async def deactivate(
        self,
        db_session: AsyncSession,
        actor: Actor,
        scoring_queue: ScoringQueue,
        profile_id: PathId,
        expected_revision: ExpectedRevision,
    ) -> Response[FreelancerPrivate]:
        profile = await services.deactivate_profile(
            db_session, actor, profile_id, queue=scoring_queue, expected_revision=expected_revision
        )
        return with_etag(profile)
