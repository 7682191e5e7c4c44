"""HTTP routes of matches: the best matches of a mission or a freelancer, the review queue, decisions and
their audit trail."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import Body, FromQuery, HeaderParameter, QueryParameter

from models.enums import MatchStatus, Role
from service import openapi_examples
from service.auth.actor import roles
from service.handler_params import (
    AppSettings,
    BackgroundQueue,
    CurrentActor,
    DbSession,
    PageQuery,
    PathId,
    QueryId,
)
from service.matches import bulk, lists, services
from service.matches.schemas import (
    BulkDecisionIn,
    BulkDecisionOut,
    BulkRefusalOut,
    DecisionIn,
    DecisionOut,
    MatchDetail,
    MatchList,
    ReviewItem,
)
from service.openapi_docs import problems
from service.pagination import Page
from service.params import ETAG_HEADERS
from service.revisions import etag

TopK = Annotated[int, QueryParameter(ge=1, le=200, description="how many matches, best first")]
MinScore = Annotated[float, QueryParameter(ge=0, le=100, description="only matches scoring at least this")]
IncludeExcluded = FromQuery[bool]
#: Here `If-Match` carries the match's version; without it (or `version`) the decision is a 428.
MatchIfMatch = Annotated[str | None, HeaderParameter(name="If-Match")]
DecisionBody = Annotated[DecisionIn, Body(examples=openapi_examples.DECISION)]
BulkDecisionBody = Annotated[BulkDecisionIn, Body(examples=openapi_examples.BULK_DECISION)]
ReviewQueueFilters = NamedDependency[services.QueueFilters]
MatchListQuery = NamedDependency[lists.MatchListFilters]


def provide_match_list_filters(
    limit: TopK = 20, min_score: MinScore = 0, include_excluded: IncludeExcluded = False
) -> lists.MatchListFilters:
    """The query of a mission's or a freelancer's matches, as the filters the service takes."""
    return lists.MatchListFilters(limit=limit, min_score=min_score, include_excluded=include_excluded)


def provide_queue_filters(
    status: Annotated[
        list[MatchStatus] | None, QueryParameter(description="repeatable; default pending")
    ] = None,
    flagged: Annotated[bool, QueryParameter(description="only matches flagged for a second look")] = False,
    mission_id: QueryId = None,
    company_id: QueryId = None,
    min_score: Annotated[float, QueryParameter(ge=0, le=100)] = 0,
    band: Annotated[str | None, QueryParameter(description="freelancer's experience band id")] = None,
    tjm_position: Annotated[str | None, QueryParameter(pattern="^(below|within|above)$")] = None,
) -> services.QueueFilters:
    """The query of GET /review-queue, as the filters the service takes."""
    return services.QueueFilters(
        statuses=tuple(status or (MatchStatus.PENDING,)),
        flagged_only=flagged,
        mission_id=mission_id,
        company_id=company_id,
        min_score=min_score,
        band=band,
        tjm_position=tjm_position,
    )


def _with_etag(detail: MatchDetail) -> Response[MatchDetail]:
    return Response(detail, headers={"ETag": etag(detail.version)})


class MatchController(Controller):
    path = "/api/v1"
    tags = ["matching"]  # noqa: RUF012
    dependencies = {"filters": Provide(provide_match_list_filters, sync_to_thread=False)}  # noqa: RUF012

    @get(
        "/missions/{mission_id:str}/matches",
        opt=roles(Role.COMPANY, Role.OPERATOR),
        summary="Best candidates for a mission, with the breakdown and reasons",
        description="Roles: the company that posted the mission, operators.",
    )
    async def for_mission(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        mission_id: PathId,
        filters: MatchListQuery,
    ) -> MatchList:
        return await lists.matches_for_mission(db_session, actor, mission_id, filters)

    @get(
        "/freelancers/{profile_id:str}/matches",
        opt=roles(Role.FREELANCER, Role.OPERATOR),
        summary="Best missions for a freelancer, with the breakdown and reasons",
        description="Roles: the freelancer themself, operators.",
    )
    async def for_freelancer(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        profile_id: PathId,
        filters: MatchListQuery,
    ) -> MatchList:
        return await lists.matches_for_freelancer(db_session, actor, profile_id, filters)


class ReviewController(Controller):
    path = "/api/v1"
    tags = ["review"]  # noqa: RUF012

    @get(
        "/review-queue",
        dependencies={"filters": Provide(provide_queue_filters, sync_to_thread=False)},
        opt=roles(Role.OPERATOR),
        summary="Matches waiting for a decision",
        description=(
            "Roles: operator. Pending matches (or the `status` asked), plus decided ones flagged for a "
            "second look after a rescore moved their score; flagged first, then by score, then age."
        ),
    )
    async def review_queue(
        self, db_session: DbSession, settings: AppSettings, page: PageQuery, filters: ReviewQueueFilters
    ) -> Page[ReviewItem]:
        items, total = await services.review_queue(db_session, filters, page, settings.weights())
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    @post(
        "/review-queue/decisions",
        opt=roles(Role.OPERATOR),
        status_code=200,
        summary="Decide on several matches with one reason",
        description=(
            "Roles: operator. Shortlist, approve or reject up to 200 matches at once, each with the "
            "version the operator saw. Each match is decided as itself (one history row each, the same "
            "rules as one decision); one that changed or cannot take the action is left as it is and "
            "listed under `refused` with its current status. 422 names every bad field before anything "
            "changes."
        ),
    )
    async def decide_many(
        self, db_session: DbSession, actor: CurrentActor, work_queue: BackgroundQueue, data: BulkDecisionBody
    ) -> BulkDecisionOut:
        targets = [(selected.id, selected.version) for selected in data.matches]
        outcome = await bulk.decide_many(db_session, actor, data.action, data.reason, targets, work_queue)
        return BulkDecisionOut(
            decided=outcome.decided,
            refused=[
                BulkRefusalOut(match_id=r.match_id, status=r.status, version=r.version, detail=r.why)
                for r in outcome.refused
            ],
        )

    @get(
        "/matches/{match_id:str}",
        response_headers=ETAG_HEADERS,
        opt=roles(Role.OPERATOR, Role.COMPANY, Role.FREELANCER),
        summary="A match, with its version as ETag",
        description=(
            "Roles: operator; the company and the freelancer once the match is proposed to them "
            "(404 before, so its existence does not leak)."
        ),
    )
    async def read(
        self, db_session: DbSession, actor: CurrentActor, match_id: PathId
    ) -> Response[MatchDetail]:
        return _with_etag(await services.read_match(db_session, actor, match_id))

    @post(
        "/matches/{match_id:str}/decisions",
        response_headers=ETAG_HEADERS,
        opt={**roles(Role.OPERATOR, Role.COMPANY, Role.FREELANCER), **problems(428)},
        status_code=200,
        summary="Decide on a match",
        description=(
            "Roles: operator (shortlist, approve, reject with a reason, reopen, propose — and any action on "
            "behalf of a side), company (accept, decline a proposal for its mission), freelancer "
            "(express_interest, decline_interest in a proposal made to them). Send the version as "
            "`If-Match` (the ETag of GET /matches/{id}) or `version`; 428 without it, 409 if the match "
            "changed or the transition is not allowed from its current status."
        ),
    )
    async def decide(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        work_queue: BackgroundQueue,
        match_id: PathId,
        data: DecisionBody,
        if_match: MatchIfMatch = None,
    ) -> Response[MatchDetail]:
        detail = await services.decide(db_session, actor, match_id, data, if_match, work_queue)
        return _with_etag(detail)

    @get(
        "/matches/{match_id:str}/history",
        opt=roles(Role.OPERATOR),
        summary="Audit trail of a match",
        description="Roles: operator. Every decision: who, when, from, to, why (append-only).",
    )
    async def history(self, db_session: DbSession, match_id: PathId) -> list[DecisionOut]:
        return await services.history(db_session, match_id)
