"""Matching through the API: enqueue after commit, matches with explanations, access, rescore jobs.

Scoring runs inline through the same service functions the Celery tasks call; the real worker
process is exercised in tests/integration/test_workers.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]


@pytest.fixture
def inline(work_queue: RecordingWorkQueue) -> RecordingWorkQueue:
    work_queue.inline = True
    return work_queue


async def test_every_write_enqueues_after_its_commit(
    client: Client, work_queue: RecordingWorkQueue, company: Caller, operator: Caller
) -> None:
    freelancer = await register_freelancer(client)
    mission = await post_mission(client, company)
    await client.patch(f"/api/v1/freelancers/{freelancer.id}", json={"tjm": 700}, headers=freelancer.headers)
    await client.patch(f"/api/v1/missions/{mission['id']}", json={"tjm_max": 720}, headers=company.headers)
    await client.post(f"/api/v1/freelancers/{freelancer.id}/deactivate", headers=freelancer.headers)
    await client.post(f"/api/v1/missions/{mission['id']}/close", headers=company.headers)
    job = (await client.post("/api/v1/rescore", headers=operator.headers)).json()
    assert work_queue.calls == [
        ("profile", freelancer.id),
        ("mission", mission["id"]),
        ("profile", freelancer.id),
        ("mission", mission["id"]),
        ("profile", freelancer.id),
        ("mission", mission["id"]),
        ("rescore", job["id"]),
    ]
    assert work_queue.uncommitted == []


async def test_a_refused_write_enqueues_nothing(
    client: Client, work_queue: RecordingWorkQueue, freelancer: Caller
) -> None:
    work_queue.calls.clear()
    bad = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}", json={"tjm": -1}, headers=freelancer.headers
    )
    assert bad.status_code == 422
    assert work_queue.calls == []


async def test_posting_a_mission_produces_explained_matches(
    client: Client, inline: RecordingWorkQueue, company: Caller, operator: Caller
) -> None:
    strong = await register_freelancer(client, full_name="Strong Fit")
    weak = await register_freelancer(
        client,
        full_name="Weak Fit",
        years_experience=1.5,
        tjm=1500,
        competences=[{"id": "communication", "level": 2}],
        cto_missions=[],
        past_roles=[],
        sectors=[],
    )
    mission = await post_mission(client, company)
    response = await client.get(
        f"/api/v1/missions/{mission['id']}/matches", headers={**operator.headers, "Accept-Language": "en"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["scoring_pending"] is False
    ids = [m["freelancer_id"] for m in body["items"]]
    assert ids[0] == strong.id
    best = body["items"][0]
    assert 0 <= best["score"] <= 100 and best["algorithm_version"]
    assert set(best["factors"]) == {
        "competences",
        "cto_missions",
        "experience",
        "tjm",
        "availability",
        "remote_location",
        "sector_context",
        "orientation",
    }
    assert "TJM €680 within budget €600–700" in best["reasons"], best["reasons"]
    assert "market range for 11–15 years is €650–685" in best["reasons"]
    codes = {r["code"]: r["params"] for r in best["reason_codes"]}
    assert codes["tjm_within_budget"] == {"tjm": 680, "budget_min": 600, "budget_max": 700}
    assert (codes["market_within"]["tjm_low"], codes["market_within"]["tjm_high"]) == (650, 685)
    if weak.id in ids:
        weak_match = body["items"][ids.index(weak.id)]
        assert weak_match["score"] < best["score"]
        assert "it_security" in weak_match["skill_gaps"]["missing_required"]


async def test_updating_a_profile_changes_its_scores(
    client: Client, inline: RecordingWorkQueue, company: Caller, operator: Caller
) -> None:
    freelancer = await register_freelancer(client)
    mission = await post_mission(client, company)

    async def score() -> float:
        body = (
            await client.get(f"/api/v1/freelancers/{freelancer.id}/matches", headers=operator.headers)
        ).json()
        return next(m["score"] for m in body["items"] if m["mission_id"] == mission["id"])

    before = await score()
    await client.patch(f"/api/v1/freelancers/{freelancer.id}", json={"tjm": 950}, headers=freelancer.headers)
    after = await score()
    assert after < before


async def test_closed_mission_and_inactive_profile_are_excluded_with_a_reason(
    client: Client, inline: RecordingWorkQueue, company: Caller, operator: Caller
) -> None:
    freelancer = await register_freelancer(client)
    mission = await post_mission(client, company)
    await client.post(f"/api/v1/freelancers/{freelancer.id}/deactivate", headers=freelancer.headers)
    visible = (await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=operator.headers)).json()
    assert freelancer.id not in [m["freelancer_id"] for m in visible["items"]]
    everything = (
        await client.get(
            f"/api/v1/missions/{mission['id']}/matches?include_excluded=true", headers=operator.headers
        )
    ).json()
    excluded = next(m for m in everything["items"] if m["freelancer_id"] == freelancer.id)
    assert excluded["excluded"] is True and excluded["score"] == 0
    assert excluded["exclusion_reason"] == "profile_inactive"
    assert excluded["reason_codes"][0]["code"] == "excluded_profile_inactive"


async def test_remote_only_freelancer_is_excluded_from_onsite_mission(
    client: Client, inline: RecordingWorkQueue, company: Caller, operator: Caller
) -> None:
    remote_only = await register_freelancer(client, remote_preference="remote")
    mission = await post_mission(client, company, remote_policy="onsite")
    body = (await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=operator.headers)).json()
    assert remote_only.id not in [m["freelancer_id"] for m in body["items"]]


async def test_limit_and_min_score(
    client: Client, inline: RecordingWorkQueue, company: Caller, operator: Caller
) -> None:
    for tjm in (600, 650, 700, 760, 900):
        await register_freelancer(client, tjm=tjm)
    mission = await post_mission(client, company)
    path = f"/api/v1/missions/{mission['id']}/matches"
    everything = (await client.get(path, headers=operator.headers)).json()
    scores = [m["score"] for m in everything["items"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 5
    top2 = (await client.get(f"{path}?limit=2", headers=operator.headers)).json()
    assert [m["score"] for m in top2["items"]] == scores[:2] and top2["total"] == 5
    threshold = scores[2]
    above = (await client.get(f"{path}?min_score={threshold}", headers=operator.headers)).json()
    assert all(m["score"] >= threshold for m in above["items"]) and len(above["items"]) >= 3
    bad = await client.get(f"{path}?min_score=101", headers=operator.headers)
    assert bad.status_code == 422


async def test_budget_warning_shown_with_the_matches(
    client: Client, inline: RecordingWorkQueue, company: Caller
) -> None:
    mission = await post_mission(client, company, seniority="gt15", tjm_min=350, tjm_max=380)
    english = {**company.headers, "Accept-Language": "en"}
    body = (await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=english)).json()
    assert body["budget_warning"] == (
        "budget €350–380 is below the market range €400–775 for more than 15 years; to fix it: raise the "
        "maximum to €400"
    )
    french = (await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=company.headers)).json()
    assert french["budget_warning"].startswith("le budget de 350–380\u00a0€ est sous la fourchette du marché")
    assert [(o["action"], o["tjm_max"]) for o in french["budget_advice"]] == [("raise_max", 400)]
    assert [o["text"] for o in (french["budget_advice"][0], body["budget_advice"][0])] == [
        "relever le maximum à 400\u00a0€",
        "raise the maximum to €400",
    ]


async def test_match_access_rules(
    client: Client, inline: RecordingWorkQueue, company: Caller, freelancer: Caller, operator: Caller
) -> None:
    other_company = await register_company(client)
    other_freelancer = await register_freelancer(client)
    mission = await post_mission(client, company)
    mission_path = f"/api/v1/missions/{mission['id']}/matches"
    profile_path = f"/api/v1/freelancers/{freelancer.id}/matches"
    assert (await client.get(mission_path)).status_code == 401
    assert (await client.get(mission_path, headers=company.headers)).status_code == 200
    assert (await client.get(mission_path, headers=operator.headers)).status_code == 200
    assert (await client.get(mission_path, headers=other_company.headers)).status_code == 404
    assert (await client.get(mission_path, headers=freelancer.headers)).status_code == 403
    assert (await client.get(profile_path, headers=freelancer.headers)).status_code == 200
    assert (await client.get(profile_path, headers=operator.headers)).status_code == 200
    assert (await client.get(profile_path, headers=other_freelancer.headers)).status_code == 403
    assert (await client.get(profile_path, headers=company.headers)).status_code == 403
    assert (await client.get("/api/v1/missions/999/matches", headers=operator.headers)).status_code == 404
    assert (await client.post("/api/v1/rescore", headers=company.headers)).status_code == 403
    assert (await client.post("/api/v1/rescore", headers=freelancer.headers)).status_code == 403


async def test_rescore_job_reports_progress_to_done(
    client: Client, inline: RecordingWorkQueue, company: Caller, operator: Caller
) -> None:
    await register_freelancer(client)
    await register_freelancer(client, tjm=720)
    for _ in range(3):
        await post_mission(client, company)
    job = await client.post("/api/v1/rescore", headers=operator.headers)
    assert job.status_code == 202
    status = (await client.get(f"/api/v1/jobs/{job.json()['id']}", headers=operator.headers)).json()
    assert status["state"] == "done" and status["progress"] == 1.0
    assert status["done_chunks"] == status["total_chunks"] >= 1
    assert status["pairs_scored"] == 3 * 2
    assert (await client.get("/api/v1/jobs/nope", headers=operator.headers)).status_code == 404
    assert (await client.get(f"/api/v1/jobs/{job.json()['id']}", headers=company.headers)).status_code == 403


async def test_rescoring_twice_never_duplicates(
    client: Client, inline: RecordingWorkQueue, company: Caller, operator: Caller
) -> None:
    await register_freelancer(client)
    mission = await post_mission(client, company)
    first = (await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=operator.headers)).json()
    await client.post("/api/v1/rescore", headers=operator.headers)
    await client.post("/api/v1/rescore", headers=operator.headers)
    again = (await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=operator.headers)).json()
    assert again["total"] == first["total"] == 1
    assert again["items"][0]["id"] == first["items"][0]["id"]
    assert again["items"][0]["score"] == first["items"][0]["score"]


async def test_rate_grid_change_queues_a_full_rescore(
    client: Client, work_queue: RecordingWorkQueue, operator: Caller
) -> None:
    response = await client.put("/api/v1/rate-grid/y5_10", json={"tjm_high": 500}, headers=operator.headers)
    assert response.status_code == 200
    assert [kind for kind, _ in work_queue.calls] == ["rescore"]
    assert work_queue.uncommitted == []


async def test_pool_cache_never_serves_a_stale_pool(
    client: Client, inline: RecordingWorkQueue, company: Caller, operator: Caller
) -> None:
    """Missions posted while no profile changed reuse the encoded pool; any profile write refreshes it."""
    first = await register_freelancer(client)
    mission_a = await post_mission(client, company)
    second = await register_freelancer(client)  # pool changes between the two missions
    mission_b = await post_mission(client, company)
    for mission in (mission_a, mission_b):
        body = (
            await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=operator.headers)
        ).json()
        assert {m["freelancer_id"] for m in body["items"]} == {first.id, second.id}
    await client.post(f"/api/v1/freelancers/{second.id}/deactivate", headers=second.headers)
    mission_c = await post_mission(client, company)
    body = (await client.get(f"/api/v1/missions/{mission_c['id']}/matches", headers=operator.headers)).json()
    assert [m["freelancer_id"] for m in body["items"]] == [first.id]
