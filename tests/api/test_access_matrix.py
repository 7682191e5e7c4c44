"""The access rule of every endpoint for every role, in one table (README "Access rules")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from service.db import Database
from tests.factories import (
    Caller,
    company_payload,
    freelancer_payload,
    mission_payload,
    post_mission,
    register_company,
    register_freelancer,
)

Client = AsyncTestClient[Any]


@dataclass
class World:
    callers: dict[str, Caller | None]
    freelancer_id: int
    company_id: int
    mission_id: int


@pytest.fixture
async def world(client: Client, operator: Caller) -> World:
    owner_freelancer = await register_freelancer(client)
    other_freelancer = await register_freelancer(client)
    owner_company = await register_company(client)
    other_company = await register_company(client)
    mission = await post_mission(client, owner_company)
    return World(
        callers={
            "anonymous": None,
            "self_freelancer": owner_freelancer,
            "other_freelancer": other_freelancer,
            "own_company": owner_company,
            "other_company": other_company,
            "operator": operator,
        },
        freelancer_id=owner_freelancer.id,
        company_id=owner_company.id,
        mission_id=mission["id"],
    )


ROLES = ["anonymous", "self_freelancer", "other_freelancer", "own_company", "other_company", "operator"]

# endpoint -> expected status per role, in ROLES order. "self"/"own" = the owner of the resource.
MATRIX: list[tuple[str, str, Any, list[int]]] = [
    ("GET", "/api/v1/taxonomy", None, [200, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/rate-grid", None, [200, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/market-check?years=3&tjm=530", None, [200, 200, 200, 200, 200, 200]),
    ("POST", "/api/v1/taxonomy/suggestions", {"text": "recette"}, [401, 200, 200, 200, 200, 200]),
    ("PUT", "/api/v1/rate-grid/y3_4", {"note": "checked"}, [401, 403, 403, 403, 403, 200]),
    ("POST", "/api/v1/rate-grid/y3_4/preview", {"tjm_low": 500}, [401, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/rate-grid/revisions", None, [401, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/me", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/freelancers", None, [401, 403, 403, 200, 200, 200]),
    ("GET", "/api/v1/freelancers/{freelancer_id}", None, [401, 200, 403, 200, 200, 200]),
    ("PATCH", "/api/v1/freelancers/{freelancer_id}", {"tjm": 690}, [401, 200, 403, 403, 403, 200]),
    ("POST", "/api/v1/freelancers/{freelancer_id}/deactivate", None, [401, 200, 403, 403, 403, 200]),
    ("GET", "/api/v1/freelancers/{freelancer_id}/duplicates", None, [401, 403, 403, 403, 403, 200]),
    # Operators only; merging into a profile that does not exist is 404, which shows the rule was passed.
    (
        "POST",
        "/api/v1/freelancers/{freelancer_id}/merge",
        {"into": 999_999, "reason": "inscrit deux fois"},
        [401, 403, 403, 403, 403, 404],
    ),
    # Operators only; another profile that does not exist is 404, which shows the rule was passed.
    (
        "POST",
        "/api/v1/freelancers/{freelancer_id}/not-duplicate",
        {"other": 999_999},
        [401, 403, 403, 403, 403, 404],
    ),
    ("GET", "/api/v1/companies", None, [401, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/companies/{company_id}", None, [401, 200, 200, 200, 200, 200]),
    ("PATCH", "/api/v1/companies/{company_id}", {"city": "Lille"}, [401, 403, 403, 200, 403, 200]),
    ("POST", "/api/v1/companies/{company_id}/close", None, [401, 403, 403, 200, 403, 200]),
    ("GET", "/api/v1/missions", None, [401, 200, 200, 200, 200, 200]),
    # Another company's mission answers as a missing one (404): its existence does not leak.
    ("GET", "/api/v1/missions/{mission_id}", None, [401, 200, 200, 200, 404, 200]),
    ("PATCH", "/api/v1/missions/{mission_id}", {"title": "Renamed"}, [401, 403, 403, 200, 404, 200]),
    ("POST", "/api/v1/missions/{mission_id}/close", None, [401, 403, 403, 200, 404, 200]),
    ("GET", "/api/v1/missions/{mission_id}/matches", None, [401, 403, 403, 200, 404, 200]),
    # Freelancers only, on an open mission (or one proposed to them).
    ("GET", "/api/v1/me/missions/{mission_id}/score-options", None, [401, 200, 200, 403, 403, 403]),
    ("GET", "/api/v1/jobs", None, [401, 403, 403, 403, 403, 200]),
    # Operators only; an empty selection is 422 (nothing to decide), which shows the rule was passed.
    (
        "POST",
        "/api/v1/review-queue/decisions",
        {"action": "approve", "matches": []},
        [401, 403, 403, 403, 403, 422],
    ),
    ("GET", "/api/v1/jobs?limit=5", None, [401, 403, 403, 403, 403, 200]),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
async def test_access_rule(
    client: Client, world: World, method: str, path: str, body: Any, expected: list[int], role_index: int
) -> None:
    caller = world.callers[ROLES[role_index]]
    url = path.format(
        freelancer_id=world.freelancer_id, company_id=world.company_id, mission_id=world.mission_id
    )
    response = await client.request(method, url, json=body, headers=caller.headers if caller else {})
    assert response.status_code == expected[role_index], (ROLES[role_index], response.text)


async def test_registration_is_open_to_anyone(client: Client, database: Database) -> None:
    assert (await client.post("/api/v1/freelancers", json=freelancer_payload())).status_code == 201
    assert (await client.post("/api/v1/companies", json=company_payload())).status_code == 201


async def test_mission_creation_roles(client: Client, world: World) -> None:
    for role, expected in [("anonymous", 401), ("self_freelancer", 403), ("own_company", 201)]:
        caller = world.callers[role]
        response = await client.post(
            "/api/v1/missions", json=mission_payload(), headers=caller.headers if caller else {}
        )
        assert response.status_code == expected, role


async def test_a_revoked_key_stops_working(client: Client, world: World, database: Database) -> None:
    from sqlalchemy import update

    from models import Account

    caller = world.callers["self_freelancer"]
    assert caller is not None
    async with database.session() as session:
        await session.execute(update(Account).where(Account.role == "freelancer").values(active=False))
        await session.commit()
    response = await client.get(f"/api/v1/freelancers/{world.freelancer_id}", headers=caller.headers)
    assert response.status_code == 401
    # A bad key is refused even where anonymous calls are allowed, so a typo is never silent.
    assert (await client.get("/api/v1/taxonomy", headers={"X-API-Key": "typo"})).status_code == 401
