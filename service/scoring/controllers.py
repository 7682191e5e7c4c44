"""HTTP routes of matches and rescoring jobs."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import Role
from service.auth.actor import Actor, roles
from service.params import PathId
from service.scoring import jobs, matches
from service.scoring.queue import ScoringQueue
from service.scoring.schemas import JobOut, MatchList

TopK = Annotated[int, Parameter(ge=1, le=200, description="how many matches, best first")]
MinScore = Annotated[float, Parameter(ge=0, le=100, description="only matches scoring at least this")]


class MatchController(Controller):
    path = "/api/v1"
    tags = ["matching"]  # noqa: RUF012

    @get(
        "/missions/{mission_id:str}/matches",
        opt=roles(Role.COMPANY, Role.OPERATOR),
        summary="Best candidates for a mission, with the breakdown and reasons",
        description="Roles: the company that posted the mission, operators.",
    )
    async def for_mission(
        self,
        db_session: AsyncSession,
        actor: Actor,
        mission_id: PathId,
        limit: TopK = 20,
        min_score: MinScore = 0,
        include_excluded: bool = False,
    ) -> MatchList:
        return await matches.matches_for_mission(
            db_session, actor, mission_id, limit=limit, min_score=min_score, include_excluded=include_excluded
        )

    @get(
        "/freelancers/{profile_id:str}/matches",
        opt=roles(Role.FREELANCER, Role.OPERATOR),
        summary="Best missions for a freelancer, with the breakdown and reasons",
        description="Roles: the freelancer themself, operators.",
    )
    async def for_freelancer(
        self,
        db_session: AsyncSession,
        actor: Actor,
        profile_id: PathId,
        limit: TopK = 20,
        min_score: MinScore = 0,
        include_excluded: bool = False,
    ) -> MatchList:
        return await matches.matches_for_freelancer(
            db_session, actor, profile_id, limit=limit, min_score=min_score, include_excluded=include_excluded
        )

    @post(
        "/rescore",
        opt=roles(Role.OPERATOR),
        status_code=202,
        summary="Rescore every mission against every profile, in chunks",
        description="Roles: operator. Returns the job to poll at GET /api/v1/jobs/{id}.",
    )
    async def rescore(self, db_session: AsyncSession, actor: Actor, scoring_queue: ScoringQueue) -> JobOut:
        job = await jobs.queue_full_rescore(db_session, scoring_queue, actor.account_id)
        return await self._job_out(db_session, job.id)

    @get(
        "/jobs/{job_id:str}",
        opt=roles(Role.OPERATOR),
        summary="State and progress of a background job",
        description=(
            "Roles: operator. A job is `queued`, then `running`, then `done`, or `failed` when one of "
            "its chunks kept failing (CHUNK_MAX_ATTEMPTS): `error` then says which chunk and why. A "
            "worker lost mid-job delays it (its chunks are sent again), it never leaves it running."
        ),
    )
    async def job(self, db_session: AsyncSession, job_id: str) -> JobOut:
        return await self._job_out(db_session, job_id)

    @staticmethod
    async def _job_out(session: AsyncSession, job_id: str) -> JobOut:
        job, done, pairs = await jobs.job_progress(session, job_id)
        progress = (
            1.0
            if job.total_chunks == 0 and job.finished_at
            else done / job.total_chunks
            if job.total_chunks
            else 0.0
        )
        return JobOut(
            id=job.id,
            kind=job.kind,
            state=job.state,
            total_chunks=job.total_chunks,
            done_chunks=done,
            progress=round(progress, 4),
            pairs_scored=pairs,
            created_at=job.created_at,
            finished_at=job.finished_at,
            error=job.error,
        )
