"""Jobs an operator can follow, through the real HTTP client: the grid update answers with the job it
queued, the recent jobs are listed newest first, and a job's time left comes from the pace of its done
chunks (chunk states are set in the database, as a worker's commits would leave them).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import update

from models import ScoringJob, ScoringJobChunk
from models.enums import ChunkState, JobState
from service.db import Database
from service.scoring import jobs
from tests.factories import Caller, post_mission
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
BAND_FIELDS = {
    "id",
    "label_en",
    "label_fr",
    "min_years",
    "max_years",
    "tjm_low",
    "tjm_high",
    "tjm_ceiling",
    "note",
}


async def _get(client: Client, operator: Caller, path: str) -> Any:
    response = await client.get(path, headers=operator.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_change_of_rates_answers_with_the_band_and_the_job_it_queued(
    client: Client, operator: Caller, work_queue: RecordingWorkQueue
) -> None:
    before = {b["id"]: b for b in (await client.get("/api/v1/rate-grid")).json()["bands"]}["y11_15"]
    response = await client.put("/api/v1/rate-grid/y11_15", json={"tjm_low": 655}, headers=operator.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == BAND_FIELDS | {"job"}, "every field of the band stays, `job` is added"
    assert {k: body[k] for k in BAND_FIELDS} == {**before, "tjm_low": 655}
    job = body["job"]
    assert job["kind"] == "rescore_all" and job["state"] == "queued"
    assert job["started_at"] is None and job["seconds_left"] is None
    assert ("rescore", job["id"]) in work_queue.calls, "the job in the answer is the one queued"
    assert await _get(client, operator, f"/api/v1/jobs/{job['id']}") == job

    note_only = await client.put(
        "/api/v1/rate-grid/y11_15", json={"note": "checked"}, headers=operator.headers
    )
    assert note_only.status_code == 200 and note_only.json()["job"] is None, "no rate moved: no job"


async def test_the_openapi_schema_documents_the_job_member_and_the_new_fields(client: Client) -> None:
    schema = (await client.get("/docs/openapi.json")).json()
    put = schema["paths"]["/api/v1/rate-grid/{band_id}"]["put"]
    ref = put["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    saved = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert BAND_FIELDS | {"job"} <= set(saved["properties"])
    assert "job" in put["description"]
    job_out = schema["components"]["schemas"]["JobOut"]["properties"]
    assert {"started_at", "seconds_left"} <= set(job_out)
    assert "pace" in job_out["seconds_left"]["description"]
    listed = schema["paths"]["/api/v1/jobs"]["get"]
    assert listed["description"].startswith("Roles: operator.")
    assert "limit" in [p["name"] for p in listed["parameters"]]


async def test_the_recent_jobs_are_listed_newest_first_with_their_state(
    client: Client, operator: Caller, work_queue: RecordingWorkQueue, database: Database
) -> None:
    ids = [(await client.post("/api/v1/rescore", headers=operator.headers)).json()["id"] for _ in range(3)]
    async with database.session() as session:  # distinct creation times, the first one failed
        for age, job_id in zip((30, 20, 10), ids, strict=True):
            created = datetime.now(UTC) - timedelta(minutes=age)
            await session.execute(
                update(ScoringJob).where(ScoringJob.id == job_id).values(created_at=created)
            )
        await session.execute(
            update(ScoringJob)
            .where(ScoringJob.id == ids[0])
            .values(state=JobState.FAILED, error="chunk 1 of 1")
        )
        await session.commit()

    listed = await _get(client, operator, "/api/v1/jobs")
    assert [j["id"] for j in listed] == ids[::-1]
    assert [j["state"] for j in listed] == ["queued", "queued", "failed"]
    assert listed[-1]["error"] == "chunk 1 of 1" and listed[-1]["seconds_left"] is None
    two = await _get(client, operator, "/api/v1/jobs?limit=2")
    assert [j["id"] for j in two] == ids[:0:-1]
    for bad in ("0", "101", "x"):
        response = await client.get(f"/api/v1/jobs?limit={bad}", headers=operator.headers)
        assert response.status_code == 422, (bad, response.text)


@pytest.fixture
def per_mission(work_queue: RecordingWorkQueue) -> RecordingWorkQueue:
    """One mission per chunk: four missions, four chunks."""
    work_queue.settings = dataclasses.replace(work_queue.settings, rescore_chunk_missions=1)
    return work_queue


async def test_seconds_left_follows_the_pace_of_the_done_chunks(
    client: Client, company: Caller, operator: Caller, per_mission: RecordingWorkQueue, database: Database
) -> None:
    for _ in range(4):
        await post_mission(client, company)
    job_id = (await client.post("/api/v1/rescore", headers=operator.headers)).json()["id"]
    async with database.session() as session:
        await jobs.plan_rescore(session, per_mission.settings, job_id)
    planned = await _get(client, operator, f"/api/v1/jobs/{job_id}")
    assert (planned["state"], planned["total_chunks"], planned["done_chunks"]) == ("running", 4, 0)
    assert planned["started_at"] is None, "no chunk taken yet"
    assert planned["seconds_left"] is None

    chunk = ScoringJobChunk
    started = datetime.now(UTC) - timedelta(seconds=90)
    async with database.session() as session:
        await session.execute(update(ScoringJob).where(ScoringJob.id == job_id).values(planned_at=started))
        await session.execute(
            update(chunk)
            .where(chunk.job_id == job_id, chunk.chunk_index == 0)
            .values(state=ChunkState.RUNNING, attempts=1)
        )
        await session.commit()
    taken = await _get(client, operator, f"/api/v1/jobs/{job_id}")
    assert abs(datetime.fromisoformat(taken["started_at"]) - started) < timedelta(seconds=1)
    assert taken["seconds_left"] is None, "no pace until one chunk is done"

    async with database.session() as session:
        await session.execute(
            update(chunk)
            .where(chunk.job_id == job_id, chunk.chunk_index.in_([0, 1]))
            .values(state=ChunkState.DONE, attempts=1, pairs_scored=7)
        )
        await session.commit()
    half = await _get(client, operator, f"/api/v1/jobs/{job_id}")
    assert (half["done_chunks"], half["pairs_scored"], half["progress"]) == (2, 14, 0.5)
    # 90 s for 2 chunks: 45 s a chunk, 2 chunks left.
    assert 90 <= half["seconds_left"] <= 92

    async with database.session() as session:
        await session.execute(update(chunk).where(chunk.job_id == job_id).values(state=ChunkState.DONE))
        await session.commit()
        assert await jobs.finish_job_if_complete(session, job_id)
    done = await _get(client, operator, f"/api/v1/jobs/{job_id}")
    assert (done["state"], done["seconds_left"], done["progress"]) == ("done", 0, 1.0)
