"""Missions through the HTTP API: posting, who reads what, updates, closing, filters, validation."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.factories import Caller, mission_payload, post_mission, register_company

Client = AsyncTestClient[Any]


async def test_company_posts_for_itself(client: Client, company: Caller) -> None:
    mission = await post_mission(client, company)
    assert mission["company_id"] == company.id
    assert mission["status"] == "open"
    assert mission["required_competences"] == ["it_security", "leadership"]
    assert mission["nice_competences"] == ["communication"]
    assert mission["budget_warning"] is None


async def test_budget_below_market_of_seniority_is_warned(client: Client, company: Caller) -> None:
    mission = await post_mission(client, company, seniority="y11_15", tjm_min=450, tjm_max=500)
    english = await client.get(
        f"/api/v1/missions/{mission['id']}", headers={**company.headers, "Accept-Language": "en"}
    )
    assert english.json()["budget_warning"] == (
        "budget €450–500 is below the market range €650–685 for 11–15 years; to fix it: raise the maximum "
        "to €650 or ask for 5–10 years (market range €450–488)"
    )
    assert mission["budget_warning"].startswith("le budget de 450–500\u00a0€ est sous la fourchette")
    assert [o["action"] for o in mission["budget_advice"]] == ["raise_max", "lower_seniority"]


async def test_company_cannot_post_for_another(client: Client, company: Caller) -> None:
    other = await register_company(client)
    response = await client.post(
        "/api/v1/missions", json=mission_payload(company_id=other.id), headers=company.headers
    )
    assert response.status_code == 403


async def test_operator_posts_for_a_named_company(client: Client, company: Caller, operator: Caller) -> None:
    missing = await client.post("/api/v1/missions", json=mission_payload(), headers=operator.headers)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "body.company_id"
    unknown = await client.post(
        "/api/v1/missions", json=mission_payload(company_id=999), headers=operator.headers
    )
    assert unknown.status_code == 404
    made = await client.post(
        "/api/v1/missions", json=mission_payload(company_id=company.id), headers=operator.headers
    )
    assert made.status_code == 201 and made.json()["company_id"] == company.id


async def test_freelancer_cannot_post(client: Client, freelancer: Caller) -> None:
    response = await client.post("/api/v1/missions", json=mission_payload(), headers=freelancer.headers)
    assert response.status_code == 403


async def test_visibility_by_role(
    client: Client, company: Caller, freelancer: Caller, operator: Caller
) -> None:
    other = await register_company(client)
    mine = await post_mission(client, company)
    theirs = await post_mission(client, other, title="DSI for an industrial group")
    closed = await post_mission(client, other, title="Closed role")
    await client.post(f"/api/v1/missions/{closed['id']}/close", headers=other.headers)

    assert (await client.get(f"/api/v1/missions/{theirs['id']}", headers=company.headers)).status_code == 404
    assert (await client.get(f"/api/v1/missions/{mine['id']}", headers=company.headers)).status_code == 200
    own_list = (await client.get("/api/v1/missions?status=all", headers=company.headers)).json()
    assert [m["id"] for m in own_list["items"]] == [mine["id"]]
    spying = await client.get(f"/api/v1/missions?company_id={other.id}", headers=company.headers)
    assert spying.status_code == 403

    assert (
        await client.get(f"/api/v1/missions/{theirs['id']}", headers=freelancer.headers)
    ).status_code == 200
    assert (
        await client.get(f"/api/v1/missions/{closed['id']}", headers=freelancer.headers)
    ).status_code == 403
    open_list = (await client.get("/api/v1/missions", headers=freelancer.headers)).json()
    assert sorted(m["id"] for m in open_list["items"]) == sorted([mine["id"], theirs["id"]])
    assert (await client.get("/api/v1/missions?status=closed", headers=freelancer.headers)).status_code == 403

    everything = (await client.get("/api/v1/missions?status=all", headers=operator.headers)).json()
    assert everything["total"] == 3


async def test_update_validates_the_merged_mission(client: Client, company: Caller) -> None:
    mission = await post_mission(client, company)
    response = await client.patch(
        f"/api/v1/missions/{mission['id']}",
        json={"tjm_max": 500},
        headers={**company.headers, "accept-language": "en"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "body.tjm_min",
        "reason": "tjm_min 600 is above tjm_max 500",
        "code": "inconsistent",
    }
    ok = await client.patch(
        f"/api/v1/missions/{mission['id']}",
        json={"tjm_max": 750, "required_competences": ["project_management"], "nice_competences": []},
        headers=company.headers,
    )
    assert ok.status_code == 200
    body = ok.json()
    assert body["tjm_max"] == 750 and body["tjm_min"] == 600
    assert body["required_competences"] == ["project_management"] and body["nice_competences"] == []
    assert body["title"] == mission["title"]


async def test_only_owner_or_operator_updates_and_closes(
    client: Client, company: Caller, operator: Caller
) -> None:
    other = await register_company(client)
    mission = await post_mission(client, company)
    path = f"/api/v1/missions/{mission['id']}"
    assert (await client.patch(path, json={"title": "x"}, headers=other.headers)).status_code == 404
    assert (await client.post(f"{path}/close", headers=other.headers)).status_code == 404
    assert (await client.patch(path, json={"title": "Renamed"}, headers=operator.headers)).status_code == 200
    closed = await client.post(f"{path}/close", headers=company.headers)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = await client.post(f"{path}/close", headers=company.headers)
    assert again.status_code == 409
    frozen = await client.patch(path, json={"title": "late"}, headers=company.headers)
    assert frozen.status_code == 409


async def test_unknown_mission_is_404(client: Client, operator: Caller) -> None:
    for method, path in [
        ("GET", "/api/v1/missions/777"),
        ("PATCH", "/api/v1/missions/777"),
        ("POST", "/api/v1/missions/777/close"),
    ]:
        response = await client.request(
            method, path, headers=operator.headers, json={} if method == "PATCH" else None
        )
        assert response.status_code == 404


async def test_duplicate_ref_is_409(client: Client, company: Caller) -> None:
    await post_mission(client, company, ref="m-unique")
    response = await client.post(
        "/api/v1/missions", json=mission_payload(ref="m-unique"), headers=company.headers
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"tjm_min": 800, "tjm_max": 600}, "body.tjm_min"),
        ({"end_date": "2027-01-01"}, "body.end_date"),
        ({"seniority": "y40"}, "body.seniority"),
        ({"remote_policy": "flexible"}, "body.remote_policy"),
        ({"context": "bakery"}, "body.context"),
        ({"required_competences": ["nope"]}, "body.required_competences[0]"),
        ({"nice_competences": ["it_security"]}, "body.nice_competences[0]"),
        ({"cto_missions": ["it_security"]}, "body.cto_missions[0]"),
        ({"tjm_max": -5}, "body.tjm_max"),
        ({"days_per_week": 0}, "body.days_per_week"),
        ({"start_date": "soon"}, "body.start_date"),
        ({"title": ""}, "body.title"),
    ],
)
async def test_invalid_mission_is_422(
    client: Client, company: Caller, overrides: dict[str, Any], field: str
) -> None:
    response = await client.post(
        "/api/v1/missions", json=mission_payload(**overrides), headers=company.headers
    )
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_filters_and_sort(client: Client, operator: Caller, company: Caller) -> None:
    a = await post_mission(
        client,
        company,
        title="A",
        seniority="y5_10",
        tjm_min=450,
        tjm_max=500,
        remote_policy="remote",
        start_date="2027-01-10",
        end_date=None,
        required_competences=["project_management"],
        nice_competences=[],
    )
    b = await post_mission(client, company, title="B", start_date="2027-03-01", end_date=None)
    c = await post_mission(
        client,
        company,
        title="C",
        seniority="gt15",
        tjm_min=800,
        tjm_max=1000,
        remote_policy="onsite",
        start_date="2027-02-01",
        end_date=None,
    )

    async def listed(query: str) -> list[str]:
        response = await client.get(f"/api/v1/missions?{query}", headers=operator.headers)
        assert response.status_code == 200, response.text
        return [m["title"] for m in response.json()["items"]]

    assert await listed("") == ["A", "C", "B"]
    assert await listed("sort=-tjm_max") == ["C", "B", "A"]
    assert await listed("seniority=gt15") == ["C"]
    assert await listed("competence=it_security&sort=title") == ["B", "C"]
    assert await listed("tjm_min=520&tjm_max=650&sort=title") == ["B"]
    assert await listed("remote=remote") == ["A"]
    assert await listed("starts_by=2027-02-01") == ["A", "C"]
    await client.post(f"/api/v1/missions/{a['id']}/close", headers=operator.headers)
    assert await listed("status=closed") == ["A"]
    assert {b["id"], c["id"]} == {
        m["id"] for m in (await client.get("/api/v1/missions", headers=operator.headers)).json()["items"]
    }
    bad = await client.get("/api/v1/missions?seniority=zzz", headers=operator.headers)
    assert bad.status_code == 422
