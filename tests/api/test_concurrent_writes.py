"""Concurrent PATCHes of one profile, mission or company stay whole; child-only changes count.

Each test sends N PATCHes at once through the real HTTP client, each with a different body (scalar
fields and child lists), on SQLite and PostgreSQL. Without If-Match every request gets 200 and the
stored row equals exactly one request's body; with If-Match on the revision all of them read, exactly
one wins and the others get 409, and the stored row is the winner's.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from service.db import Database
from service.scoring.sweep import stale_ids
from tests.factories import Caller, post_mission, register_freelancer, send_concurrently
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]

N_WRITERS = 10
COMPETENCES = [
    "it_security",
    "leadership",
    "communication",
    "project_management",
    "strategic_vision",
    "adaptability",
]
CTO_MISSIONS = [
    "technology_strategy",
    "team_management",
    "is_management",
    "innovation_watch",
    "technology_risk",
]


def _profile_body(i: int) -> dict[str, Any]:
    """Writer i's body: a headline and child lists no other writer sends."""
    chosen = [c for j, c in enumerate(COMPETENCES) if (i >> (j % 3)) & 1 or j == i % len(COMPETENCES)]
    return {
        "headline": f"Writer {i} headline",
        "tjm": 500 + 10 * i,
        "competences": [{"id": c, "level": 1 + (i + k) % 5} for k, c in enumerate(chosen)],
        "cto_missions": CTO_MISSIONS[: 1 + i % len(CTO_MISSIONS)],
        "sectors": [f"sector-{i}"],
    }


def _profile_state(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "headline": body["headline"],
        "tjm": body["tjm"],
        "competences": sorted((c["id"], c["level"]) for c in body["competences"]),
        "cto_missions": sorted(body["cto_missions"]),
        "sectors": body["sectors"],
    }


def _mission_body(i: int) -> dict[str, Any]:
    required = [c for j, c in enumerate(COMPETENCES) if (i + j) % 3 == 0]
    nice = [c for c in COMPETENCES if c not in required][: 1 + i % 3]
    return {
        "title": f"Mission by writer {i}",
        "tjm_max": 700 + 10 * i,
        "required_competences": required,
        "nice_competences": nice,
        "cto_missions": CTO_MISSIONS[: 1 + i % len(CTO_MISSIONS)],
    }


def _mission_state(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": body["title"],
        "tjm_max": body["tjm_max"],
        "required_competences": sorted(body["required_competences"]),
        "nice_competences": sorted(body["nice_competences"]),
        "cto_missions": sorted(body["cto_missions"]),
    }


def _company_body(i: int) -> dict[str, Any]:
    return {"name": f"Company {i}", "city": f"City {i}", "description": f"Described by writer {i}"}


def _company_state(body: dict[str, Any]) -> dict[str, Any]:
    return {k: body[k] for k in ("name", "city", "description")}


async def _patch_all(
    client: Client, path: str, bodies: list[dict[str, Any]], headers: dict[str, str]
) -> list[Any]:
    return send_concurrently(client, [("PATCH", path, {"json": b, "headers": headers}) for b in bodies])


async def _check_last_writer_wins(
    client: Client, path: str, headers: dict[str, str], bodies: list[dict[str, Any]], state: Any
) -> None:
    before = (await client.get(path, headers=headers)).json()["revision"]
    responses = await _patch_all(client, path, bodies, headers)
    assert [r.status_code for r in responses] == [200] * len(bodies), [r.text for r in responses]
    stored = (await client.get(path, headers=headers)).json()
    expected = [state(b) for b in bodies]
    assert state(stored) in expected, "the stored row mixes several requests"
    assert stored["revision"] == before + len(bodies), "every write moves the revision once"
    # Each response is a whole state too: the one its own request wrote.
    assert sorted(r.json()["revision"] for r in responses) == list(
        range(before + 1, before + 1 + len(bodies))
    )
    for response, body in zip(responses, bodies, strict=True):
        assert state(response.json()) == state(body)


async def _check_if_match(
    client: Client, path: str, headers: dict[str, str], bodies: list[dict[str, Any]], state: Any
) -> None:
    read = await client.get(path, headers=headers)
    etag = read.headers["etag"]
    assert etag == f'"{read.json()["revision"]}"'
    responses = await _patch_all(client, path, bodies, {**headers, "If-Match": etag})
    codes = [r.status_code for r in responses]
    assert sorted(codes) == [200] + [409] * (len(bodies) - 1), [r.text for r in responses]
    winner = bodies[codes.index(200)]
    stored = (await client.get(path, headers=headers)).json()
    assert state(stored) == state(winner)
    assert stored["revision"] == read.json()["revision"] + 1
    conflict = responses[codes.index(409)].json()
    assert conflict["current_revision"] == stored["revision"] and "If-Match" in conflict["detail"]


async def test_concurrent_profile_patches_stay_whole(client: Client, freelancer: Caller) -> None:
    path = f"/api/v1/freelancers/{freelancer.id}"
    bodies = [_profile_body(i) for i in range(N_WRITERS)]
    assert len({str(_profile_state(b)) for b in bodies}) == N_WRITERS
    await _check_last_writer_wins(client, path, freelancer.headers, bodies, _profile_state)
    await _check_if_match(client, path, freelancer.headers, bodies, _profile_state)


async def test_concurrent_mission_patches_stay_whole(client: Client, company: Caller) -> None:
    mission = await post_mission(client, company)
    path = f"/api/v1/missions/{mission['id']}"
    bodies = [_mission_body(i) for i in range(N_WRITERS)]
    assert len({str(_mission_state(b)) for b in bodies}) == N_WRITERS
    await _check_last_writer_wins(client, path, company.headers, bodies, _mission_state)
    await _check_if_match(client, path, company.headers, bodies, _mission_state)


