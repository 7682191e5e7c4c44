"""HTTP routes of full rescoring jobs."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import QueryParameter

from models.enums import Role
from service.auth.actor import roles
from service.background.jobs import MAX_JOBS_LISTED, queue_full_rescore, read_job, recent_jobs
from service.handler_params import BackgroundQueue, CurrentActor, DbSession, PathKey
from service.scoring.schemas import JobOut

JOB_STATES = (
    "A job is `queued`, then `running`, then `done`, or `failed` when one of its chunks kept failing "
    "(CHUNK_MAX_ATTEMPTS): `error` then says which chunk and why. `started_at` is when a worker began "
    "taking its chunks; `seconds_left` estimates the rest from the pace so far (null until a chunk is "
    "done, 0 once the job is done)."
)


class JobController(Controller):
    path = "/api/v1"
    tags = ["matching"]  # noqa: RUF012

    @post(
        "/rescore",
        opt=roles(Role.OPERATOR),
        status_code=202,
        summary="Rescore every mission against every profile, in chunks",
        description="Roles: operator. Returns the job to poll at GET /api/v1/jobs/{id}.",
    )
    async def rescore(
        self, db_session: DbSession, actor: CurrentActor, work_queue: BackgroundQueue
    ) -> JobOut:
        job = await queue_full_rescore(db_session, work_queue, actor.account_id)
        return (await read_job(db_session, job.id)).out()

    @get(
        "/jobs",
        opt=roles(Role.OPERATOR),
        summary="The most recent background jobs, newest first",
        description=f"Roles: operator. At most `limit` jobs (1-{MAX_JOBS_LISTED}), each with its state "
        f"and progress. {JOB_STATES}",
    )
    async def jobs(
        self,
        db_session: DbSession,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_JOBS_LISTED, description="jobs to return")] = 20,
    ) -> list[JobOut]:
        return [progress.out() for progress in await recent_jobs(db_session, limit)]

    @get(
        "/jobs/{job_id:str}",
        opt=roles(Role.OPERATOR),
        summary="State and progress of a background job",
        description=(
            f"Roles: operator. {JOB_STATES} A worker lost mid-job delays it (its chunks are sent again), "
            "it never leaves it running."
        ),
    )
    async def job(self, db_session: DbSession, job_id: PathKey) -> JobOut:
        return (await read_job(db_session, job_id)).out()
