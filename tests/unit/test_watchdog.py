"""The job watchdog and the chunk claim, on SQLite and PostgreSQL, without Celery.

A worker that dies leaves its chunk running under a lease; a lost message leaves a chunk (or a whole
job) queued. The watchdog must send each of those again exactly when its bound has passed, once per
bound, and two deliveries of one chunk must count it once. The real crashes (SIGKILLed workers, an
emptied Redis) are in tests/integration/test_job_recovery.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Match, Mission, ScoringJob, ScoringJobChunk
from models.enums import ChunkState, JobState
from service.background.jobs import create_job
from service.db import Database
from service.scoring import jobs, watchdog
from service.settings import Settings
from tests.factories import Caller, post_mission, register_freelancer

N_CHUNKS = 3


@dataclasses.dataclass(frozen=True)
class Planned:
    settings: Settings
    job_id: str
    chunks: list[jobs.ChunkToSend]


def _now() -> datetime:
    return datetime.now(UTC)


async def _plan(database: Database, settings: Settings) -> Planned:
    async with database.session() as session:
        job = await create_job(session, "rescore_all", None)
        chunks = await jobs.plan_rescore(session, settings, job.id)
    return Planned(settings, job.id, chunks)


@pytest.fixture
async def pool(client: AsyncTestClient[Any], company: Caller) -> None:
    """Three missions (one per chunk) and two profiles, never scored."""
    for _ in range(N_CHUNKS):
        await post_mission(client, company)
    await register_freelancer(client)
    await register_freelancer(client, tjm=720)


@pytest.fixture
def settings(database: Database) -> Settings:
    return dataclasses.replace(database.settings, rescore_chunk_missions=1)


async def _watch(database: Database, settings: Settings, at: datetime) -> watchdog.WatchReport:
    async with database.session() as session:
        return await watchdog.watch_jobs(session, settings, now=at)


async def _chunk(database: Database, job_id: str, index: int) -> ScoringJobChunk:
    async with database.session() as session:
        row = await session.get(ScoringJobChunk, (job_id, index))
        assert row is not None
        return row


async def _job(database: Database, job_id: str) -> ScoringJob:
    async with database.session() as session:
        return await jobs.get_job(session, job_id)


async def _deliver(
    database: Database, settings: Settings, chunk: jobs.ChunkToSend, token: str | None = None
) -> jobs.ChunkRun:
    async with database.session() as session:
        return await jobs.score_job_chunk(
            session, settings, chunk.job_id, chunk.chunk_index, chunk.mission_ids, claim_token=token
        )


async def test_plan_writes_every_chunk_row_once(pool: None, database: Database, settings: Settings) -> None:
    planned = await _plan(database, settings)
    assert [c.chunk_index for c in planned.chunks] == list(range(N_CHUNKS))
    async with database.session() as session:
        replay = await jobs.plan_rescore(session, settings, planned.job_id)
        rows = (await session.scalars(select(ScoringJobChunk).order_by(ScoringJobChunk.chunk_index))).all()
    assert replay == planned.chunks, "a replayed plan re-sends the chunks still queued, same plan"
    assert [(r.chunk_index, r.state, r.mission_ids, r.attempts) for r in rows] == [
        (c.chunk_index, ChunkState.QUEUED, c.mission_ids, 0) for c in planned.chunks
    ]
    job = await _job(database, planned.job_id)
    assert job.state is JobState.RUNNING and job.total_chunks == N_CHUNKS
    assert job.planned_at is not None and job.heartbeat_at == job.planned_at


async def test_an_expired_lease_is_queued_again_and_re_sent_once(
    pool: None, database: Database, settings: Settings
) -> None:
    settings = dataclasses.replace(settings, job_stall_seconds=3600)  # only the lease matters here
    planned = await _plan(database, settings)
    async with database.session() as session:  # a worker takes chunk 0, then dies
        assert await jobs.claim_chunk(session, settings, planned.job_id, 0, "dead-worker") == (
            1,
            planned.chunks[0].mission_ids,
        )
    within_lease = _now() + timedelta(seconds=settings.chunk_lease_seconds - 5)
    assert (await _watch(database, settings, within_lease)).chunks == []
    assert (await _chunk(database, planned.job_id, 0)).state is ChunkState.RUNNING

    expired = _now() + timedelta(seconds=settings.chunk_lease_seconds + 1)
    report = await _watch(database, settings, expired)
    assert [r.chunk for r in report.chunks] == [planned.chunks[0]]
    assert "lease expired" in report.chunks[0].reason
    row = await _chunk(database, planned.job_id, 0)
    assert (row.state, row.lease_until, row.attempts) == (ChunkState.QUEUED, None, 1)
    assert (await _watch(database, settings, expired)).chunks == [], "re-sent once, not every pass"

    run = await _deliver(database, settings, planned.chunks[0])
    assert run.status == "counted" and run.attempts == 2


async def test_a_lease_expiring_on_the_last_attempt_fails_the_job_with_the_reason(
    pool: None, database: Database, settings: Settings
) -> None:
    settings = dataclasses.replace(settings, chunk_max_attempts=2, job_stall_seconds=3600)
    planned = await _plan(database, settings)
    expired = _now() + timedelta(seconds=settings.chunk_lease_seconds + 1)
    for attempt in (1, 2):
        async with database.session() as session:
            claimed = await jobs.claim_chunk(session, settings, planned.job_id, 1, f"worker-{attempt}")
        assert claimed is not None and claimed[0] == attempt
        report = await _watch(database, settings, expired)
    assert report.chunks == [] and report.failed_jobs == [planned.job_id]
    job = await _job(database, planned.job_id)
    mission = planned.chunks[1].mission_ids[0]
    assert job.state is JobState.FAILED and job.finished_at is not None
    assert job.error == (
        f"chunk 2 of 3 (missions {mission}-{mission}) did not finish after 2 attempts "
        "(worker lost or timed out)"
    )
    assert (await _chunk(database, planned.job_id, 1)).state is ChunkState.FAILED
    assert (await _deliver(database, settings, planned.chunks[0])).status == "skipped", "job is over"


async def test_a_stalled_job_has_its_queued_chunks_re_sent_once_per_stall(
    pool: None, database: Database, settings: Settings
) -> None:
    settings = dataclasses.replace(settings, chunk_lease_seconds=600)  # only the stall matters here
    planned = await _plan(database, settings)
    async with database.session() as session:  # chunk 0 is running, alive: not re-sent
        assert await jobs.claim_chunk(session, settings, planned.job_id, 0, "alive") is not None
    stall = timedelta(seconds=settings.job_stall_seconds)
    assert (await _watch(database, settings, _now() + stall / 2)).chunks == []

    stalled = _now() + stall + timedelta(seconds=1)
    report = await _watch(database, settings, stalled)
    assert [r.chunk for r in report.chunks] == planned.chunks[1:]
    assert all("no progress" in r.reason for r in report.chunks)
    assert (await _watch(database, settings, stalled)).chunks == [], "the heartbeat moved"
    again = await _watch(database, settings, stalled + stall + timedelta(seconds=1))
    assert [r.chunk for r in again.chunks] == planned.chunks[1:]


async def test_a_job_left_queued_has_its_plan_re_sent(
    pool: None, database: Database, settings: Settings
) -> None:
    async with database.session() as session:
        job = await create_job(session, "rescore_all", None)  # its rescore_all message is lost
    stall = timedelta(seconds=settings.job_stall_seconds)
    assert (await _watch(database, settings, _now() + stall / 2)).rescore_jobs == []
    stalled = _now() + stall + timedelta(seconds=1)
    assert (await _watch(database, settings, stalled)).rescore_jobs == [job.id]
    assert (await _watch(database, settings, stalled)).rescore_jobs == []
    async with database.session() as session:
        chunks = await jobs.plan_rescore(session, settings, job.id)
    assert len(chunks) == N_CHUNKS


async def test_two_deliveries_of_one_chunk_count_it_once(
    pool: None, database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Delivery A claims chunk 0 and stalls past its lease; the watchdog re-sends it; delivery B
    scores and counts it; then A finishes too. Matches are written by both, the chunk counts once."""
    planned = await _plan(database, settings)
    load_missions = jobs.load_missions
    b_runs: list[jobs.ChunkRun] = []
    interleaved = False

    async def a_stalls_then_b_runs(session: AsyncSession, ids: Sequence[int] | None = None) -> list[Mission]:
        nonlocal interleaved
        if not interleaved:  # A is between its claim and its scoring; B's own load goes straight through
            interleaved = True
            lease_over = _now() + timedelta(seconds=settings.chunk_lease_seconds + 1)
            report = await _watch(database, settings, lease_over)
            assert planned.chunks[0] in [r.chunk for r in report.chunks]
            b_runs.append(await _deliver(database, settings, planned.chunks[0], token="delivery-b"))
        return await load_missions(session, ids)

    monkeypatch.setattr(jobs, "load_missions", a_stalls_then_b_runs)
    a_run = await _deliver(database, settings, planned.chunks[0], token="delivery-a")
    assert b_runs[0].status == "counted" and b_runs[0].pairs_scored == 2
    assert a_run.status == "duplicate" and a_run.pairs_scored == 2
    monkeypatch.setattr(jobs, "load_missions", load_missions)
    for chunk in [*planned.chunks, planned.chunks[0]]:
        await _deliver(database, settings, chunk)

    async with database.session() as session:
        job, done, pairs = await jobs.job_progress(session, planned.job_id)
        duplicates = (
            await session.execute(
                select(Match.mission_id, Match.freelancer_id)
                .group_by(Match.mission_id, Match.freelancer_id)
                .having(func.count() > 1)
            )
        ).all()
    assert job.state is JobState.DONE
    assert (done, pairs) == (N_CHUNKS, N_CHUNKS * 2)
    assert duplicates == []


