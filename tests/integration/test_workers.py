"""Real Celery workers on real Redis and PostgreSQL: matches appear after API writes, and a stale sweep
catches writes whose enqueue was lost. A worker killed mid-rescore: tests/integration/test_job_recovery.py.

Mandatory when CI=true; skipped locally (with the reason) when Redis or PostgreSQL is unreachable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from models import Match, Mission
from service.app import create_app
from service.fixtures_loader import load_demo_data
from tests.conftest import TEST_SECRET
from tests.factories import create_operator, post_mission, register_company, register_freelancer
from tests.processes import WorkerProcess
from tests.worker_stack import Stack, eventually, postgres_redis_stack, require_redis

pytestmark = pytest.mark.integration


def start_worker(stack: Stack, name: str) -> WorkerProcess:
    """`ctomatch worker --no-beat` on the stack's broker, logging under the stack's log folder."""
    return WorkerProcess(stack.settings, stack.env, stack.log_dir / f"{name}.log", beat=False)


@pytest.fixture(scope="module")
def redis_url() -> str:
    return require_redis()


@pytest.fixture
async def stack(redis_url: str, tmp_path: Path) -> AsyncIterator[Stack]:
    """A fresh PostgreSQL database and a Redis queue of its own, with the demo reference data."""
    async with postgres_redis_stack(
        redis_url, tmp_path, celery_visibility_timeout=5, rescore_chunk_missions=2
    ) as fresh:
        yield fresh


@pytest.fixture
def worker(stack: Stack) -> Iterator[WorkerProcess]:
    process = start_worker(stack, "worker")
    yield process
    process.stop()


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
        assert "TJM de 680\u00a0€ dans le budget de 600–700\u00a0€" in items[0]["reasons"]
        assert "tjm_within_budget" in {r["code"] for r in items[0]["reason_codes"]}
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
    from service.background.task_names import TASK_RESCORE_STALE
    from workers.celery_app import create_celery

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
