"""One rule orders matches everywhere: best score first, then the lower profile id, then the lower
mission id, the engine's rule (matching.engine.MissionTopK). Tied matches are stored here in the reverse
order of their profiles (and missions), so a list that broke ties by match id would show them reversed."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from matching import ALGORITHM_VERSION
from models import Match
from service.db import Database
from tests.factories import Caller, post_mission, register_company, register_freelancer


async def _store(database: Database, pairs: list[tuple[int, int, float]]) -> None:
    """(mission id, profile id, score), inserted in this order, so match ids follow it."""
    async with database.session() as session:
        for mission_id, profile_id, score in pairs:
            session.add(
                Match(
                    mission_id=mission_id,
                    freelancer_id=profile_id,
                    score=score,
                    algorithm_version=ALGORITHM_VERSION,
                )
            )
            await session.commit()


async def _listed(client: AsyncTestClient[Any], path: str, operator: Caller, key: str) -> list[int]:
    response = await client.get(path, headers=operator.headers)
    assert response.status_code == 200, response.text
    return [item[key] for item in response.json()["items"]]


async def test_ties_rank_by_profile_then_mission_id_like_the_engine(
    client: AsyncTestClient[Any], database: Database, operator: Caller
) -> None:
    company = await register_company(client)
    missions = [(await post_mission(client, company))["id"] for _ in range(2)]
    profiles = [(await register_freelancer(client)).id for _ in range(3)]
    low, mid, high = sorted(profiles)
    first_mission, second_mission = sorted(missions)
    await _store(
        database,
        [
            (first_mission, high, 70.0),
            (first_mission, mid, 70.0),
            (first_mission, low, 70.0),
            (second_mission, high, 88.0),
            (second_mission, low, 70.0),
        ],
    )

    by_mission = await _listed(client, f"/api/v1/missions/{first_mission}/matches", operator, "freelancer_id")
    assert by_mission == [low, mid, high]

    by_profile = await _listed(client, f"/api/v1/freelancers/{high}/matches", operator, "mission_id")
    assert by_profile == [second_mission, first_mission]  # 88 before 70
    by_profile = await _listed(client, f"/api/v1/freelancers/{low}/matches", operator, "mission_id")
    assert by_profile == [first_mission, second_mission]  # tied at 70: the lower mission id first
