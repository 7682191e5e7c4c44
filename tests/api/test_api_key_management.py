"""API keys a person manages (SQLite and PostgreSQL): list, create and revoke them on the web page and
through the JSON API; a revoked key is refused at once; operators revoke any key; another account's key
answers as a missing one."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from models import ApiKey
from models.base import utcnow
from models.enums import Role
from service.db import Database
from tests.factories import Caller, register_company, register_freelancer
from tests.web_client import WebBrowser, create_web_account

Client = AsyncTestClient[Any]
_NEW_KEY = re.compile(r'id="new-key" type="text" value="([^"]+)"')


async def _status(client: Client, key: str) -> int:
    return (await client.get("/api/v1/me", headers={"X-API-Key": key})).status_code


async def test_a_web_account_creates_a_key_shown_once_and_revokes_it(
    client: Client, database: Database
) -> None:
    account_id = await create_web_account(database, Role.COMPANY, "rh@neobanque.fr")
    browser = WebBrowser(client, language="en")
    await browser.sign_in("rh@neobanque.fr")
    empty = await browser.get("/account/api-keys")
    assert empty.status_code == 200 and "No key yet." in empty.text

    refused = await browser.submit("/account/api-keys", "/account/api-keys", {"label": "   "})
    assert refused.status_code == 400 and 'id="label-error"' in refused.text

    created = await browser.submit("/account/api-keys", "/account/api-keys", {"label": "Recruiting sheet"})
    assert created.status_code == 200 and "no-store" in created.headers["cache-control"]
    found = _NEW_KEY.search(created.text)
    assert found and "it will not be shown again" in created.text
    key = found.group(1)
    assert key.startswith("ctc_") and 'data-copy="#new-key"' in created.text
    me = await client.get("/api/v1/me", headers={"X-API-Key": key})
    assert me.status_code == 200 and me.json()["account_id"] == account_id

    listing = await browser.get("/account/api-keys")
    assert key not in listing.text and key[:8] in listing.text and "Recruiting sheet" in listing.text
    async with database.session() as session:
        row = await session.scalar(select(ApiKey).where(ApiKey.account_id == account_id))
        assert row is not None and key not in row.key_hash and row.last_used_at is not None
    revoked = await browser.submit("/account/api-keys", f"/account/api-keys/{row.id}/revoke", {})
    assert revoked.status_code == 303
    assert await _status(client, key) == 401
    assert "revoked" in (await browser.get("/account/api-keys")).text


async def test_another_accounts_key_cannot_be_revoked_from_the_page(
    client: Client, database: Database
) -> None:
    other = await register_freelancer(client)
    await create_web_account(database, Role.FREELANCER, "amelie@example.fr")
    browser = WebBrowser(client)
    await browser.sign_in("amelie@example.fr")
    async with database.session() as session:
        other_key = await session.scalar(select(ApiKey.id).where(ApiKey.key_prefix == other.api_key[:8]))
    response = await browser.submit("/account/api-keys", f"/account/api-keys/{other_key}/revoke", {})
    assert response.status_code == 404
    assert await _status(client, other.api_key) == 200


async def test_the_json_api_lists_creates_and_revokes_own_keys(client: Client) -> None:
    caller = await register_freelancer(client)
    listed = await client.get("/api/v1/me/api-keys", headers=caller.headers)
    assert listed.status_code == 200
    (first,) = listed.json()["items"]
    assert first["prefix"] == caller.api_key[:8] and first["active"] and "api_key" not in first

    created = await client.post("/api/v1/me/api-keys", json={"label": "CI"}, headers=caller.headers)
    assert created.status_code == 201 and "no-store" in created.headers["cache-control"]
    second = created.json()
    assert second["label"] == "CI" and second["api_key"].startswith("ctf_")
    assert await _status(client, second["api_key"]) == 200
    assert len((await client.get("/api/v1/me/api-keys", headers=caller.headers)).json()["items"]) == 2

    bad = await client.post("/api/v1/me/api-keys", json={"label": ""}, headers=caller.headers)
    assert bad.status_code == 422

    revoked = await client.delete(f"/api/v1/me/api-keys/{first['id']}", headers=caller.headers)
    assert revoked.status_code == 204
    assert await _status(client, caller.api_key) == 401  # refused at once, on every route
    assert (await client.get("/api/v1/taxonomy", headers=caller.headers)).status_code == 401
    assert await _status(client, second["api_key"]) == 200


async def test_another_accounts_key_is_404_and_an_operator_revokes_any(
    client: Client, operator: Caller
) -> None:
    owner = await register_company(client)
    intruder = await register_freelancer(client)
    (key,) = (await client.get("/api/v1/me/api-keys", headers=owner.headers)).json()["items"]
    assert (
        await client.delete(f"/api/v1/me/api-keys/{key['id']}", headers=intruder.headers)
    ).status_code == 404
    assert (await client.delete(f"/api/v1/api-keys/{key['id']}", headers=intruder.headers)).status_code == 403
    assert await _status(client, owner.api_key) == 200

    assert (await client.delete(f"/api/v1/api-keys/{key['id']}", headers=operator.headers)).status_code == 204
    assert await _status(client, owner.api_key) == 401
    assert (await client.delete("/api/v1/api-keys/999999", headers=operator.headers)).status_code == 404


async def test_last_used_is_written_at_most_once_a_minute(client: Client, database: Database) -> None:
    caller = await register_freelancer(client)
    await _status(client, caller.api_key)
    async with database.session() as session:
        first = await session.scalar(select(ApiKey.last_used_at))
    await _status(client, caller.api_key)
    async with database.session() as session:
        assert await session.scalar(select(ApiKey.last_used_at)) == first
        await session.execute(update(ApiKey).values(last_used_at=utcnow() - timedelta(minutes=2)))
        await session.commit()
    await _status(client, caller.api_key)
    async with database.session() as session:
        later = await session.scalar(select(ApiKey.last_used_at))
    assert first is not None and later is not None and later > first
