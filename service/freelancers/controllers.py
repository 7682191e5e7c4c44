"""HTTP routes of freelancer profiles; each says which roles may call it, the service enforces ownership."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, Response, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import Body, FromQuery, QueryParameter

from models.enums import RemotePreference, Role
from service import openapi_examples
from service.accounts.controllers import NO_STORE, IdempotencyKey
from service.auth.actor import ANONYMOUS, roles
from service.freelancers import services
from service.freelancers.schemas import (
    FreelancerCreate,
    FreelancerPrivate,
    FreelancerPublic,
    FreelancerRegistered,
    FreelancerUpdate,
)
from service.handler_params import (
    AppSettings,
    BackgroundQueue,
    CurrentActor,
    DbSession,
    ExpectedRevision,
    PageQuery,
    PathId,
)
from service.pagination import Page
from service.params import ETAG_HEADERS, with_etag
from service.reference.services import list_rate_bands

FreelancerCreateBody = Annotated[FreelancerCreate, Body(examples=openapi_examples.FREELANCER_CREATE)]
FreelancerUpdateBody = Annotated[FreelancerUpdate, Body(examples=openapi_examples.FREELANCER_UPDATE)]
FreelancerListFilters = NamedDependency[services.FreelancerFilters]


def provide_freelancer_filters(
    competence: Annotated[list[str] | None, QueryParameter(description="competence id, repeatable")] = None,
    band: Annotated[str | None, QueryParameter(description="experience band id")] = None,
    tjm_min: Annotated[int | None, QueryParameter(ge=0, le=100_000)] = None,
    tjm_max: Annotated[int | None, QueryParameter(ge=0, le=100_000)] = None,
    remote: FromQuery[RemotePreference | None] = None,
    available_by: Annotated[
        date | None, QueryParameter(description="available on or before this date")
    ] = None,
    status: Annotated[str, QueryParameter(pattern="^(active|inactive|all)$")] = "active",
    sort: Annotated[
        str,
        QueryParameter(
            description="tjm, years_experience, available_from, created_at, updated_at, full_name; "
            "'-' for descending"
        ),
    ] = "-updated_at",
) -> services.FreelancerFilters:
    """The query of GET /freelancers, as the filters the service takes."""
    return services.FreelancerFilters(
        competences=tuple(competence or ()),
        band=band,
        tjm_min=tjm_min,
        tjm_max=tjm_max,
        remote=remote,
        available_by=available_by,
        active={"active": True, "inactive": False}.get(status),
        sort=sort,
    )


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
        db_session: DbSession,
        settings: AppSettings,
        work_queue: BackgroundQueue,
        data: FreelancerCreateBody,
        idempotency_key: IdempotencyKey = None,
    ) -> FreelancerRegistered:
        profile, api_key = await services.register_freelancer(
            db_session, data, settings.secret_key, queue=work_queue, idempotency_key=idempotency_key
        )
        return FreelancerRegistered(
            profile=services.to_private(profile, await list_rate_bands(db_session)), api_key=api_key
        )

    @get(
        "/",
        dependencies={"filters": Provide(provide_freelancer_filters, sync_to_thread=False)},
        opt=roles(Role.COMPANY, Role.OPERATOR),
        summary="List freelancer profiles",
        description=(
            "Roles: company (public view, no contact data), operator (full view). "
            "Filters combine with AND; `competence` may repeat (profile must hold all)."
        ),
    )
    async def list_profiles(
        self, db_session: DbSession, actor: CurrentActor, page: PageQuery, filters: FreelancerListFilters
    ) -> Page[FreelancerPublic | FreelancerPrivate]:
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
        self, db_session: DbSession, actor: CurrentActor, profile_id: PathId
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
        db_session: DbSession,
        actor: CurrentActor,
        work_queue: BackgroundQueue,
        profile_id: PathId,
        data: FreelancerUpdateBody,
        expected_revision: ExpectedRevision,
    ) -> Response[FreelancerPrivate]:
        profile = await services.update_profile(
            db_session, actor, profile_id, data, queue=work_queue, expected_revision=expected_revision
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
        db_session: DbSession,
        actor: CurrentActor,
        work_queue: BackgroundQueue,
        profile_id: PathId,
        expected_revision: ExpectedRevision,
    ) -> Response[FreelancerPrivate]:
        profile = await services.deactivate_profile(
            db_session, actor, profile_id, queue=work_queue, expected_revision=expected_revision
        )
        return with_etag(profile)
