"""API keys can be recovered (an operator issues a new one) and registration is safe to retry.

A registration whose answer is lost must not leave an account nobody holds a key for: a retry with the
same Idempotency-Key answers the same account with a fresh key, and concurrent registrations of one
e-mail give one account, one 201 and 409s, never a 500.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

import pytest
from httpx import Response
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update

from models import Account, ApiKey, Company, FreelancerProfile, RegistrationIdempotencyKey
from models.base import utcnow
from service.auth.keys import hash_api_key
from service.db import Database
from tests.conftest import TEST_SECRET
from tests.factories import Caller, company_payload, freelancer_payload, send_concurrently

Client = AsyncTestClient[Any]

REGISTRATIONS = {
    "freelancers": (freelancer_payload, "profile", FreelancerProfile),
    "companies": (company_payload, "company", Company),
}


async def _status_of(client: Client, key: str) -> int:
    return (await client.get("/api/v1/me", headers={"X-API-Key": key})).status_code


async def _accounts_with(database: Database, email: str) -> int:
    async with database.session() as session:
        count = await session.scalar(select(func.count()).select_from(Account).where(Account.email == email))
    return int(count or 0)


def _idempotency_key() -> str:
    return f"retry-{uuid.uuid4()}"


def _post_concurrently(
    client: Client, path: str, bodies: list[dict[str, Any]], **kwargs: Any
) -> list[Response]:
    """POSTs all `bodies` at once (see tests.factories.send_concurrently)."""
    return send_concurrently(client, [("POST", path, {"json": body, **kwargs}) for body in bodies])


# --- an operator issues a new key ---------------------------------------------------------------


async def test_operator_issues_a_new_key_and_the_old_one_is_refused_everywhere(
    client: Client, operator: Caller, freelancer: Caller, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    me = (await client.get("/api/v1/me", headers=freelancer.headers)).json()
    logging.getLogger().addHandler(caplog.handler)  # create_app() replaced the root handlers
    caplog.set_level(logging.INFO, logger="ctomatch.accounts")
    try:
        response = await client.post(f"/api/v1/accounts/{me['account_id']}/api-key", headers=operator.headers)
    finally:
        logging.getLogger().removeHandler(caplog.handler)
    assert response.status_code == 201, response.text
    assert "no-store" in response.headers["cache-control"]
    body = response.json()
    new_key = body["api_key"]
    assert new_key.startswith("ctf_") and new_key != freelancer.api_key
    assert body["account_id"] == me["account_id"] and body["role"] == "freelancer"
    assert body["email"] == me["email"] and body["api_key_prefix"] == new_key[:8]

    new_me = await client.get("/api/v1/me", headers={"X-API-Key": new_key})
    assert new_me.status_code == 200 and new_me.json()["freelancer_id"] == freelancer.id
    # The old key is refused on private and public routes alike.
    for path in ("/api/v1/me", f"/api/v1/freelancers/{freelancer.id}", "/api/v1/taxonomy"):
        assert (await client.get(path, headers=freelancer.headers)).status_code == 401, path

    async with database.session() as session:
        account = await session.get(Account, me["account_id"])
        assert account is not None
        assert account.api_key_hash == hash_api_key(new_key, TEST_SECRET)
        keys = list(await session.scalars(select(ApiKey).where(ApiKey.account_id == account.id)))
        old, new = sorted(keys, key=lambda k: k.id)
        assert old.revoked_at is not None and old.revoked_by_account_id == operator.id
        assert new.revoked_at is None and abs(new.created_at - utcnow()) < timedelta(minutes=5)
    # Who replaced it is logged; the key never is.
    assert any(
        f"account {me['account_id']}" in m and f"operator account {operator.id}" in m for m in caplog.messages
    )
    assert new_key not in caplog.text and freelancer.api_key not in caplog.text


async def test_an_operator_may_replace_a_company_key_and_its_own(
    client: Client, operator: Caller, company: Caller
) -> None:
    company_account = (await client.get("/api/v1/me", headers=company.headers)).json()["account_id"]
    response = await client.post(f"/api/v1/accounts/{company_account}/api-key", headers=operator.headers)
    assert response.status_code == 201 and response.json()["api_key"].startswith("ctc_")
    assert await _status_of(client, company.api_key) == 401
    assert await _status_of(client, response.json()["api_key"]) == 200

    own = await client.post(f"/api/v1/accounts/{operator.id}/api-key", headers=operator.headers)
    assert own.status_code == 201 and own.json()["api_key"].startswith("cto_")
    assert await _status_of(client, operator.api_key) == 401
    assert await _status_of(client, own.json()["api_key"]) == 200


async def test_only_operators_issue_keys(
    client: Client, operator: Caller, freelancer: Caller, company: Caller
) -> None:
    target = (await client.get("/api/v1/me", headers=freelancer.headers)).json()["account_id"]
    path = f"/api/v1/accounts/{target}/api-key"
    assert (await client.post(path)).status_code == 401
    assert (await client.post(path, headers=freelancer.headers)).status_code == 403
    assert (await client.post(path, headers=company.headers)).status_code == 403
    assert await _status_of(client, freelancer.api_key) == 200  # nothing was replaced


async def test_a_new_key_for_an_unknown_account_is_404(client: Client, operator: Caller) -> None:
    response = await client.post("/api/v1/accounts/999999/api-key", headers=operator.headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "999999" in response.json()["detail"]


@pytest.mark.parametrize("bad_id", ["abc", "0", "99999999999"])
async def test_a_bad_account_id_is_422_naming_it(client: Client, operator: Caller, bad_id: str) -> None:
    response = await client.post(f"/api/v1/accounts/{bad_id}/api-key", headers=operator.headers)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["path.account_id"]


# --- registration retried with an Idempotency-Key -----------------------------------------------


@pytest.mark.parametrize("kind", list(REGISTRATIONS))
async def test_a_retry_with_the_same_idempotency_key_answers_the_same_account_with_a_fresh_key(
    client: Client, database: Database, kind: str
) -> None:
    make_payload, field, _ = REGISTRATIONS[kind]
    payload = make_payload()
    headers = {"Idempotency-Key": _idempotency_key()}
    first = await client.post(f"/api/v1/{kind}", json=payload, headers=headers)
    assert first.status_code == 201, first.text
    assert "no-store" in first.headers["cache-control"]
    # The first answer is "lost": the client retries the very same request.
    retry = await client.post(f"/api/v1/{kind}", json=payload, headers=headers)
    assert retry.status_code == 201, retry.text
    assert retry.json()[field]["id"] == first.json()[field]["id"]
    assert retry.json()[field] == first.json()[field]
    first_key, retry_key = first.json()["api_key"], retry.json()["api_key"]
    assert retry_key != first_key
    assert await _status_of(client, first_key) == 401  # the unseen key was replaced
    me = await client.get("/api/v1/me", headers={"X-API-Key": retry_key})
    assert me.status_code == 200 and me.json()["email"] == payload["email"]
    assert await _accounts_with(database, payload["email"]) == 1


async def test_only_keyed_hashes_of_the_idempotency_key_and_request_are_stored(
    client: Client, database: Database
) -> None:
    payload = freelancer_payload()
    idempotency_key = _idempotency_key()
    response = await client.post(
        "/api/v1/freelancers", json=payload, headers={"Idempotency-Key": idempotency_key}
    )
    assert response.status_code == 201
    async with database.session() as session:
        record = (await session.scalars(select(RegistrationIdempotencyKey))).one()
        account = await session.get(Account, record.account_id)
    assert account is not None and account.email == payload["email"]
    stored = f"{record.key_hash} {record.request_hash}"
    for secret in (idempotency_key, payload["email"], response.json()["api_key"]):
        assert secret not in stored
    assert len(record.key_hash) == len(record.request_hash) == 64
    # Keyed: the same key hashed without SECRET_KEY gives something else.
    assert record.key_hash != hash_api_key(idempotency_key, "")


async def test_the_same_idempotency_key_with_another_body_is_422(client: Client, database: Database) -> None:
    headers = {"Idempotency-Key": _idempotency_key()}
    first = freelancer_payload()
    assert (await client.post("/api/v1/freelancers", json=first, headers=headers)).status_code == 201
    other = freelancer_payload(tjm=first["tjm"] + 10)
    response = await client.post(
        "/api/v1/freelancers", json=other, headers={**headers, "accept-language": "en"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "header.Idempotency-Key"
    assert "another request" in response.json()["errors"][0]["reason"]
    assert await _accounts_with(database, other["email"]) == 0
    # Nor may the key be reused for the other kind of registration.
    company = await client.post("/api/v1/companies", json=company_payload(), headers=headers)
    assert company.status_code == 422
    assert company.json()["errors"][0]["field"] == "header.Idempotency-Key"


async def test_the_same_body_spelt_differently_is_the_same_request(client: Client) -> None:
    headers = {"Idempotency-Key": _idempotency_key()}
    payload = company_payload()
    assert (await client.post("/api/v1/companies", json=payload, headers=headers)).status_code == 201
    reordered = dict(reversed(list(payload.items())))
    retry = await client.post("/api/v1/companies", json=reordered, headers=headers)
    assert retry.status_code == 201, retry.text


async def test_without_the_header_or_with_another_key_a_duplicate_email_is_still_409(client: Client) -> None:
    payload = freelancer_payload()
    created = await client.post(
        "/api/v1/freelancers", json=payload, headers={"Idempotency-Key": _idempotency_key()}
    )
    assert created.status_code == 201
    for headers in ({}, {"Idempotency-Key": _idempotency_key()}):
        again = await client.post("/api/v1/freelancers", json=payload, headers=headers)
        assert again.status_code == 409, (headers, again.text)
        assert again.json()["field"] == "body.email"
    assert await _status_of(client, created.json()["api_key"]) == 200  # nothing replaced its key


async def test_after_24_hours_a_retry_is_a_duplicate_email_again(client: Client, database: Database) -> None:
    payload = company_payload()
    idempotency_key = _idempotency_key()
    headers = {"Idempotency-Key": idempotency_key}
    created = await client.post("/api/v1/companies", json=payload, headers=headers)
    assert created.status_code == 201
    async with database.session() as session:
        await session.execute(
            update(RegistrationIdempotencyKey).values(created_at=utcnow() - timedelta(hours=24, minutes=1))
        )
        await session.commit()
    late = await client.post("/api/v1/companies", json=payload, headers=headers)
    assert late.status_code == 409, late.text
    assert late.json()["field"] == "body.email"
    assert await _status_of(client, created.json()["api_key"]) == 200
    # The expired key no longer binds: it may register someone else.
    other = await client.post("/api/v1/companies", json=company_payload(), headers=headers)
    assert other.status_code == 201, other.text
    assert other.json()["company"]["id"] != created.json()["company"]["id"]


@pytest.mark.parametrize(
    "bad",
    ["short", "x" * 256, "has space", "caf\u00e9-caf\u00e9-caf\u00e9", "tab\there-123"],
    ids=["too-short", "too-long", "space", "non-ascii", "control"],
)
@pytest.mark.parametrize("kind", list(REGISTRATIONS))
async def test_a_bad_idempotency_key_is_422_naming_the_header(
    client: Client, database: Database, kind: str, bad: str
) -> None:
    make_payload, _, _ = REGISTRATIONS[kind]
    payload = make_payload()
    response = await client.post(f"/api/v1/{kind}", json=payload, headers={"Idempotency-Key": bad.encode()})
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["header.Idempotency-Key"]
    assert await _accounts_with(database, payload["email"]) == 0


async def test_the_idempotency_key_is_documented_on_both_registrations(client: Client) -> None:
    schema = (await client.get("/docs/openapi.json")).json()
    for path in ("/api/v1/freelancers", "/api/v1/companies"):
        parameters = schema["paths"][path]["post"].get("parameters", [])
        [header] = [p for p in parameters if p["name"] == "Idempotency-Key"]
        assert header["in"] == "header" and header["required"] is False
        assert header["schema"]["minLength"] == 8 and header["schema"]["maxLength"] == 255
        assert header["schema"]["pattern"] == "^[!-~]{8,255}$"
        assert "24 hours" in header["description"]
    issue = schema["paths"]["/api/v1/accounts/{account_id}/api-key"]["post"]
    assert issue["description"].startswith("Roles: operator.")


# --- concurrent registrations ----------------------------------------------------------------


@pytest.mark.parametrize("kind", list(REGISTRATIONS))
async def test_ten_concurrent_registrations_of_one_email_give_one_201_and_nine_409(
    client: Client, database: Database, kind: str
) -> None:
    make_payload, _, model = REGISTRATIONS[kind]
    email = f"race.{uuid.uuid4().hex[:8]}@example.test"
    responses = _post_concurrently(client, f"/api/v1/{kind}", [make_payload(email=email)] * 10)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 9, [r.text for r in responses if r.status_code not in {201, 409}]
    for response in responses:
        if response.status_code == 409:
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["field"] == "body.email"
    assert await _accounts_with(database, email) == 1
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(model)) == 1
    [winner] = [r for r in responses if r.status_code == 201]
    assert await _status_of(client, winner.json()["api_key"]) == 200


async def test_concurrent_identical_retries_make_one_account_and_one_working_key(
    client: Client, database: Database
) -> None:
    payload = freelancer_payload()
    headers = {"Idempotency-Key": _idempotency_key()}
    responses = _post_concurrently(client, "/api/v1/freelancers", [payload] * 6, headers=headers)
    assert [r.status_code for r in responses] == [201] * 6, [r.text for r in responses]
    assert len({r.json()["profile"]["id"] for r in responses}) == 1
    assert await _accounts_with(database, payload["email"]) == 1
    keys = {r.json()["api_key"] for r in responses}
    assert len(keys) == 6
    # Each answer replaced the previous key: exactly one of them, the last issued, works.
    working = [key for key in keys if await _status_of(client, key) == 200]
    assert len(working) == 1
