"""Companies through the HTTP API."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.factories import Caller, company_payload, mission_payload, post_mission, register_company

Client = AsyncTestClient[Any]


async def test_register_returns_key_and_private_view(client: Client) -> None:
    payload = company_payload()
    response = await client.post("/api/v1/companies", json=payload)
    assert response.status_code == 201
    body = response.json()
    assert body["company"]["email"] == payload["email"] and body["api_key"].startswith("ctc_")
    me = (await client.get("/api/v1/me", headers={"X-API-Key": body["api_key"]})).json()
    assert me == {
        "account_id": me["account_id"],
        "role": "company",
        "email": payload["email"],
        "freelancer_id": None,
        "company_id": body["company"]["id"],
    }


async def test_duplicate_email_is_409(client: Client) -> None:
    payload = company_payload()
    await client.post("/api/v1/companies", json=payload)
    assert (await client.post("/api/v1/companies", json=payload)).status_code == 409


async def test_other_accounts_see_public_view(client: Client, company: Caller, freelancer: Caller) -> None:
    other = await register_company(client)
    for caller in (other, freelancer):
        body = (await client.get(f"/api/v1/companies/{company.id}", headers=caller.headers)).json()
        assert "email" not in body and "phone" not in body
        assert body["view"] == "public"
        assert body["name"] == "Atelier Numérique"
    own = (await client.get(f"/api/v1/companies/{company.id}", headers=company.headers)).json()
    assert own["phone"] == "+33 2 40 00 00 00" and own["view"] == "private"


async def test_only_owner_or_operator_updates(client: Client, company: Caller, operator: Caller) -> None:
    other = await register_company(client)
    refused = await client.patch(
        f"/api/v1/companies/{company.id}", json={"city": "Lyon"}, headers=other.headers
    )
    assert refused.status_code == 403
    own = await client.patch(
        f"/api/v1/companies/{company.id}", json={"city": "Lyon"}, headers=company.headers
    )
    assert own.status_code == 200 and own.json()["city"] == "Lyon"
    by_operator = await client.patch(
        f"/api/v1/companies/{company.id}", json={"size": "51-200"}, headers=operator.headers
    )
    assert by_operator.json()["size"] == "51-200" and by_operator.json()["city"] == "Lyon"


async def test_listing_is_for_operators(
    client: Client, company: Caller, freelancer: Caller, operator: Caller
) -> None:
    await register_company(client, name="Banque Verte", context="fintech")
    assert (await client.get("/api/v1/companies", headers=company.headers)).status_code == 403
    assert (await client.get("/api/v1/companies", headers=freelancer.headers)).status_code == 403
    listing = (await client.get("/api/v1/companies?sort=name", headers=operator.headers)).json()
    assert listing["total"] == 2
    assert [c["name"] for c in listing["items"]] == ["Atelier Numérique", "Banque Verte"]
    fintech = (await client.get("/api/v1/companies?context=fintech", headers=operator.headers)).json()
    assert [c["name"] for c in fintech["items"]] == ["Banque Verte"]


async def test_close_closes_open_missions_and_blocks_new_ones(client: Client, company: Caller) -> None:
    mission = await post_mission(client, company)
    closed = await client.post(f"/api/v1/companies/{company.id}/close", headers=company.headers)
    assert closed.status_code == 200 and closed.json()["active"] is False
    reread = (await client.get(f"/api/v1/missions/{mission['id']}", headers=company.headers)).json()
    assert reread["status"] == "closed"

    refused = await client.post("/api/v1/missions", json=mission_payload(), headers=company.headers)
    assert refused.status_code == 409


async def test_unknown_company_is_404(client: Client, operator: Caller) -> None:
    assert (await client.get("/api/v1/companies/4242", headers=operator.headers)).status_code == 404
    assert (await client.post("/api/v1/companies/4242/close", headers=operator.headers)).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"context": "bakery"}, "body.context"),
        ({"size": "huge"}, "body.size"),
        ({"name": ""}, "body.name"),
        ({"phone": "call me"}, "body.phone"),
        ({"email": "nobody"}, "body.email"),
    ],
)
async def test_invalid_company_is_422(client: Client, overrides: dict[str, Any], field: str) -> None:
    response = await client.post("/api/v1/companies", json=company_payload(**overrides))
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
