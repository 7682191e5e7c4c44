"""MATCH_STORE_LIMIT holds on both scoring paths: a freelancer scored on their own (a profile edit)
enters a mission's matches only if they rank within its best, exactly as a rescore of the mission
would keep them, and the pending pair they push out is dropped; a pair someone decided on stays."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, func, select

from models import Match
from service.app import create_app
from service.db import Database
from service.scoring.services import score_missions
from service.settings import Settings
from tests.conftest import Backend
from tests.factories import Caller, create_operator, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

LIMIT = 3
TJMS = [900, 650, 720, 1100, 600, 800, 680]
"""Freelancers registered in this order: the best ones arrive late, so early pairs get pushed out."""


@pytest.fixture
def limited(backend: Backend) -> Settings:
    return dataclasses.replace(backend.settings, match_store_limit=LIMIT, match_min_score=0.0)


@pytest.fixture
async def limited_client(limited: Settings, database: Database) -> AsyncIterator[AsyncTestClient[Any]]:
    queue = RecordingWorkQueue(limited, inline=True)
    async with AsyncTestClient(app=create_app(limited, work_queue=queue)) as client:
        yield client


async def _stored(database: Database, mission_id: int) -> dict[int, float]:
    async with database.session() as session:
        rows = await session.execute(
            select(Match.freelancer_id, Match.score).where(Match.mission_id == mission_id)
        )
        return {int(r.freelancer_id): float(r.score) for r in rows}


async def test_profiles_scored_one_by_one_keep_the_same_best_as_a_mission_rescore(
    limited_client: AsyncTestClient[Any], limited: Settings, database: Database
) -> None:
    company = await register_company(limited_client)
    mission = await post_mission(limited_client, company, tjm_min=600, tjm_max=700)
    for tjm in TJMS:
        await register_freelancer(limited_client, tjm=tjm)
        assert len(await _stored(database, mission["id"])) <= LIMIT
    by_profile_path = await _stored(database, mission["id"])
    assert len(by_profile_path) == LIMIT

    async with database.session() as session:
        await session.execute(delete(Match))
        await session.commit()
        await score_missions(session, limited, [mission["id"]])
    assert await _stored(database, mission["id"]) == by_profile_path


async def test_a_decided_pair_is_never_pushed_out(
    limited_client: AsyncTestClient[Any], limited: Settings, database: Database
) -> None:
    operator: Caller = await create_operator(database, limited.secret_key)
    company = await register_company(limited_client)
    mission = await post_mission(limited_client, company, tjm_min=600, tjm_max=700)
    first = await register_freelancer(limited_client, tjm=1400)
    async with database.session() as session:
        match_id = await session.scalar(select(Match.id).where(Match.freelancer_id == first.id))
    decided = await limited_client.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": "approve", "version": 1},
        headers=operator.headers,
    )
    assert decided.status_code == 200, decided.text
    for _ in range(LIMIT + 1):
        await register_freelancer(limited_client, tjm=650)
    stored = await _stored(database, mission["id"])
    assert first.id in stored
    async with database.session() as session:
        pending = await session.scalar(
            select(func.count())
            .select_from(Match)
            .where(Match.mission_id == mission["id"], Match.status == "pending")
        )
    # The decided pair is kept on top of the limit; pending pairs never exceed it.
    assert pending == LIMIT