async def test_concurrent_company_patches_stay_whole(client: Client, company: Caller) -> None:
    path = f"/api/v1/companies/{company.id}"
    bodies = [_company_body(i) for i in range(N_WRITERS)]
    await _check_last_writer_wins(client, path, company.headers, bodies, _company_state)
    await _check_if_match(client, path, company.headers, bodies, _company_state)


async def test_if_match_on_the_current_revision_succeeds_and_a_bad_etag_is_named(
    client: Client, freelancer: Caller
) -> None:
    path = f"/api/v1/freelancers/{freelancer.id}"
    etag = (await client.get(path, headers=freelancer.headers)).headers["etag"]
    ok = await client.patch(path, json={"tjm": 720}, headers={**freelancer.headers, "If-Match": etag})
    assert ok.status_code == 200 and ok.headers["etag"] == f'"{ok.json()["revision"]}"'
    stale = await client.patch(path, json={"tjm": 730}, headers={**freelancer.headers, "If-Match": etag})
    assert stale.status_code == 409
    assert (await client.get(path, headers=freelancer.headers)).json()["tjm"] == 720
    bad = await client.patch(path, json={"tjm": 740}, headers={**freelancer.headers, "If-Match": "three"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "header.If-Match"


async def test_a_refused_patch_moves_nothing(client: Client, freelancer: Caller) -> None:
    """Validation failures and forbidden callers roll back: no revision moves, no row changes."""
    path = f"/api/v1/freelancers/{freelancer.id}"
    before = (await client.get(path, headers=freelancer.headers)).json()
    invalid = await client.patch(
        path,
        json={"headline": "New", "competences": [{"id": "bogus", "level": 3}]},
        headers=freelancer.headers,
    )
    assert invalid.status_code == 422
    other = await register_freelancer(client)
    assert (await client.patch(path, json={"headline": "Hijack"}, headers=other.headers)).status_code == 403
    after = (await client.get(path, headers=freelancer.headers)).json()
    assert after == before


async def test_a_competences_only_change_moves_the_revision_and_the_sweep_sees_it(
    client: Client, freelancer: Caller, database: Database, work_queue: RecordingWorkQueue
) -> None:
    """The enqueue may be lost (broker down): the stale sweep must still find a child-only change."""
    async with database.session() as session:
        from service.scoring.services import score_profile

        await score_profile(session, database.settings, freelancer.id)
    async with database.session() as session:
        assert freelancer.id not in (await stale_ids(session))[1]
    path = f"/api/v1/freelancers/{freelancer.id}"
    before = (await client.get(path, headers=freelancer.headers)).json()
    changed = await client.patch(
        path, json={"competences": [{"id": "adaptability", "level": 2}]}, headers=freelancer.headers
    )
    assert changed.status_code == 200
    assert changed.json()["revision"] == before["revision"] + 1
    assert changed.json()["updated_at"] > before["updated_at"]
    async with database.session() as session:
        assert freelancer.id in (await stale_ids(session))[1]


@pytest.fixture
def inline(work_queue: RecordingWorkQueue) -> RecordingWorkQueue:
    work_queue.inline = True
    return work_queue


async def _score(client: Client, operator: Caller, mission_id: int, freelancer_id: int) -> float:
    body = (
        await client.get(f"/api/v1/missions/{mission_id}/matches?limit=200", headers=operator.headers)
    ).json()
    scores = [m["score"] for m in body["items"] if m["freelancer_id"] == freelancer_id]
    assert len(scores) == 1, body
    return float(scores[0])


async def _full_rescore(client: Client, operator: Caller) -> None:
    response = await client.post("/api/v1/rescore", headers=operator.headers)
    assert response.status_code == 202, response.text


@pytest.mark.parametrize("child", ["competences", "cto_missions"])
async def test_a_child_only_change_survives_a_full_rescore(
    client: Client, inline: RecordingWorkQueue, company: Caller, operator: Caller, child: str
) -> None:
    """The worker's cached pool must not put the old score back (seen: 60.19 → 36.39 → 60.19)."""
    freelancer = await register_freelancer(client)
    mission = await post_mission(client, company)
    await _full_rescore(client, operator)  # fills the workers' pool cache
    first = await _score(client, operator, mission["id"], freelancer.id)
    change = (
        {"competences": [{"id": "adaptability", "level": 1}]}
        if child == "competences"
        else {"cto_missions": ["technology_risk"]}
    )
    patched = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}", json=change, headers=freelancer.headers
    )
    assert patched.status_code == 200
    second = await _score(client, operator, mission["id"], freelancer.id)
    assert second < first, "the change should lower the score"
    await _full_rescore(client, operator)
    assert await _score(client, operator, mission["id"], freelancer.id) == second


async def test_a_mission_child_only_change_moves_its_revision_and_the_sweep_sees_it(
    client: Client, company: Caller, database: Database
) -> None:
    mission = await post_mission(client, company)
    async with database.session() as session:
        from service.scoring.services import score_missions

        await score_missions(session, database.settings, [mission["id"]])
        assert mission["id"] not in (await stale_ids(session))[0]
    changed = await client.patch(
        f"/api/v1/missions/{mission['id']}",
        json={"nice_competences": ["adaptability"]},
        headers=company.headers,
    )
    assert changed.status_code == 200 and changed.json()["revision"] == mission["revision"] + 1
    async with database.session() as session:
        assert mission["id"] in (await stale_ids(session))[0]
