"""What the real-worker tests share: a PostgreSQL + Redis stack of their own, waiting for a condition,
and a large pool of profiles and missions written straight to the database (nothing enqueued).

Used by tests/integration/test_workers.py and tests/integration/test_job_recovery.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import redis
from sqlalchemy import insert, select

from models import Account, FreelancerProfile, Mission, ProfileCompetence, ProfileCtoMission
from models.enums import Orientation, RemotePreference, Role
from service import migrations
from service.db import Database
from service.fixtures_loader import load_demo_data, load_reference_data
from service.settings import Settings
from tests.conftest import (
    TEST_SECRET,
    _create_postgres_database,
    _drop_postgres_database,
    make_settings,
    unavailable,
)

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REPO = Path(__file__).resolve().parents[1]

POOL_COMPETENCES = [
    "information_systems",
    "new_technologies",
    "project_management",
    "it_security",
    "leadership",
    "communication",
    "strategic_vision",
    "website_creation",
]


@dataclasses.dataclass
class Stack:
    """A database, a broker queue of its own, and the environment a worker process gets for them."""

    settings: Settings
    env: dict[str, str]
    database: Database
    log_dir: Path


def require_redis(url: str = REDIS_URL) -> str:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        unavailable(f"Redis at {url}", exc)
    return url


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a worker on these settings' database and broker (nothing else inherited
    from the caller's own DATABASE_URL or broker)."""
    env = {**os.environ}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CTOMATCH_ENV"):
        env.pop(name, None)
    env.update(
        {
            "DATABASE_URL": settings.database_url,
            "CELERY_BROKER_URL": settings.celery_broker_url,
            "CELERY_RESULT_BACKEND": settings.celery_result_backend,
            "CELERY_QUEUE": settings.celery_queue,
            "CELERY_VISIBILITY_TIMEOUT": str(settings.celery_visibility_timeout),
            "RESCORE_CHUNK_MISSIONS": str(settings.rescore_chunk_missions),
            "SECRET_KEY": TEST_SECRET,
            "CTOMATCH_DATA_DIR": str(settings.data_dir),
            "PYTHONPATH": str(REPO),
        }
    )
    env.update(extra)
    return env


@asynccontextmanager
async def postgres_redis_stack(broker_url: str, tmp_path: Path, **overrides: Any) -> AsyncIterator[Stack]:
    """A fresh PostgreSQL database with the reference data, and a Redis queue name of its own."""
    try:
        url = await _create_postgres_database()
    except Exception as exc:
        unavailable("PostgreSQL", exc)
    queue = f"ctomatch-test-{uuid.uuid4().hex[:10]}"
    settings = dataclasses.replace(
        make_settings(url, tmp_path),
        celery_broker_url=broker_url,
        celery_result_backend=broker_url,
        celery_queue=queue,
        **overrides,
    )
    database = Database(settings)
    try:
        await migrations.upgrade(database.engine)
        async with database.session() as session:
            await load_reference_data(session)
        yield Stack(settings, worker_env(settings), database, tmp_path)
    finally:
        await database.dispose()
        with contextlib.suppress(redis.RedisError, OSError):  # a private Redis the test stopped
            redis.Redis.from_url(broker_url, socket_connect_timeout=1).delete(
                queue, settings.celery_control_queue
            )
        await _drop_postgres_database(url)


async def eventually(
    check: Callable[[], Awaitable[Any]],
    within: float = 60,
    what: str = "condition",
    *,
    every: float = 0.3,
    alive: Callable[[], None] | None = None,
) -> Any:
    """Poll `check` until it returns something true; `alive` may fail early (a worker died)."""
    deadline = time.monotonic() + within
    while True:
        value = await check()
        if value:
            return value
        if alive is not None:
            alive()
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(every)


async def seed_pool(database: Database, n_profiles: int, n_missions: int) -> None:
    """The demo data plus many profiles and missions, inserted in bulk (no enqueue): a rescore that
    takes a while. Deterministic (a seeded generator)."""
    rng = np.random.default_rng(7)
    async with database.session() as session:
        await load_demo_data(session, TEST_SECRET)
        template = await session.scalar(select(Mission).where(Mission.status == "open").limit(1))
        assert template is not None
        if n_missions:
            await session.execute(
                insert(Mission),
                [
                    {
                        "company_id": template.company_id,
                        "title": f"{template.title} #{i}",
                        "description": template.description,
                        "orientation": template.orientation,
                        "seniority": template.seniority,
                        "tjm_min": template.tjm_min,
                        "tjm_max": template.tjm_max,
                        "start_date": template.start_date,
                        "days_per_week": template.days_per_week,
                        "remote_policy": template.remote_policy,
                        "location": template.location,
                        "sector": template.sector,
                        "context": template.context,
                    }
                    for i in range(n_missions)
                ],
            )
        account_ids = list(
            await session.scalars(
                insert(Account).returning(Account.id, sort_by_parameter_order=True),
                [
                    {
                        "email": f"pool{i}@example.test",
                        "role": Role.FREELANCER,
                        "display_name": f"Pool {i}",
                    }
                    for i in range(n_profiles)
                ],
            )
        )
        profile_ids = list(
            await session.scalars(
                insert(FreelancerProfile).returning(FreelancerProfile.id, sort_by_parameter_order=True),
                [
                    {
                        "account_id": account_id,
                        "full_name": f"Pool {i}",
                        "headline": "CTO",
                        "summary": "Fractional CTO",
                        "years_experience": float(rng.integers(0, 30)),
                        "tjm": int(rng.integers(40, 120)) * 10,
                        "available_from": date(2027, 1, 1) + timedelta(days=int(rng.integers(0, 120))),
                        "days_per_week": int(rng.integers(1, 6)),
                        "remote_preference": RemotePreference.FLEXIBLE,
                        "location": "Paris",
                        "orientation": Orientation.BOTH,
                        "sectors": ["fintech"],
                        "certifications": [],
                        "stack": ["python"],
                        "past_roles": [],
                        "references": [],
                    }
                    for i, account_id in enumerate(account_ids)
                ],
            )
        )
        competences = []
        for profile_id in profile_ids:
            for c in rng.choice(len(POOL_COMPETENCES), size=4, replace=False):
                competences.append(
                    {
                        "profile_id": profile_id,
                        "competence_id": POOL_COMPETENCES[c],
                        "level": int(rng.integers(1, 6)),
                    }
                )
        await session.execute(insert(ProfileCompetence), competences)
        await session.execute(
            insert(ProfileCtoMission),
            [{"profile_id": p, "cto_mission_id": "technology_strategy"} for p in profile_ids],
        )
        await session.commit()
