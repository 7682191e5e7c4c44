"""HTTP routes of full rescoring jobs, and of what would raise a freelancer's score."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Body, QueryParameter

from models.enums import Role
from service import openapi_examples
from service.auth.actor import roles
from service.background.jobs import MAX_JOBS_LISTED, queue_full_rescore, read_job, recent_jobs
from service.handler_params import AppSettings, BackgroundQueue, CurrentActor, DbSession, PathId, PathKey
from service.reference.schemas import GridPreviewOut, RateBandUpdate
from service.scoring.grid_what_if import preview_band_change, preview_out
from service.scoring.schemas import JobOut, ScoreOptionsOut
from service.scoring.score_options import freelancer_score_options, options_out

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

    @post(
        "/rate-grid/{band_id:str}/preview",
        opt=roles(Role.OPERATOR),
        status_code=200,
        tags=["reference data"],
        summary="Preview a change of a band of the TJM grid, without saving it",
        description=(
            "Roles: operator. The same body as PUT /api/v1/rate-grid/{band_id}, refused the same way; "
            "nothing is written. The answer lists the open missions of the band whose budget warning "
            "would appear or disappear (position before and after), and how many stored matches would "
            "move by more than `move_threshold` points once rescored with the new grid (each stored "
            "pair is rescored in memory by the engine), with the largest move."
        ),
    )
    async def preview_grid_change(
        self,
        db_session: DbSession,
        settings: AppSettings,
        band_id: PathKey,
        data: Annotated[RateBandUpdate, Body(examples=openapi_examples.RATE_BAND_PREVIEW)],
    ) -> GridPreviewOut:
        return preview_out(await preview_band_change(db_session, settings, band_id, data))


class ScoreOptionsController(Controller):
    path = "/api/v1"
    tags = ["matching"]  # noqa: RUF012

    @get(
        "/me/missions/{mission_id:str}/score-options",
        opt=roles(Role.FREELANCER),
        summary="What would raise my score on a mission",
        description=(
            "Roles: freelancer, on an open mission or one proposed to them (any other mission is 404, as "
            "a missing one). The current score and the two or three single changes that would raise it "
            "most, each rescored by the engine: available by the mission's start, a TJM at the budget's "
            "maximum, the mission's city added to the mobility, a required competence at level 3, the days "
            "per week asked. Options to weigh, not advice: `text` phrases each in the reader's language."
        ),
    )
    async def score_options(
        self, db_session: DbSession, settings: AppSettings, actor: CurrentActor, mission_id: PathId
    ) -> ScoreOptionsOut:
        result = await freelancer_score_options(db_session, settings, actor, mission_id)
        return options_out(result)
