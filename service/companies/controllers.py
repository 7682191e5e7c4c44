"""HTTP routes of companies."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import Body, FromQuery, QueryParameter

from models.enums import Context, Role
from service import openapi_examples
from service.accounts.controllers import NO_STORE, IdempotencyKey
from service.auth.actor import ANONYMOUS, roles
from service.companies import services
from service.companies.schemas import (
    CompanyCreate,
    CompanyPrivate,
    CompanyPublic,
    CompanyRegistered,
    CompanyUpdate,
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

CompanyCreateBody = Annotated[CompanyCreate, Body(examples=openapi_examples.COMPANY_CREATE)]
CompanyUpdateBody = Annotated[CompanyUpdate, Body(examples=openapi_examples.COMPANY_UPDATE)]
CompanyListFilters = NamedDependency[services.CompanyFilters]


def provide_company_filters(
    context: FromQuery[Context | None] = None,
    status: Annotated[str, QueryParameter(pattern="^(active|inactive|all)$")] = "all",
    sort: Annotated[
        str, QueryParameter(description="name, created_at, updated_at; '-' for descending")
    ] = "name",
) -> services.CompanyFilters:
    """The query of GET /companies, as the filters the service takes."""
    return services.CompanyFilters(
        active={"active": True, "inactive": False}.get(status), context=context, sort=sort
    )


class CompanyController(Controller):
    path = "/api/v1/companies"
    tags = ["companies"]  # noqa: RUF012

    @post(
        "/",
        opt=roles(ANONYMOUS),
        summary="Register a company",
        description=(
            "Roles: anyone. Creates the company account; the API key is in the response, once. "
            "Send an `Idempotency-Key` to be able to retry a registration whose answer was lost."
        ),
        cache_control=NO_STORE,
    )
    async def register(
        self,
        db_session: DbSession,
        settings: AppSettings,
        data: CompanyCreateBody,
        idempotency_key: IdempotencyKey = None,
    ) -> CompanyRegistered:
        company, api_key = await services.register_company(
            db_session, data, settings.secret_key, idempotency_key=idempotency_key
        )
        return CompanyRegistered(company=services.to_private(company), api_key=api_key)

    @get(
        "/",
        dependencies={"filters": Provide(provide_company_filters, sync_to_thread=False)},
        opt=roles(Role.OPERATOR),
        summary="List companies",
        description="Roles: operator.",
    )
    async def list_companies(
        self, db_session: DbSession, page: PageQuery, filters: CompanyListFilters
    ) -> Page[CompanyPrivate]:
        items, total = await services.list_companies(db_session, filters, page)
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    @get(
        "/{company_id:str}",
        response_headers=ETAG_HEADERS,
        opt=roles(Role.FREELANCER, Role.COMPANY, Role.OPERATOR),
        summary="Read a company",
        description=(
            "Roles: any signed-in account; the company itself and operators also see e-mail and phone."
        ),
    )
    async def read(
        self, db_session: DbSession, actor: CurrentActor, company_id: PathId
    ) -> Response[CompanyPublic | CompanyPrivate]:
        return with_etag(await services.read_company_for(db_session, actor, company_id))

    @patch(
        "/{company_id:str}",
        response_headers=ETAG_HEADERS,
        opt=roles(Role.COMPANY, Role.OPERATOR),
        summary="Update a company",
        description=(
            "Roles: the company itself, operators. All-or-nothing; send `If-Match` with the ETag "
            "(revision) you read to refuse a concurrent change (409)."
        ),
    )
    async def update(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        company_id: PathId,
        data: CompanyUpdateBody,
        expected_revision: ExpectedRevision,
    ) -> Response[CompanyPrivate]:
        company = await services.update_company(
            db_session, actor, company_id, data, expected_revision=expected_revision
        )
        return with_etag(company)

    @post(
        "/{company_id:str}/close",
        response_headers=ETAG_HEADERS,
        opt=roles(Role.COMPANY, Role.OPERATOR),
        status_code=200,
        summary="Close a company",
        description="Roles: the company itself, operators. Its open missions are closed too.",
    )
    async def close(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        work_queue: BackgroundQueue,
        company_id: PathId,
        expected_revision: ExpectedRevision,
    ) -> Response[CompanyPrivate]:
        company = await services.close_company(
            db_session, actor, company_id, queue=work_queue, expected_revision=expected_revision
        )
        return with_etag(company)
