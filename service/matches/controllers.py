"""HTTP routes of the review queue, match decisions and their audit trail."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import HeaderParameter, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import MatchStatus, Role
from service.auth.actor import Actor, roles
from service.openapi_docs import problems
from service.pagination import Page, PageParams
from service.params import ETAG_HEADERS, PathId, QueryId
from service.review import services
from service.review.schemas import DecisionIn, DecisionOut, MatchDetail, ReviewItem
from service.revisions import etag
from service.scoring.queue import ScoringQueue


def _with_etag(detail: MatchDetail) -> Response[MatchDetail]:
    return Response(detail, headers={"ETag": etag(detail.version)})


class ReviewController(Controller):
    path = "/api/v1"
    tags = ["review"]  # noqa: RUF012

    @get(
        "/review-queue",
        opt=roles(Role.OPERATOR),
        summary="Matches waiting for a decision",
        description=(
            "Roles: operator. Pending matches (or the `status` asked), plus decided ones flagged for a "
            "second look after a rescore moved their score; flagged first, then by score, then age."
        ),
    )
    async def review_queue(
        self,
        db_session: AsyncSession,
        page: PageParams,
        status: Annotated[
            list[MatchStatus] | None, Parameter(description="repeatable; default pending")
        ] = None,
        flagged: Annotated[bool, Parameter(description="only matches flagged for a second look")] = False,
        mission_id: QueryId = None,
        company_id: QueryId = None,
        min_score: Annotated[float, Parameter(ge=0, le=100)] = 0,
        band: Annotated[str | None, Parameter(description="freelancer's experience band id")] = None,
        tjm_position: Annotated[str | None, Parameter(pattern="^(below|within|above)$")] = None,
    ) -> Page[ReviewItem]:
        filters = services.QueueFilters(
            statuses=tuple(status or (MatchStatus.PENDING,)),
            flagged_only=flagged,
            mission_id=mission_id,
            company_id=company_id,
            min_score=min_score,
            band=band,
            tjm_position=tjm_position,
        )
        items, total = await services.review_queue(db_session, filters, page)
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

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
    async def read(self, db_session: AsyncSession, actor: Actor, match_id: PathId) -> Response[MatchDetail]:
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
        db_session: AsyncSession,
        actor: Actor,
        scoring_queue: ScoringQueue,
        match_id: PathId,
        data: DecisionIn,
        if_match: Annotated[str | None, HeaderParameter(name="If-Match")] = None,
    ) -> Response[MatchDetail]:
        detail = await services.decide(db_session, actor, match_id, data, if_match, scoring_queue)
        return _with_etag(detail)

    @get(
        "/matches/{match_id:str}/history",
        opt=roles(Role.OPERATOR),
        summary="Audit trail of a match",
        description="Roles: operator. Every decision: who, when, from, to, why (append-only).",
    )
    async def history(self, db_session: AsyncSession, match_id: PathId) -> list[DecisionOut]:
        return await services.history(db_session, match_id)
