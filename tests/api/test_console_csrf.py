"""Console CSRF tokens are bound to the session that got them (SQLite and PostgreSQL, HTTP client).

Two operators sign in from two browsers (two cookie jars on one test client); a token taken from one
of them must be refused with the other's session, even with a matching CSRF cookie beside it.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from service.db import Database
from service.web.session import CSRF_COOKIE, SESSION_COOKIE
from tests.conftest import Backend
from tests.factories import Caller, create_operator, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]


class Browser:
    """One browser's cookie jar, swapped into the shared test client for each of its requests."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.jar = httpx.Cookies()

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.client.cookies = self.jar
        try:
            return await self.client.request(method, url, **kwargs)
        finally:
            self.jar = httpx.Cookies(self.client.cookies)
            self.client.cookies = httpx.Cookies()

    def put(self, name: str, value: str) -> None:
        """Replace a console cookie, as an attacker can in their own browser."""
        host = httpx.URL(str(self.client.base_url)).host
        for cookie in list(self.jar.jar):
            if cookie.name == name:
                self.jar.jar.clear(cookie.domain, cookie.path, cookie.name)
        self.jar.set(name, value, domain=host, path="/console")

    def cookie(self, name: str) -> str:
        value = self.jar.get(name)
        assert value, f"no {name} cookie"
        return value

    async def token(self, path: str = "/console/queue") -> str:
        """The CSRF token of a console page's forms."""
        page = await self.request("GET", path)
        found = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', page.text)
        assert page.status_code == 200 and found, f"no CSRF field on {path}"
        return found.group(1)

    async def sign_in(self, key: str) -> None:
        token = await self.token("/console/sign-in")
        response = await self.request("POST", "/console/sign-in", data={"api_key": key, "_csrf_token": token})
        assert response.status_code == 303, response.text


def _decision(match_id: int, token: str) -> tuple[str, dict[str, str]]:
    form = {"action": "approve", "version": "1", "next": "/console/queue", "_csrf_token": token}
    return f"/console/matches/{match_id}/decisions", form


@pytest.fixture
def web(client: Client) -> Client:
    client.follow_redirects = False
    return client


@pytest.fixture
async def match_id(web: Client, operator: Caller, work_queue: RecordingWorkQueue) -> int:
    """One pending match, scored inline as a worker would."""
    work_queue.inline = True
    await register_freelancer(web)
    await post_mission(web, await register_company(web))
    queue = await web.get("/api/v1/review-queue", headers=operator.headers)
    return int(queue.json()["items"][0]["match"]["id"])


async def _status(web: Client, operator: Caller, match_id: int) -> str:
    response = await web.get(f"/api/v1/matches/{match_id}", headers=operator.headers)
    status: str = response.json()["match"]["status"]
    return status


async def test_a_token_of_another_session_is_refused(
    web: Client, database: Database, backend: Backend, operator: Caller, match_id: int
) -> None:
    other = await create_operator(database, backend.settings.secret_key)
    alice, bob = Browser(web), Browser(web)
    await alice.sign_in(operator.api_key)
    await bob.sign_in(other.api_key)
    alice_token = await alice.token()
    bob_token = await bob.token()
    assert alice.cookie(SESSION_COOKIE) != bob.cookie(SESSION_COOKIE) and alice_token != bob_token

    path, form = _decision(match_id, alice_token)
    # Bob's session with Alice's token, and Alice's matching CSRF cookie beside it: the double submit
    # alone would pass, the binding to the session must not.
    forged = Browser(web)
    forged.put(SESSION_COOKIE, bob.cookie(SESSION_COOKIE))
    forged.put(CSRF_COOKIE, alice.cookie(CSRF_COOKIE))
    refused = await forged.request("POST", path, data=form)
    assert refused.status_code == 403
    assert "text/html" in refused.headers["content-type"] and "Formulaire expiré" in refused.text  # French
    with_own_cookie = await bob.request("POST", path, data=form)  # Bob's jar, Alice's token
    assert with_own_cookie.status_code == 403
    assert await _status(web, operator, match_id) == "pending"

    path, form = _decision(match_id, bob_token)
    accepted = await bob.request("POST", path, data=form)
    # back to the queue, the decided row kept in view
    assert (accepted.status_code, accepted.headers["location"]) == (303, f"/console/queue?kept={match_id}")
    assert await _status(web, operator, match_id) == "approved"


async def test_a_new_sign_in_gets_a_new_session_and_a_new_token(
    web: Client, operator: Caller, match_id: int
) -> None:
    browser = Browser(web)
    visitor_token = await browser.token("/console/sign-in")
    visitor_cookie = browser.cookie(CSRF_COOKIE)
    await browser.sign_in(operator.api_key)
    first_session, first_token = browser.cookie(SESSION_COOKIE), await browser.token()
    assert first_token != visitor_token

    # The sign-in page's token (and its cookie, put back) does not work with the signed-in session.
    browser.put(CSRF_COOKIE, visitor_cookie)
    path, form = _decision(match_id, visitor_token)
    assert (await browser.request("POST", path, data=form)).status_code == 403

    signed_out = await browser.request(
        "POST", "/console/sign-out", data={"_csrf_token": await browser.token()}
    )
    assert signed_out.status_code == 303
    await browser.sign_in(operator.api_key)  # the old session's cookie is replaced, so this works
    second_session, second_token = browser.cookie(SESSION_COOKIE), await browser.token()
    assert second_session != first_session and second_token != first_token

    browser.put(CSRF_COOKIE, first_token)  # a token of the earlier session, with its cookie
    path, form = _decision(match_id, first_token)
    assert (await browser.request("POST", path, data=form)).status_code == 403
    assert await _status(web, operator, match_id) == "pending"
    path, form = _decision(match_id, await browser.token())
    assert (await browser.request("POST", path, data=form)).status_code == 303
    assert await _status(web, operator, match_id) == "approved"


async def test_a_replaced_key_ends_the_console_session(
    web: Client, operator: Caller, database: Database, backend: Backend
) -> None:
    """Issuing a new key for an operator (key lost or leaked) signs out the sessions opened with the old."""
    client = web
    browser = Browser(client)
    await browser.sign_in(operator.api_key)
    assert (await browser.request("GET", "/console/queue")).status_code == 200
    me = (await client.get("/api/v1/me", headers=operator.headers)).json()
    other = await create_operator(database, backend.settings.secret_key)
    rotated = await client.post(f"/api/v1/accounts/{me['account_id']}/api-key", headers=other.headers)
    assert rotated.status_code == 201, rotated.text
    after = await browser.request("GET", "/console/queue")
    assert after.status_code in (302, 303) and "/console/sign-in" in after.headers["location"]
    # The new key opens a new session.
    await browser.sign_in(rotated.json()["api_key"])
    assert (await browser.request("GET", "/console/queue")).status_code == 200
