"""A full rescore finishes whatever kills it mid-job, within a stated bound:

- the embedded default (SQLite database, kombu's SQLAlchemy broker, which never re-delivers a message
  a dead worker had fetched): the worker is SIGKILLed, a new one (with beat) finishes the job;
- Redis with its default visibility timeout (900 s, not lowered): same kill, finished far sooner;
- a Redis that keeps nothing on disk, SIGKILLed and restarted empty: every queued chunk message is gone,
  the worker that kept running finishes the job.

Each time the job ends done, every chunk counted once, no pair stored twice or beyond
MATCH_STORE_LIMIT, and the stored matches are exactly what a clean in-process rescore stores. The
watchdog settings are short (lease 10 s, stall 5 s, period 2 s) so the bounds are tens of seconds.

Mandatory when CI=true; skipped locally (with the reason) when Redis, PostgreSQL or redis-server is
missing.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import redis
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update

from models import FreelancerProfile, Match, Mission, RateBand, ScoringJob, ScoringJobChunk
from models.enums import ChunkState
from service import migrations
from service.app import create_app
from service.db import Database
from service.fixtures_loader import load_reference_data
from service.scoring import services
from service.settings import Settings
from tests.conftest import TEST_SECRET
from tests.factories import create_operator
from tests.processes import RedisServer, WorkerProcess
from tests.worker_stack import REPO, Stack, eventually, postgres_redis_stack, require_redis, seed_pool

pytestmark = pytest.mark.integration

N_PROFILES = 1000
#: Workers killed at most, one after another, until one dies with a chunk in hand.
KILL_ATTEMPTS = 3
N_MISSIONS = {"redis": 40, "sqlite": 0}
"""Added to the 26 demo missions, one mission per chunk on Redis: 66 chunks, several seconds of work
for two pool processes. kombu's SQLAlchemy broker is polled once a second once the worker's
prefetch is full (about two chunks a second), so there the demo missions alone, two per chunk."""

WATCHDOG = {"CHUNK_LEASE_SECONDS": "10", "JOB_STALL_SECONDS": "5", "JOB_WATCHDOG_SECONDS": "2"}

WORKER_KILL_BOUND_SECONDS = 45.0
"""Kill to done: a new worker boots (< 10 s) and takes the chunks still queued; the chunks the dead
worker held come back when their lease ends (10 s after their claim) and the next watchdog pass (2 s)
re-sends them; a message it had fetched but not claimed yet is re-sent once the job stalls (5 s, then a
pass). Plus the work left (< 15 s). Far under Redis's 900 s visibility timeout."""

REDIS_LOSS_BOUND_SECONDS = 40.0
"""Restart to done: the worker reconnects (< 10 s), the chunks it was running finish, and once no chunk
moved for 5 s the next watchdog pass (2 s) re-sends every queued chunk; plus the work left (< 15 s)."""

OLD_STORE_LIMIT = 20
"""The scores from before the grid change keep a mission's 20 best pairs only, so they stay within
MATCH_STORE_LIMIT after the rescore too."""

GRID_MOVE = 150
"""€ added to every band of the TJM grid: the rescore must move the scores of every mission."""

Pairs = dict[tuple[int, int], tuple[float, dict[str, float]]]


async def _stored(database: Database) -> Pairs:
    async with database.session() as session:
        rows = await session.execute(
            select(Match.mission_id, Match.freelancer_id, Match.score, Match.factors)
        )
        return {(m, f): (score, factors) for m, f, score, factors in rows}


async def _score_everything_in_process(database: Database, settings: Settings) -> Pairs:
    """A clean rescore here, through the service the chunks call, on the same data."""
    async with database.session() as session:
        ids = list(await session.scalars(select(Mission.id).order_by(Mission.id)))
        await services.score_missions(session, settings, ids)
    return await _stored(database)


async def _queue_grid_change(database: Database, settings: Settings, client: AsyncTestClient[Any]) -> str:
    """Old scores stored in process, then every TJM band moved up: all but one directly in the
    database, the last through the API, whose full rescore job goes to the broker. Returns its id."""
    await _score_everything_in_process(
        database, dataclasses.replace(settings, match_store_limit=OLD_STORE_LIMIT)
    )
    async with database.session() as session:
        band = await session.scalar(select(Mission.seniority).order_by(Mission.id.desc()).limit(1))
        current = await session.get(RateBand, band)
        assert current is not None
        await session.execute(
            update(RateBand)
            .where(RateBand.id != band)
            .values(
                tjm_low=RateBand.tjm_low + GRID_MOVE,
                tjm_high=RateBand.tjm_high + GRID_MOVE,
                tjm_ceiling=RateBand.tjm_ceiling + GRID_MOVE,
            )
        )
        await session.commit()
    operator = await create_operator(database, TEST_SECRET)
    response = await client.put(
        f"/api/v1/rate-grid/{band}",
        json={"tjm_low": current.tjm_low + GRID_MOVE, "tjm_high": current.tjm_high + GRID_MOVE},
        headers=operator.headers,
    )
    assert response.status_code == 200, response.text
    async with database.session() as session:
        job_id = await session.scalar(select(ScoringJob.id).order_by(ScoringJob.created_at.desc()).limit(1))
    assert job_id is not None
    return job_id


