"""Full rescore jobs through the API: a chunk that keeps failing fails the job with a reason an
operator reads, and a finished job leaves nothing for the stale sweep (which never queues twice).

Jobs run in process (tests/work_queue.py), through the service functions the Celery tasks call.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import FreelancerProfile, Mission
from service.db import Database
from service.scoring import jobs, sweep
from service.scoring.services import ScoringOutcome
from service.settings import Settings
from tests.factories import Caller, post_mission, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]


@pytest.fixture
async def pool(client: Client, company: Caller) -> dict[str, list[int]]:
    """Three missions and three profiles written through the API, never scored (no worker ran)."""
    missions = [(await post_mission(client, company))["id"] for _ in range(3)]
    profiles = [(await register_freelancer(client, tjm=600 + 50 * i)).id for i in range(3)]
    return {"missions": missions, "profiles": profiles}


@pytest.fixture
def per_mission(work_queue: RecordingWorkQueue) -> RecordingWorkQueue:
    """One mission per chunk, so one chunk can fail alone."""
    work_queue.settings = dataclasses.replace(work_queue.settings, rescore_chunk_missions=1)
    return work_queue


async def _job(client: Client, operator: Caller, job_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/jobs/{job_id}", headers=operator.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_chunk_failing_every_attempt_fails_the_job_with_the_reason(
    client: Client,
    per_mission: RecordingWorkQueue,
    pool: dict[str, list[int]],
    operator: Caller,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = pool["missions"][1]
    score = jobs.score_missions_uncommitted

    async def fails_on_one_mission(
        session: AsyncSession, settings: Settings, missions: Sequence[Mission]
    ) -> ScoringOutcome:
        if any(m.id == broken for m in missions):
            raise ValueError(f"mission {broken} has no rate band")
        return await score(session, settings, missions)

    monkeypatch.setattr(jobs, "score_missions_uncommitted", fails_on_one_mission)
    job = (await client.post("/api/v1/rescore", headers=operator.headers)).json()
    assert job["state"] == "queued" and job["error"] is None
    runs = await per_mission.run_job(job["id"])
    assert [r.status for r in runs] == ["counted", "requeued", "counted", "requeued", "failed"]

    status = await _job(client, operator, job["id"])
    assert status["state"] == "failed"
    assert status["error"] == (
        f"chunk 2 of 3 (missions {broken}-{broken}) failed 3 times: "
        f"ValueError: mission {broken} has no rate band"
    )
    assert status["finished_at"] is not None
    assert (status["done_chunks"], status["total_chunks"], status["pairs_scored"]) == (2, 3, 2 * 3)
    async with database.session() as session:
        stale_missions, _ = await sweep.stale_ids(session)
    assert stale_missions == [broken], "a failed job no longer holds the sweep back"

    schemas = (await client.get("/docs/openapi.json")).json()["components"]["schemas"]
    assert "error" in schemas["JobOut"]["properties"] and "failed" in schemas["JobState"]["enum"]


async def test_a_full_rescore_leaves_nothing_stale(
    client: Client,
    work_queue: RecordingWorkQueue,
    pool: dict[str, list[int]],
    operator: Caller,
    database: Database,
) -> None:
    async with database.session() as session:
        assert await sweep.stale_ids(session) == (pool["missions"], pool["profiles"])
        before = {p.id: (p.revision, p.updated_at) for p in await session.scalars(select(FreelancerProfile))}
    work_queue.inline = True
    job = (await client.post("/api/v1/rescore", headers=operator.headers)).json()
    assert (await _job(client, operator, job["id"]))["state"] == "done"
    async with database.session() as session:
        assert await sweep.stale_ids(session) == ([], [])
        after = {p.id: (p.revision, p.updated_at) for p in await session.scalars(select(FreelancerProfile))}
    assert after == before, "marking profiles scored is not a change of theirs"


async def test_a_profile_written_after_planning_stays_stale(
    client: Client,
    work_queue: RecordingWorkQueue,
    pool: dict[str, list[int]],
    operator: Caller,
    database: Database,
) -> None:
    job = (await client.post("/api/v1/rescore", headers=operator.headers)).json()
    async with database.session() as session:
        assert await sweep.stale_ids(session) == ([], []), "a queued full rescore covers everything"
        await jobs.plan_rescore(session, work_queue.settings, job["id"])
        assert await sweep.stale_ids(session) == ([], []), "so does a running one"
    edited = pool["profiles"][0]
    patched = await client.patch(f"/api/v1/freelancers/{edited}", json={"tjm": 990}, headers=operator.headers)
    assert patched.status_code == 200, patched.text
    await work_queue.run_job(job["id"])
    assert (await _job(client, operator, job["id"]))["state"] == "done"
    async with database.session() as session:
        assert await sweep.stale_ids(session) == ([], [edited])


async def test_the_sweep_queues_each_stale_row_once_until_its_send_had_time_to_run(
    pool: dict[str, list[int]], database: Database
) -> None:
    settings = dataclasses.replace(database.settings, job_stall_seconds=0.5)
    async with database.session() as session:
        before = {p.id: (p.revision, p.updated_at) for p in await session.scalars(select(FreelancerProfile))}
        first = await sweep.take_stale(session, settings)
        second = await sweep.take_stale(session, settings)
    assert (first.mission_ids, first.profile_ids) == (pool["missions"], pool["profiles"])
    assert (second.mission_ids, second.profile_ids) == ([], []), "no worker ran: nothing is queued twice"
    async with database.session() as session:
        after = {p.id: (p.revision, p.updated_at) for p in await session.scalars(select(FreelancerProfile))}
        assert after == before, "marking a row queued is not a change of it"
        still_stale = await sweep.stale_ids(session, requeue_after=timedelta(0))
        assert still_stale == (pool["missions"], pool["profiles"]), "queued is not scored"
    await asyncio.sleep(0.6)  # the bound is a duration: a lost send is retried once it has passed
    async with database.session() as session:
        third = await sweep.take_stale(session, settings)
    assert (third.mission_ids, third.profile_ids) == (pool["missions"], pool["profiles"])


async def test_a_row_written_after_the_sweep_queued_it_is_queued_again(
    client: Client, pool: dict[str, list[int]], database: Database, operator: Caller
) -> None:
    async with database.session() as session:
        await sweep.take_stale(session, database.settings)
    mission = pool["missions"][0]
    patched = await client.patch(
        f"/api/v1/missions/{mission}", json={"tjm_max": 720}, headers=operator.headers
    )
    assert patched.status_code == 200, patched.text
    async with database.session() as session:
        again = await sweep.take_stale(session, database.settings)
    assert (again.mission_ids, again.profile_ids) == ([mission], [])
