"""HTTP routes of missions."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, Response, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import MissionStatus, RemotePolicy, Role
from service.auth.actor import Actor, roles
from service.missions import services
from service.missions.schemas import MissionCreate, MissionOut, MissionUpdate
from service.openapi_docs import problems
from service.pagination import Page, PageParams
from service.params import ETAG_HEADERS, ExpectedRevision, PathId, QueryId, with_etag
from service.scoring.queue import ScoringQueue


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
        self, db_session: AsyncSession, actor: Actor, scoring_queue: ScoringQueue, data: MissionCreate
    ) -> MissionOut:
        return await services.create_mission(db_session, actor, data, queue=scoring_queue)

    @get(
        "/",
        opt=roles(Role.FREELANCER, Role.COMPANY, Role.OPERATOR),
        summary="List missions",
        description="Roles: company (its own), freelancer (open missions), operator (all).",
    )
    async def list_missions(
        self,
        db_session: AsyncSession,
        actor: Actor,
        page: PageParams,
        competence: Annotated[list[str] | None, Parameter(description="competence id, repeatable")] = None,
        seniority: Annotated[str | None, Parameter(description="experience band id")] = None,
        tjm_min: Annotated[
            int | None, Parameter(ge=0, le=100_000, description="budget overlaps this range")
        ] = None,
        tjm_max: Annotated[int | None, Parameter(ge=0, le=100_000)] = None,
        remote: RemotePolicy | None = None,
        starts_by: Annotated[date | None, Parameter(description="starts on or before this date")] = None,
        status: Annotated[str, Parameter(pattern="^(open|closed|all)$")] = "open",
        company_id: QueryId = None,
        sort: Annotated[
            str,
            Parameter(
                description="start_date, tjm_min, tjm_max, created_at, updated_at, title; '-' for descending"
            ),
        ] = "start_date",
    ) -> Page[MissionOut]:
        filters = services.MissionFilters(
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
        items, total = await services.list_missions_for(db_session, actor, filters, page)
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    @get(
        "/{mission_id:str}",
        response_headers=ETAG_HEADERS,
        opt=roles(Role.FREELANCER, Role.COMPANY, Role.OPERATOR),
        summary="Read a mission",
        description="Roles: the owning company, operators, freelancers (open missions only).",
    )
    async def read(self, db_session: AsyncSession, actor: Actor, mission_id: PathId) -> Response[MissionOut]:
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
        db_session: AsyncSession,
        actor: Actor,
        scoring_queue: ScoringQueue,
        mission_id: PathId,
        data: MissionUpdate,
        expected_revision: ExpectedRevision,
    ) -> Response[MissionOut]:
        mission = await services.update_mission(
            db_session, actor, mission_id, data, queue=scoring_queue, expected_revision=expected_revision
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
        db_session: AsyncSession,
        actor: Actor,
        scoring_queue: ScoringQueue,
        mission_id: PathId,
        expected_revision: ExpectedRevision,
    ) -> Response[MissionOut]:
        mission = await services.close_mission(
            db_session, actor, mission_id, queue=scoring_queue, expected_revision=expected_revision
        )
        return with_etag(mission)
