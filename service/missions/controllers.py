"""HTTP routes of missions."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, Response, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import Body, FromQuery, QueryParameter

from models.enums import MissionStatus, RemotePolicy, Role
from service import openapi_examples
from service.auth.actor import roles
from service.handler_params import (
    BackgroundQueue,
    CurrentActor,
    DbSession,
    ExpectedRevision,
    PageQuery,
    PathId,
    QueryId,
)
from service.missions import services
from service.missions.schemas import MissionCreate, MissionOut, MissionUpdate
from service.openapi_docs import problems
from service.pagination import Page
from service.params import ETAG_HEADERS, with_etag

MissionCreateBody = Annotated[MissionCreate, Body(examples=openapi_examples.MISSION_CREATE)]
MissionUpdateBody = Annotated[MissionUpdate, Body(examples=openapi_examples.MISSION_UPDATE)]
MissionListFilters = NamedDependency[services.MissionFilters]


def provide_mission_filters(
    competence: Annotated[list[str] | None, QueryParameter(description="competence id, repeatable")] = None,
    seniority: Annotated[str | None, QueryParameter(description="experience band id")] = None,
    tjm_min: Annotated[
        int | None, QueryParameter(ge=0, le=100_000, description="budget overlaps this range")
    ] = None,
    tjm_max: Annotated[int | None, QueryParameter(ge=0, le=100_000)] = None,
    remote: FromQuery[RemotePolicy | None] = None,
    starts_by: Annotated[date | None, QueryParameter(description="starts on or before this date")] = None,
    status: Annotated[str, QueryParameter(pattern="^(open|closed|all)$")] = "open",
    company_id: QueryId = None,
    sort: Annotated[
        str,
        QueryParameter(
            description="start_date, tjm_min, tjm_max, created_at, updated_at, title; '-' for descending"
        ),
    ] = "start_date",
) -> services.MissionFilters:
    """The query of GET /missions, as the filters the service takes."""
    return services.MissionFilters(
        competences=tuple(competence or ()),
        seniority=seniority,
        tjm_min=tjm_min,
        tjm_max=tjm_max,
        remote=remote,
        starts_by=starts_by,
        status=None if status == "all" else MissionStatus(status),
        company_id=company_id,
        sort=sort,
    )


class MissionController(Controller):
    path = "/api/v1/missions"
    tags = ["missions"]  # noqa: RUF012

    @post(
        "/",
        opt={**roles(Role.COMPANY, Role.OPERATOR), **problems(404)},  # an unknown `company_id`
        summary="Post a mission",
        description="Roles: company (for itself), operator (with `company_id`).",
    )
    async def create(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        work_queue: BackgroundQueue,
        data: MissionCreateBody,
    ) -> MissionOut:
        return await services.create_mission(db_session, actor, data, queue=work_queue)

    @get(
        "/",
        dependencies={"filters": Provide(provide_mission_filters, sync_to_thread=False)},
        opt=roles(Role.FREELANCER, Role.COMPANY, Role.OPERATOR),
        summary="List missions",
        description="Roles: company (its own), freelancer (open missions), operator (all).",
    )
    async def list_missions(
        self, db_session: DbSession, actor: CurrentActor, page: PageQuery, filters: MissionListFilters
    ) -> Page[MissionOut]:
        items, total = await services.list_missions_for(db_session, actor, filters, page)
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    @get(
        "/{mission_id:str}",
        response_headers=ETAG_HEADERS,
        opt=roles(Role.FREELANCER, Role.COMPANY, Role.OPERATOR),
        summary="Read a mission",
        description="Roles: the owning company, operators, freelancers (open missions only).",
    )
    async def read(
        self, db_session: DbSession, actor: CurrentActor, mission_id: PathId
    ) -> Response[MissionOut]:
        return with_etag(await services.read_mission_for(db_session, actor, mission_id))

    @patch(
        "/{mission_id:str}",
        response_headers=ETAG_HEADERS,
        opt=roles(Role.COMPANY, Role.OPERATOR),
        summary="Update a mission",
        description=(
            "Roles: the owning company, operators. Closed missions cannot change (409). All-or-nothing; "
            "send `If-Match` with the ETag (revision) you read to refuse a concurrent change (409)."
        ),
    )
    async def update(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        work_queue: BackgroundQueue,
        mission_id: PathId,
        data: MissionUpdateBody,
        expected_revision: ExpectedRevision,
    ) -> Response[MissionOut]:
        mission = await services.update_mission(
            db_session, actor, mission_id, data, queue=work_queue, expected_revision=expected_revision
        )
        return with_etag(mission)

    @post(
        "/{mission_id:str}/close",
        response_headers=ETAG_HEADERS,
        opt=roles(Role.COMPANY, Role.OPERATOR),
        status_code=200,
        summary="Close a mission",
        description="Roles: the owning company, operators.",
    )
    async def close(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        work_queue: BackgroundQueue,
        mission_id: PathId,
        expected_revision: ExpectedRevision,
    ) -> Response[MissionOut]:
        mission = await services.close_mission(
            db_session, actor, mission_id, queue=work_queue, expected_revision=expected_revision
        )
        return with_etag(mission)