async def test_a_retry_after_a_transient_error_claims_its_chunk_again(
    pool: None, database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Celery retries a transient error with the same task id: it must not wait for its own lease."""
    planned = await _plan(database, settings)
    score = jobs.score_missions_uncommitted
    failures = [OperationalError("INSERT INTO matches", {}, Exception("database is locked"))]

    async def flaky(session: AsyncSession, cfg: Settings, missions: Sequence[Mission]) -> Any:
        if failures:
            raise failures.pop()
        return await score(session, cfg, missions)

    monkeypatch.setattr(jobs, "score_missions_uncommitted", flaky)
    with pytest.raises(OperationalError):
        await _deliver(database, settings, planned.chunks[0], token="task-1")
    row = await _chunk(database, planned.job_id, 0)
    assert (row.state, row.claim_token, row.attempts) == (ChunkState.RUNNING, "task-1", 1)
    other = await _deliver(database, settings, planned.chunks[0], token="task-2")
    assert other.status == "skipped", "another delivery leaves a live lease alone"
    retry = await _deliver(database, settings, planned.chunks[0], token="task-1")
    assert retry.status == "counted" and retry.attempts == 1, "a retry is not a new attempt"


async def test_a_failing_chunk_is_queued_again_until_its_last_attempt(
    pool: None, database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned = await _plan(database, settings)

    async def broken(session: AsyncSession, cfg: Settings, missions: Sequence[Mission]) -> Any:
        raise ValueError("no rate band 'zz'\nsecond line")

    monkeypatch.setattr(jobs, "score_missions_uncommitted", broken)
    statuses = [(await _deliver(database, settings, planned.chunks[2])).status for _ in range(4)]
    assert statuses == ["requeued", "requeued", "failed", "skipped"]
    row = await _chunk(database, planned.job_id, 2)
    assert (row.state, row.attempts, row.last_error) == (
        ChunkState.FAILED,
        3,
        "ValueError: no rate band 'zz'",
    )
    mission = planned.chunks[2].mission_ids[0]
    job = await _job(database, planned.job_id)
    assert job.state is JobState.FAILED
    assert (
        job.error
        == f"chunk 3 of 3 (missions {mission}-{mission}) failed 3 times: ValueError: no rate band 'zz'"
    )


async def test_the_watchdog_finishes_a_job_whose_last_chunk_crashed_before_finishing_it(
    pool: None, database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned = await _plan(database, settings)

    async def crashed(session: AsyncSession, job_id: str) -> bool:
        return False

    finish: Callable[[AsyncSession, str], Awaitable[bool]] = jobs.finish_job_if_complete
    monkeypatch.setattr(jobs, "finish_job_if_complete", crashed)
    for chunk in planned.chunks:
        assert (await _deliver(database, settings, chunk)).status == "counted"
    assert (await _job(database, planned.job_id)).state is JobState.RUNNING
    monkeypatch.setattr(jobs, "finish_job_if_complete", finish)
    report = await _watch(database, settings, _now())
    assert report.finished_jobs == [planned.job_id]
    assert (await _job(database, planned.job_id)).state is JobState.DONE


def test_the_watchdog_runs_on_a_queue_of_its_own_that_every_worker_consumes(tmp_path: Path) -> None:
    """Behind a backlog of chunks on the main queue, the watchdog would wait for all of them."""
    from service.background.task_names import TASK_WATCH_JOBS
    from service.cli import worker_command
    from workers.celery_app import create_celery

    settings = Settings(data_dir=tmp_path, celery_queue="stack-a", job_watchdog_seconds=7)
    app = create_celery(settings, worker=True)
    entry = next(e for e in app.conf.beat_schedule.values() if e["task"] == TASK_WATCH_JOBS)
    assert entry["schedule"] == 7
    assert app.amqp.router.route({}, TASK_WATCH_JOBS)["queue"].name == "stack-a.control"
    command = worker_command(settings, beat=False)
    assert command[command.index("--queues") + 1].split(",") == ["stack-a", "stack-a.control"]
