"""Response headers: nosniff everywhere, no-store on keys, personal data and errors, the console's own
headers on its redirects and refusals too (SQLite and PostgreSQL, through the HTTP client)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.db import Database
from service.web.headers import SECURITY_HEADERS
from tests.conftest import Backend
from tests.factories import (
    Caller,
    company_payload,
    freelancer_payload,
    post_mission,
    register_company,
    register_freelancer,
)
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
Send = Callable[[Client, "Accounts"], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Accounts:
    freelancer: Caller
    operator: Caller


@dataclass(frozen=True)
class Case:
    name: str
    send: Send
    status: int
    no_store: bool  # False: a public answer, which must not be marked no-store


BAD_KEY = {"X-API-Key": "ctf_not-a-real-key"}

CASES = [
    Case(
        "registration returns a key",
        lambda c, a: c.post("/api/v1/freelancers", json=freelancer_payload()),
        201,
        True,
    ),
    Case("company registration", lambda c, a: c.post("/api/v1/companies", json=company_payload()), 201, True),
    Case("GET /me", lambda c, a: c.get("/api/v1/me", headers=a.freelancer.headers), 200, True),
    Case(
        "GET own profile",
        lambda c, a: c.get(f"/api/v1/freelancers/{a.freelancer.id}", headers=a.freelancer.headers),
        200,
        True,
    ),
    Case(
        "list of profiles", lambda c, a: c.get("/api/v1/freelancers", headers=a.operator.headers), 200, True
    ),
    Case("422 problem", lambda c, a: c.post("/api/v1/companies", json={}), 422, True),
    Case(
        "404 problem", lambda c, a: c.get("/api/v1/freelancers/999999", headers=a.operator.headers), 404, True
    ),
    Case("401 problem", lambda c, a: c.get("/api/v1/me"), 401, True),
    Case("403 problem", lambda c, a: c.get("/api/v1/companies", headers=a.freelancer.headers), 403, True),
    Case("401 on a public route", lambda c, a: c.get("/api/v1/taxonomy", headers=BAD_KEY), 401, True),
    Case("unknown API route", lambda c, a: c.get("/api/v1/nothing-here"), 404, True),
    Case("unknown path", lambda c, a: c.get("/no/such/page"), 404, True),
    Case("taxonomy", lambda c, a: c.get("/api/v1/taxonomy"), 200, False),
    Case("rate grid", lambda c, a: c.get("/api/v1/rate-grid"), 200, False),
    Case("market check", lambda c, a: c.get("/api/v1/market-check?years=3&tjm=530"), 200, False),
    Case("docs", lambda c, a: c.get("/docs/openapi.json"), 200, False),
]


async def test_every_response_is_nosniff_and_private_ones_are_no_store(
    client: Client, freelancer: Caller, operator: Caller
) -> None:
    accounts = Accounts(freelancer, operator)
    failures = []
    for case in CASES:
        response = await case.send(client, accounts)
        got = (
            response.status_code,
            response.headers.get("x-content-type-options"),
            "no-store" in response.headers.get("cache-control", ""),
        )
        if got != (case.status, "nosniff", case.no_store):
            failures.append(f"{case.name}: status, nosniff, no-store = {got}")
    assert not failures, "\n".join(failures)


async def test_a_rate_limited_answer_is_nosniff_and_no_store(backend: Backend, database: Database) -> None:
    """The 429 comes from middleware, before any handler: the hook still sees it."""
    settings = dataclasses.replace(backend.settings, rate_limit_per_minute=1)
    app = create_app(settings, work_queue=RecordingWorkQueue(settings))
    async with AsyncTestClient(app=app) as limited:
        assert (await limited.get("/api/v1/taxonomy")).status_code == 200
        refused = await limited.get("/api/v1/taxonomy")
    assert refused.status_code == 429
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert refused.headers["cache-control"] == "no-store"


def _assert_console_headers(response: httpx.Response, what: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, f"{what}: {name} is {response.headers.get(name)!r}"


def _csrf(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


@pytest.fixture
def web(client: Client) -> Client:
    client.follow_redirects = False
    return client


async def test_console_redirects_and_refusals_carry_the_console_headers(
    web: Client, operator: Caller, work_queue: RecordingWorkQueue
) -> None:
    work_queue.inline = True
    await register_freelancer(web)
    await post_mission(web, await register_company(web))

    to_sign_in = await web.get("/console/queue")
    assert to_sign_in.status_code == 303 and to_sign_in.headers["location"].startswith("/console/sign-in")
    _assert_console_headers(to_sign_in, "redirect to sign in")

    form = await web.get("/console/sign-in")
    _assert_console_headers(form, "sign-in page")
    signed_in = await web.post(
        "/console/sign-in", data={"api_key": operator.api_key, "next": "", "_csrf_token": _csrf(form.text)}
    )
    assert signed_in.status_code == 303
    _assert_console_headers(signed_in, "redirect after sign-in")

    queue = await web.get("/console/queue")
    match_id, version = re.findall(r'data-match-id="(\d+)" data-version="(\d+)"', queue.text)[0]
    decided = await web.post(
        f"/console/matches/{match_id}/decisions",
        data={
            "action": "approve",
            "version": version,
            "next": "/console/queue",
            "_csrf_token": _csrf(queue.text),
        },
    )
    assert decided.status_code == 303
    _assert_console_headers(decided, "redirect after a decision")

    refused = await web.post(
        f"/console/matches/{match_id}/decisions", data={"action": "approve", "version": "2"}
    )
    assert refused.status_code == 403 and "Formulaire expiré" in refused.text
    _assert_console_headers(refused, "CSRF refusal")

    missing = await web.get("/console/missions/999999")
    assert missing.status_code == 404
    _assert_console_headers(missing, "404 page")

    signed_out = await web.post("/console/sign-out", data={"_csrf_token": _csrf(queue.text)})
    assert signed_out.status_code == 303
    _assert_console_headers(signed_out, "redirect after sign-out")

    static = await web.get("/console/static/console.css")
    assert static.status_code == 200 and static.headers["x-content-type-options"] == "nosniff"
    assert static.headers["cache-control"] == "max-age=3600"  # public files keep their cache policy