async def _chunk_counts(database: Database, job_id: str) -> dict[ChunkState, int]:
    async with database.session() as session:
        rows = await session.execute(
            select(ScoringJobChunk.state, func.count())
            .where(ScoringJobChunk.job_id == job_id)
            .group_by(ScoringJobChunk.state)
        )
        return {ChunkState(state): int(n) for state, n in rows}


async def _wait_mid_job(database: Database, job_id: str, worker: WorkerProcess) -> None:
    """Some chunks done and one being scored (claimed): the moment to kill."""

    async def mid_chunk() -> bool:
        counts = await _chunk_counts(database, job_id)
        return counts.get(ChunkState.DONE, 0) >= 2 and counts.get(ChunkState.RUNNING, 0) >= 1

    await eventually(mid_chunk, within=90, what="a chunk being scored", every=0.02, alive=worker.check_alive)


async def _wait_done(database: Database, job_id: str, within: float, alive: WorkerProcess) -> float:
    """Seconds until the job is done (fails past `within`)."""
    started = time.monotonic()

    async def done() -> bool:
        async with database.session() as session:
            state = await session.scalar(select(ScoringJob.state).where(ScoringJob.id == job_id))
        assert state != "failed", f"the job failed (worker log: {alive.log_path})"
        return state == "done"

    await eventually(done, within=within, what=f"job {job_id} to finish", every=0.2, alive=alive.check_alive)
    return time.monotonic() - started


async def _assert_rescore_is_clean(
    database: Database,
    settings: Settings,
    client: AsyncTestClient[Any],
    job_id: str,
    old: Pairs,
    *,
    chunks_redone: bool,
) -> None:
    """Done, each chunk once, no pair twice or past the limit, scores moved, equal to a clean rescore."""
    operator = await create_operator(database, TEST_SECRET)
    status = (await client.get(f"/api/v1/jobs/{job_id}", headers=operator.headers)).json()
    async with database.session() as session:
        n_missions = await session.scalar(select(func.count()).select_from(Mission))
        n_profiles = await session.scalar(
            select(func.count()).select_from(FreelancerProfile).where(FreelancerProfile.active)
        )
        chunks = (
            await session.execute(
                select(ScoringJobChunk.chunk_index, ScoringJobChunk.state, ScoringJobChunk.attempts).where(
                    ScoringJobChunk.job_id == job_id
                )
            )
        ).all()
        duplicates = (
            await session.execute(
                select(Match.mission_id, Match.freelancer_id)
                .group_by(Match.mission_id, Match.freelancer_id)
                .having(func.count() > 1)
            )
        ).all()
        busiest = await session.scalar(
            select(func.count())
            .select_from(Match)
            .group_by(Match.mission_id)
            .order_by(func.count().desc())
            .limit(1)
        )
    assert status["state"] == "done" and status["error"] is None
    assert (
        status["done_chunks"] == status["total_chunks"] == len(chunks) == len({c.chunk_index for c in chunks})
    )
    assert all(c.state == ChunkState.DONE for c in chunks)
    # Each chunk counted once, although the killed ones ran (at least partly) twice.
    assert status["pairs_scored"] == n_missions * n_profiles
    assert duplicates == []
    assert busiest is not None and busiest <= settings.match_store_limit
    if chunks_redone:
        assert max(c.attempts for c in chunks) >= 2, "no chunk was lost and redone: the kill proved nothing"

    stored = await _stored(database)
    unmoved = {m for m in {m for m, _ in old}} - {
        m for (m, f), (score, _) in old.items() if stored[(m, f)][0] != score
    }
    assert not unmoved, f"missions {sorted(unmoved)} kept their old scores: a stale chunk would go unseen"
    assert stored == await _score_everything_in_process(database, settings)


@pytest.fixture
async def embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Stack]:
    """The embedded default under a data directory of its own: SQLite database, SQLite broker."""
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CTOMATCH_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CTOMATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("RESCORE_CHUNK_MISSIONS", "2")
    settings = Settings.from_env()
    assert settings.celery_broker_url == f"sqla+sqlite:///{tmp_path / 'celery-broker.db'}"
    env = {**os.environ, **WATCHDOG, "PYTHONPATH": str(REPO)}  # no URL: the worker derives the same
    database = Database(settings)
    await migrations.upgrade(database.engine)
    async with database.session() as session:
        await load_reference_data(session)
    yield Stack(settings, env, database, tmp_path)
    await database.dispose()


