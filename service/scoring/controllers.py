"""HTTP routes of full rescoring jobs."""

from __future__ import annotations

from litestar import Controller, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import Role
from service.auth.actor import roles
from service.background.jobs import queue_full_rescore
from service.handler_params import BackgroundQueue, CurrentActor, DbSession, PathKey
from service.scoring import jobs
from service.scoring.schemas import JobOut


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
    async def job(self, db_session: DbSession, job_id: PathKey) -> JobOut:
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
