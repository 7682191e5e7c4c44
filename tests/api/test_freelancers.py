"""Freelancer profiles through the HTTP API: registration, reads by role, updates, filters, errors."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from models import Account
from service.auth.keys import hash_api_key
from service.db import Database
from tests.factories import Caller, freelancer_payload, register_freelancer

Client = AsyncTestClient[Any]
PRIVATE_FIELDS = {"email", "phone", "linkedin_url"}


async def test_registration_returns_key_once_and_stores_only_its_hash(
    client: Client, database: Database
) -> None:
    payload = freelancer_payload()
    response = await client.post("/api/v1/freelancers", json=payload)
    assert response.status_code == 201
    body = response.json()
    key = body["api_key"]
    assert body["profile"]["email"] == payload["email"]
    assert body["profile"]["experience_band"] == "y11_15"
    async with database.session() as session:
        account = await session.scalar(select(Account).where(Account.email == payload["email"]))
    assert account is not None
    assert account.api_key_hash != key and key not in account.api_key_hash
    assert account.api_key_hash == hash_api_key(key, "test-secret-key-0123456789")
    me = await client.get("/api/v1/me", headers={"X-API-Key": key})
    assert me.json()["freelancer_id"] == body["profile"]["id"]
    again = await client.get(f"/api/v1/freelancers/{body['profile']['id']}", headers={"X-API-Key": key})
    assert "api_key" not in again.json()


async def test_duplicate_email_is_409_case_insensitive(client: Client) -> None:
    payload = freelancer_payload(email="Same.Person@example.test")
    assert (await client.post("/api/v1/freelancers", json=payload)).status_code == 201
    again = await client.post("/api/v1/freelancers", json={**payload, "email": "same.person@EXAMPLE.test"})
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["field"] == "body.email"


async def test_owner_reads_private_view(client: Client, freelancer: Caller) -> None:
    response = await client.get(f"/api/v1/freelancers/{freelancer.id}", headers=freelancer.headers)
    assert response.status_code == 200
    body = response.json()
    assert body.keys() >= PRIVATE_FIELDS
    assert body["view"] == "private"
    assert body["references"][0]["contact"] == "marc@paynest.test"


async def test_company_reads_public_view_without_contacts(
    client: Client, freelancer: Caller, company: Caller
) -> None:
    response = await client.get(f"/api/v1/freelancers/{freelancer.id}", headers=company.headers)
    assert response.status_code == 200
    body = response.json()
    assert not PRIVATE_FIELDS & body.keys()
    assert "contact" not in body["references"][0]
    assert "marc@paynest.test" not in response.text and "+33 6" not in response.text
    assert body["contact_visible"] is False
    assert body["view"] == "public"


async def test_operator_reads_private_view(client: Client, freelancer: Caller, operator: Caller) -> None:
    body = (await client.get(f"/api/v1/freelancers/{freelancer.id}", headers=operator.headers)).json()
    assert body["phone"] == "+33 6 12 34 56 78"


async def test_freelancer_cannot_read_or_edit_another(client: Client, freelancer: Caller) -> None:
    other = await register_freelancer(client)
    read = await client.get(f"/api/v1/freelancers/{other.id}", headers=freelancer.headers)
    assert read.status_code == 403
    edit = await client.patch(
        f"/api/v1/freelancers/{other.id}", json={"tjm": 100}, headers=freelancer.headers
    )
    assert edit.status_code == 403
    listing = await client.get("/api/v1/freelancers", headers=freelancer.headers)
    assert listing.status_code == 403


async def test_company_cannot_edit_a_profile(client: Client, freelancer: Caller, company: Caller) -> None:
    response = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}", json={"tjm": 500}, headers=company.headers
    )
    assert response.status_code == 403


async def test_anonymous_cannot_read_profiles(client: Client, freelancer: Caller) -> None:
    response = await client.get(f"/api/v1/freelancers/{freelancer.id}")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("ApiKey")
    bad_key = await client.get(f"/api/v1/freelancers/{freelancer.id}", headers={"X-API-Key": "nope"})
    assert bad_key.status_code == 401


async def test_patch_changes_only_sent_fields(client: Client, freelancer: Caller) -> None:
    response = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}",
        json={"tjm": 720, "competences": [{"id": "project_management", "level": 2}], "phone": None},
        headers=freelancer.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tjm"] == 720
    assert body["competences"] == [{"id": "project_management", "level": 2}]
    assert body["phone"] is None
    assert body["headline"] == "Fractional CTO for fintech start-ups"
    reread = (await client.get(f"/api/v1/freelancers/{freelancer.id}", headers=freelancer.headers)).json()
    assert reread["tjm"] == 720 and reread["updated_at"] >= reread["created_at"]


async def test_operator_may_edit_any_profile(client: Client, freelancer: Caller, operator: Caller) -> None:
    response = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}", json={"years_experience": 16.5}, headers=operator.headers
    )
    assert response.status_code == 200
    assert response.json()["experience_band"] == "gt15"


async def test_deactivate_hides_from_default_listing(
    client: Client, freelancer: Caller, operator: Caller
) -> None:
    response = await client.post(
        f"/api/v1/freelancers/{freelancer.id}/deactivate", headers=freelancer.headers
    )
    assert response.status_code == 200
    assert response.json()["active"] is False
    active = (await client.get("/api/v1/freelancers", headers=operator.headers)).json()
    assert freelancer.id not in [p["id"] for p in active["items"]]
    inactive = (await client.get("/api/v1/freelancers?status=inactive", headers=operator.headers)).json()
    assert [p["id"] for p in inactive["items"]] == [freelancer.id]
    restored = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}", json={"active": True}, headers=freelancer.headers
    )
    assert restored.json()["active"] is True


async def test_unknown_profile_is_404(client: Client, operator: Caller) -> None:
    for method, path in [
        ("GET", "/api/v1/freelancers/9999"),
        ("PATCH", "/api/v1/freelancers/9999"),
        ("POST", "/api/v1/freelancers/9999/deactivate"),
    ]:
        response = await client.request(
            method,
            path,
            headers={**operator.headers, "accept-language": "en"},
            json={} if method == "PATCH" else None,
        )
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["detail"] == "no freelancer profile 9999"
    french = await client.get("/api/v1/freelancers/9999", headers=operator.headers)
    assert french.json()["detail"] == "profil freelance 9999 introuvable"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"years_experience": -1}, "body.years_experience"),
        ({"years_experience": 75}, "body.years_experience"),
        ({"tjm": 0}, "body.tjm"),
        ({"tjm": 99999}, "body.tjm"),
        ({"remote_preference": "moon"}, "body.remote_preference"),
        ({"orientation": "ceo"}, "body.orientation"),
        ({"days_per_week": 6}, "body.days_per_week"),
        ({"email": "not-an-email"}, "body.email"),
        ({"available_from": "2027-02-30"}, "body.available_from"),
        ({"competences": [{"id": "it_security", "level": 9}]}, "body.competences[0].level"),
        ({"competences": [{"id": "quantum_magic", "level": 3}]}, "body.competences[0].id"),
        ({"competences": [{"id": "technology_strategy", "level": 3}]}, "body.competences[0].id"),
        ({"cto_missions": ["leadership"]}, "body.cto_missions[0]"),
        ({"certifications": [{"name": "X", "category": "nope"}]}, "body.certifications[0].category"),
        (
            {
                "past_roles": [
                    {
                        "title": "CTO",
                        "company": "A",
                        "context": "fintech",
                        "start_year": 2020,
                        "end_year": 2010,
                    }
                ]
            },
            "body.past_roles[0].end_year",
        ),
        (
            {"past_roles": [{"title": "CTO", "company": "A", "context": "bakery", "start_year": 2020}]},
            "body.past_roles[0].context",
        ),
        ({"unexpected": 1}, "body.unexpected"),
    ],
)
async def test_invalid_profile_is_422_naming_the_field(
    client: Client, overrides: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/v1/freelancers", json=freelancer_payload(**overrides))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422
    assert field in [e["field"] for e in problem["errors"]], problem
    assert all(e["reason"] for e in problem["errors"])


async def test_invalid_patch_changes_nothing(client: Client, freelancer: Caller) -> None:
    response = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}",
        json={"tjm": 800, "cto_missions": ["not_a_mission"]},
        headers=freelancer.headers,
    )
    assert response.status_code == 422
    body = (await client.get(f"/api/v1/freelancers/{freelancer.id}", headers=freelancer.headers)).json()
    assert body["tjm"] == 680


async def _seed_pool(client: Client) -> dict[str, int]:
    ids = {}
    ids["junior"] = (
        await register_freelancer(
            client,
            years_experience=2,
            tjm=430,
            remote_preference="remote",
            available_from="2026-12-01",
            competences=[{"id": "new_technologies", "level": 3}],
        )
    ).id
    ids["senior"] = (
        await register_freelancer(
            client, years_experience=13, tjm=690, remote_preference="hybrid", available_from="2027-02-01"
        )
    ).id
    ids["veteran"] = (
        await register_freelancer(
            client,
            years_experience=22,
            tjm=950,
            remote_preference="onsite",
            available_from="2027-05-01",
            competences=[{"id": "it_security", "level": 5}],
        )
    ).id
    return ids


async def test_list_filters_combine(client: Client, company: Caller) -> None:
    ids = await _seed_pool(client)

    async def listed(query: str) -> list[int]:
        response = await client.get(f"/api/v1/freelancers?{query}", headers=company.headers)
        assert response.status_code == 200, response.text
        return sorted(p["id"] for p in response.json()["items"])

    assert await listed("band=y11_15") == [ids["senior"]]
    assert await listed("band=gt15") == [ids["veteran"]]
    assert await listed("competence=it_security") == sorted([ids["senior"], ids["veteran"]])
    assert await listed("competence=it_security&competence=leadership") == [ids["senior"]]
    assert await listed("tjm_min=600&tjm_max=700") == [ids["senior"]]
    assert await listed("remote=remote") == [ids["junior"]]
    assert await listed("available_by=2027-02-01") == sorted([ids["junior"], ids["senior"]])


async def test_list_sorts_and_paginates_with_total(client: Client, operator: Caller) -> None:
    ids = await _seed_pool(client)
    page1 = (await client.get("/api/v1/freelancers?sort=-tjm&limit=2", headers=operator.headers)).json()
    assert page1["total"] == 3 and page1["limit"] == 2 and page1["offset"] == 0
    assert [p["id"] for p in page1["items"]] == [ids["veteran"], ids["senior"]]
    page2 = (
        await client.get("/api/v1/freelancers?sort=-tjm&limit=2&offset=2", headers=operator.headers)
    ).json()
    assert [p["id"] for p in page2["items"]] == [ids["junior"]]
    ascending = (
        await client.get("/api/v1/freelancers?sort=years_experience", headers=operator.headers)
    ).json()
    assert [p["id"] for p in ascending["items"]] == [ids["junior"], ids["senior"], ids["veteran"]]


async def test_company_listing_hides_contacts(client: Client, company: Caller) -> None:
    await _seed_pool(client)
    response = await client.get("/api/v1/freelancers", headers=company.headers)
    assert all(not PRIVATE_FIELDS & p.keys() for p in response.json()["items"])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("band=y99", "query.band"),
        ("competence=bogus", "query.competence[0]"),
        ("tjm_min=900&tjm_max=100", "query.tjm_min"),
        ("sort=salary", "query.sort"),
        ("limit=0", "query.limit"),
        ("limit=100000", "query.limit"),
        ("offset=-1", "query.offset"),
        ("remote=sometimes", "query.remote"),
        ("available_by=yesterday", "query.available_by"),
        ("status=asleep", "query.status"),
    ],
)
async def test_bad_list_query_is_422(client: Client, operator: Caller, query: str, field: str) -> None:
    response = await client.get(f"/api/v1/freelancers?{query}", headers=operator.headers)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
