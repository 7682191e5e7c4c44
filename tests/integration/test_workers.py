"""Real Celery workers on real Redis and PostgreSQL: matches appear after API writes, a stale sweep
catches writes whose enqueue was lost, and a worker killed mid-rescore loses and duplicates nothing.

Mandatory when CI=true; skipped locally (with the reason) when Redis or PostgreSQL is unreachable.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import redis
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from matching import encode_missions, encode_profiles, score_mission_against_pool
from models import (
    Account,
    FreelancerProfile,
    Match,
    Mission,
    ProfileCompetence,
    ProfileCtoMission,
    ScoringJob,
    ScoringJobChunk,
)
from models.enums import Orientation, RemotePreference, Role
from service import migrations
from service.app import create_app
from service.auth.keys import hash_api_key
from service.db import Database
from service.fixtures_loader import load_demo_data, load_reference_data
from service.scoring.adapters import load_context, mission_input, profile_input
from service.settings import Settings
from tests.conftest import (
    TEST_SECRET,
    _create_postgres_database,
    _drop_postgres_database,
    make_settings,
    unavailable,
)
from tests.factories import create_operator, post_mission, register_company, register_freelancer
from tests.processes import WorkerProcess

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REPO = Path(__file__).resolve().parents[2]


@dataclasses.dataclass
class Stack:
    settings: Settings
    env: dict[str, str]
    database: Database
    log_dir: Path


def start_worker(stack: Stack, name: str) -> WorkerProcess:
    """`ctomatch worker --no-beat` on the stack's broker, logging under the stack's log folder."""
    return WorkerProcess(stack.settings, stack.env, stack.log_dir / f"{name}.log", beat=False)


@pytest.fixture(scope="module")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        unavailable(f"Redis at {REDIS_URL}", exc)
    return REDIS_URL


@pytest.fixture
async def stack(redis_url: str, tmp_path: Path) -> AsyncIterator[Stack]:
    """A fresh PostgreSQL database and a Redis queue of its own, with the demo reference data."""
    try:
        url = await _create_postgres_database()
    except Exception as exc:
        unavailable("PostgreSQL", exc)
    queue = f"ctomatch-test-{uuid.uuid4().hex[:10]}"
    settings = dataclasses.replace(
        make_settings(url, tmp_path),
        celery_broker_url=redis_url,
        celery_result_backend=redis_url,
        celery_queue=queue,
        celery_visibility_timeout=5,
        rescore_chunk_missions=2,
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "CELERY_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "RESCORE_CHUNK_MISSIONS": "2",
        "SECRET_KEY": TEST_SECRET,
        "CTOMATCH_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(REPO),
    }
    database = Database(settings)
    await migrations.upgrade(database.engine)
    async with database.session() as session:
        await load_reference_data(session)
    yield Stack(settings, env, database, tmp_path)
    await database.dispose()
    redis.Redis.from_url(redis_url).delete(queue)
    await _drop_postgres_database(url)


@pytest.fixture
def worker(stack: Stack) -> Iterator[WorkerProcess]:
    process = start_worker(stack, "worker")
    yield process
    process.stop()


async def eventually(check: Callable[[], Awaitable[Any]], within: float = 60, what: str = "condition") -> Any:
    deadline = time.monotonic() + within
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(0.3)


async def test_api_writes_are_scored_by_the_worker(stack: Stack, worker: WorkerProcess) -> None:
    app = create_app(stack.settings)
    async with AsyncTestClient(app=app) as client:
        freelancer = await register_freelancer(client)
        company = await register_company(client)
        operator = await create_operator(stack.database, TEST_SECRET)
        mission = await post_mission(client, company)
        path = f"/api/v1/missions/{mission['id']}/matches"

        async def matched() -> Any:
            body = (await client.get(path, headers=operator.headers)).json()
            return body["items"] if body["total"] and not body["scoring_pending"] else None

        items = await eventually(matched, what="the new mission's matches")
        assert items[0]["freelancer_id"] == freelancer.id
        assert any("within budget 600–700 €" in r for r in items[0]["reasons"])
        before = items[0]["score"]

        await client.patch(
            f"/api/v1/freelancers/{freelancer.id}", json={"tjm": 990}, headers=freelancer.headers
        )

        async def rescored() -> Any:
            body = (await client.get(path, headers=operator.headers)).json()
            return body["items"] and body["items"][0]["score"] != before and not body["scoring_pending"]

        await eventually(rescored, what="the profile's new score")
        after = (await client.get(path, headers=operator.headers)).json()["items"][0]["score"]
        assert after < before


async def test_stale_sweep_scores_a_write_whose_enqueue_was_lost(stack: Stack, worker: WorkerProcess) -> None:
    """A crash between commit and enqueue leaves the row stale; the periodic sweep rescores it."""
    from workers.celery_app import create_celery
    from workers.task_names import TASK_RESCORE_STALE

    async with stack.database.session() as session:
        await load_demo_data(session, TEST_SECRET)  # written directly: nothing was enqueued
        assert await session.scalar(select(func.count()).select_from(Match)) == 0
    create_celery(stack.settings).send_task(TASK_RESCORE_STALE)

    async def all_scored() -> bool:
        async with stack.database.session() as session:
            stale = await session.scalar(
                select(func.count()).select_from(Mission).where(Mission.scored_revision.is_(None))
            )
            matches = await session.scalar(select(func.count()).select_from(Match))
            return stale == 0 and bool(matches)

    await eventually(all_scored, within=90, what="the stale sweep to score the demo data")


async def _seed_pool(database: Database, n_profiles: int, n_missions: int) -> None:
    """Many profiles and missions written directly (no enqueue), for a rescore that takes a while."""
    rng = np.random.default_rng(7)
    competences = [
        "information_systems",
        "new_technologies",
        "project_management",
        "it_security",
        "leadership",
        "communication",
        "strategic_vision",
        "website_creation",
    ]
    async with database.session() as session:
        await load_demo_data(session, TEST_SECRET)
        template = await session.scalar(select(Mission).where(Mission.status == "open").limit(1))
        assert template is not None
        for i in range(n_missions):
            session.add(
                Mission(
                    company_id=template.company_id,
                    title=f"{template.title} #{i}",
                    description=template.description,
                    orientation=template.orientation,
                    seniority=template.seniority,
                    tjm_min=template.tjm_min,
                    tjm_max=template.tjm_max,
                    start_date=template.start_date,
                    days_per_week=template.days_per_week,
                    remote_policy=template.remote_policy,
                    location=template.location,
                    sector=template.sector,
                    context=template.context,
                    competences=[],
                    cto_missions=[],
                )
            )
        for i in range(n_profiles):
            account = Account(
                email=f"pool{i}@example.test",
                role=Role.FREELANCER,
                display_name=f"Pool {i}",
                api_key_hash=hash_api_key(f"k{i}", TEST_SECRET),
                api_key_prefix="k",
            )
            chosen = rng.choice(len(competences), size=4, replace=False)
            session.add(
                FreelancerProfile(
                    account=account,
                    full_name=f"Pool {i}",
                    headline="CTO",
                    summary="Fractional CTO",
                    years_experience=float(rng.integers(0, 30)),
                    tjm=int(rng.integers(40, 120)) * 10,
                    available_from=date(2027, 1, 1) + timedelta(days=int(rng.integers(0, 120))),
                    days_per_week=int(rng.integers(1, 6)),
                    remote_preference=RemotePreference.FLEXIBLE,
                    location="Paris",
                    orientation=Orientation.BOTH,
                    sectors=["fintech"],
                    certifications=[],
                    stack=["python"],
                    past_roles=[],
                    references=[],
                    competences=[
                        ProfileCompetence(competence_id=competences[c], level=int(rng.integers(1, 6)))
                        for c in chosen
                    ],
                    cto_missions=[ProfileCtoMission(cto_mission_id="technology_strategy")],
                )
            )
        await session.commit()


async def _expected_pairs(database: Database, settings: Settings) -> set[tuple[int, int]]:
    """What the engine says each mission should store, computed here independently of the workers."""
    async with database.session() as session:
        ctx = await load_context(session)
        profiles = [
            profile_input(p)
            for p in await session.scalars(
                select(FreelancerProfile).where(FreelancerProfile.active).order_by(FreelancerProfile.id)
            )
        ]
        missions = [mission_input(m) for m in await session.scalars(select(Mission).order_by(Mission.id))]
    pool = encode_profiles(profiles, ctx.vocab, ctx.grid)
    expected = set()
    for mission in missions:
        result = score_mission_against_pool(
            encode_missions([mission], ctx.vocab, ctx.grid), pool, ctx.grid, settings.weights()
        )
        ok = np.flatnonzero(~result.excluded & (result.total >= settings.match_min_score))
        best = ok[np.lexsort((result.profile_ids[ok], -result.total[ok]))][: settings.match_store_limit]
        expected |= {(mission.id, int(result.profile_ids[i])) for i in best}
    return expected


async def test_worker_killed_mid_rescore_loses_and_duplicates_nothing(stack: Stack) -> None:
    await _seed_pool(stack.database, n_profiles=3000, n_missions=30)
    app = create_app(stack.settings)
    first = start_worker(stack, "doomed")
    try:
        async with AsyncTestClient(app=app) as client:
            op = await create_operator(stack.database, TEST_SECRET)
            job = (await client.post("/api/v1/rescore", headers=op.headers)).json()

            async def some_chunks_done() -> bool:
                async with stack.database.session() as session:
                    done = await session.scalar(
                        select(func.count()).where(ScoringJobChunk.job_id == job["id"])
                    )
                    return (done or 0) >= 2

            await eventually(some_chunks_done, within=120, what="the first chunks")
            first.kill()
            async with stack.database.session() as session:
                total = await session.scalar(
                    select(ScoringJob.total_chunks).where(ScoringJob.id == job["id"])
                )
                done_at_kill = await session.scalar(
                    select(func.count()).where(ScoringJobChunk.job_id == job["id"])
                )
            assert total is not None and done_at_kill is not None and done_at_kill < total, "killed too late"

            second = start_worker(stack, "survivor")
            try:

                async def finished() -> Any:
                    body = (await client.get(f"/api/v1/jobs/{job['id']}", headers=op.headers)).json()
                    return body if body["state"] == "done" else None

                status = await eventually(finished, within=180, what="the job to finish after the restart")
            finally:
                second.stop()
    finally:
        first.stop()

    async with stack.database.session() as session:
        n_missions = await session.scalar(select(func.count()).select_from(Mission))
        n_profiles = await session.scalar(
            select(func.count()).select_from(FreelancerProfile).where(FreelancerProfile.active)
        )
        duplicates = (
            await session.execute(
                select(Match.mission_id, Match.freelancer_id)
                .group_by(Match.mission_id, Match.freelancer_id)
                .having(func.count() > 1)
            )
        ).all()
        stored = {
            (r.mission_id, r.freelancer_id)
            for r in await session.execute(select(Match.mission_id, Match.freelancer_id))
        }
        chunks = (
            (
                await session.execute(
                    select(ScoringJobChunk.chunk_index).where(ScoringJobChunk.job_id == job["id"])
                )
            )
            .scalars()
            .all()
        )
    assert status["done_chunks"] == status["total_chunks"] == len(chunks) == len(set(chunks))
    # Each chunk counted once although the killed one ran (at least partly) twice.
    assert status["pairs_scored"] == n_missions * n_profiles
    assert duplicates == []
    assert stored == await _expected_pairs(stack.database, stack.settings)
    async with stack.database.session() as session:
        unscored = await session.scalar(
            select(func.count()).select_from(Mission).where(Mission.scored_revision.is_(None))
        )
    assert unscored == 0