@pytest.fixture
async def redis_stack(tmp_path: Path) -> AsyncIterator[Stack]:
    """PostgreSQL and the shared Redis (a queue of its own) with Redis's default visibility timeout."""
    async with postgres_redis_stack(require_redis(), tmp_path, rescore_chunk_missions=1) as stack:
        assert stack.settings.celery_visibility_timeout == 900
        stack.env.update(WATCHDOG)
        yield stack


@pytest.fixture
def private_redis(tmp_path: Path) -> Any:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


async def _kill_worker_mid_rescore(stack: Stack, label: str, n_missions: int) -> None:
    await seed_pool(stack.database, N_PROFILES, n_missions)
    async with AsyncTestClient(app=create_app(stack.settings)) as client:
        job_id = await _queue_grid_change(stack.database, stack.settings, client)
        old = await _stored(stack.database)
        for attempt in range(1, KILL_ATTEMPTS + 1):
            # A chunk lasts tens of milliseconds: the one seen running may end before the kill lands.
            # Then nothing was lost yet and the test would prove nothing: kill another worker.
            log = stack.log_dir / f"doomed-{attempt}.log"
            doomed = WorkerProcess(stack.settings, stack.env, log, beat=True)
            try:
                await _wait_mid_job(stack.database, job_id, doomed)
            finally:
                doomed.kill()
                doomed.stop()
            killed = time.monotonic()
            at_kill = await _chunk_counts(stack.database, job_id)
            assert at_kill.get(ChunkState.QUEUED, 0) >= 1, f"killed too late {at_kill}"
            if at_kill.get(ChunkState.RUNNING, 0) >= 1:
                break
        assert at_kill.get(ChunkState.RUNNING, 0) >= 1, (
            f"killed between chunks {KILL_ATTEMPTS} times {at_kill}"
        )

        survivor = WorkerProcess(stack.settings, stack.env, stack.log_dir / "survivor.log", beat=True)
        try:
            await _wait_done(stack.database, job_id, WORKER_KILL_BOUND_SECONDS, survivor)
            recovery = time.monotonic() - killed
        finally:
            survivor.kill()  # the job is over: no warm shutdown to wait for
            survivor.stop()
        print(
            f"\n[{label}] worker SIGKILLed with chunks {dict(at_kill)}: job done {recovery:.1f} s after the "
            f"kill (bound {WORKER_KILL_BOUND_SECONDS:.0f} s)"
        )
        assert recovery <= WORKER_KILL_BOUND_SECONDS
        await _assert_rescore_is_clean(
            stack.database, stack.settings, client, job_id, old, chunks_redone=True
        )


async def test_embedded_default_survives_a_worker_killed_mid_rescore(embedded: Stack) -> None:
    await _kill_worker_mid_rescore(embedded, "embedded SQLite broker", N_MISSIONS["sqlite"])


async def test_redis_survives_a_worker_killed_mid_rescore_long_before_its_visibility_timeout(
    redis_stack: Stack,
) -> None:
    await _kill_worker_mid_rescore(redis_stack, "Redis, visibility timeout 900 s", N_MISSIONS["redis"])


async def test_a_redis_restarted_empty_mid_rescore_loses_no_chunk(
    private_redis: RedisServer, tmp_path: Path
) -> None:
    async with postgres_redis_stack(private_redis.url, tmp_path, rescore_chunk_missions=1) as stack:
        stack.env.update(WATCHDOG)
        await seed_pool(stack.database, N_PROFILES, N_MISSIONS["redis"])
        async with AsyncTestClient(app=create_app(stack.settings)) as client:
            job_id = await _queue_grid_change(stack.database, stack.settings, client)
            old = await _stored(stack.database)
            worker = WorkerProcess(stack.settings, stack.env, stack.log_dir / "worker.log", beat=True)
            try:
                await _wait_mid_job(stack.database, job_id, worker)
                private_redis.kill()
                at_kill = await _chunk_counts(stack.database, job_id)
                private_redis.start()  # same port, empty
                restarted = time.monotonic()
                assert redis.Redis.from_url(private_redis.url).llen(stack.settings.celery_queue) == 0
                assert at_kill.get(ChunkState.QUEUED, 0) >= 1, f"Redis killed too late {at_kill}"
                await _wait_done(stack.database, job_id, REDIS_LOSS_BOUND_SECONDS, worker)
                recovery = time.monotonic() - restarted
            finally:
                worker.kill()
                worker.stop()
            print(
                f"\n[Redis restarted empty] chunks at the kill {dict(at_kill)}: job done {recovery:.1f} s "
                f"after the restart (bound {REDIS_LOSS_BOUND_SECONDS:.0f} s)"
            )
            assert recovery <= REDIS_LOSS_BOUND_SECONDS
            await _assert_rescore_is_clean(
                stack.database, stack.settings, client, job_id, old, chunks_redone=False
            )
