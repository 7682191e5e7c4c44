"""Small leaks and leniencies: what a competitor, a careless client or a no-op write must not get."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]


async def test_another_companys_mission_answers_like_a_missing_one(client: Client, company: Caller) -> None:
    mission = await post_mission(client, company)
    rival = await register_company(client)
    missing_id = mission["id"] + 1000
    for method, suffix, body in [
        ("GET", "", None),
        ("PATCH", "", {"title": "Taken over"}),
        ("POST", "/close", None),
        ("GET", "/matches", None),
    ]:
        theirs = await client.request(
            method, f"/api/v1/missions/{mission['id']}{suffix}", json=body, headers=rival.headers
        )
        missing = await client.request(
            method, f"/api/v1/missions/{missing_id}{suffix}", json=body, headers=rival.headers
        )
        assert theirs.status_code == missing.status_code == 404, (method, suffix, theirs.text)
        strip = {"detail", "instance"}
        assert {k: v for k, v in theirs.json().items() if k not in strip} == {
            k: v for k, v in missing.json().items() if k not in strip
        }
        # word for word the answer about a missing mission, in whatever language the reader has
        assert theirs.json()["detail"] == missing.json()["detail"].replace(
            str(missing_id), str(mission["id"])
        )
        assert str(mission["id"]) in theirs.json()["detail"]
    stored = (await client.get(f"/api/v1/missions/{mission['id']}", headers=company.headers)).json()
    assert stored["title"] == mission["title"] and stored["status"] == "open"


async def test_companies_do_not_see_deactivated_profiles(
    client: Client, company: Caller, operator: Caller
) -> None:
    active = await register_freelancer(client)
    gone = await register_freelancer(client)
    deactivated = await client.post(f"/api/v1/freelancers/{gone.id}/deactivate", headers=gone.headers)
    assert deactivated.status_code == 200
    listed = (await client.get("/api/v1/freelancers?limit=200", headers=company.headers)).json()
    ids = [p["id"] for p in listed["items"]]
    assert active.id in ids and gone.id not in ids and listed["total"] == len(ids)
    for status in ("inactive", "all"):
        response = await client.get(f"/api/v1/freelancers?status={status}", headers=company.headers)
        assert response.status_code == 403, response.text
    assert (await client.get(f"/api/v1/freelancers/{gone.id}", headers=company.headers)).status_code == 404
    # Operators still see everyone, the freelancer still sees themself.
    everyone = (await client.get("/api/v1/freelancers?status=all&limit=200", headers=operator.headers)).json()
    assert gone.id in [p["id"] for p in everyone["items"]]
    assert (await client.get(f"/api/v1/freelancers/{gone.id}", headers=gone.headers)).status_code == 200


async def test_a_grid_put_that_moves_no_rate_queues_no_rescore(
    client: Client, operator: Caller, work_queue: RecordingWorkQueue
) -> None:
    band = next(b for b in (await client.get("/api/v1/rate-grid")).json()["bands"] if b["id"] == "y3_4")
    path = "/api/v1/rate-grid/y3_4"
    same = {"tjm_low": band["tjm_low"], "tjm_high": band["tjm_high"]}
    for body in (same, {"note": "checked against the 2026 survey"}, {}):
        response = await client.put(path, json=body, headers=operator.headers)
        assert response.status_code == 200, response.text
    assert [c for c in work_queue.calls if c[0] == "rescore"] == []
    moved = await client.put(path, json={"tjm_high": band["tjm_high"] + 10}, headers=operator.headers)
    assert moved.status_code == 200
    assert len([c for c in work_queue.calls if c[0] == "rescore"]) == 1
