"""Who may open each page of the web app, in one table, as tests/api/test_access_matrix.py does for
the API: a page a role may not use says so (403), another owner's page reads as missing (404), a
visitor is sent to sign in (303). Every GET page of the web app must have a row here.

Operators are not a column: signing in to the web app sends them to the console, whose pages the
console's own tests cover.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from models import Account, Match
from service.accounts.passwords import hash_password
from service.db import Database
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.web_client import PASSWORD, WebBrowser
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
ROLES = ("anonymous", "self_freelancer", "other_freelancer", "own_company", "other_company")
NOT_PAGES = ("/api", "/console", "/docs", "/static", "/metrics", "/health", "/schema")

# page → expected status per role, in ROLES order. "self"/"own" own the profile, mission and match.
S, F, N, R = 200, 403, 404, 303
MATRIX: list[tuple[str, list[int]]] = [
    ("/", [S, R, R, R, R]),  # signed in: straight to one's own home
    ("/sign-in", [S, R, R, R, R]),
    ("/sign-up", [S, R, R, R, R]),
    ("/forgot-password", [S, S, S, S, S]),
    ("/language/en", [R, R, R, R, R]),
    ("/dev/mailbox", [S, S, S, S, S]),  # development only: 404 in production and with SMTP_URL
    ("/account", [R, S, S, S, S]),
    ("/account/api-keys", [R, S, S, S, S]),
    ("/account/verify-email", [R, S, S, S, S]),
    ("/account/data", [R, S, S, S, S]),
    ("/account/data/export", [R, S, S, S, S]),
    ("/notifications", [R, S, S, S, S]),
    ("/profile", [R, S, S, F, F]),
    ("/profile/edit", [R, S, S, F, F]),
    ("/proposals", [R, S, S, F, F]),
    ("/proposals/{match_id}", [R, S, N, F, F]),
    ("/company", [R, F, F, S, S]),
    ("/company/edit", [R, F, F, S, S]),
    ("/missions", [R, F, F, S, S]),
    ("/missions/new", [R, F, F, S, S]),
    ("/missions/{mission_id}", [R, F, F, S, N]),
    ("/missions/{mission_id}/edit", [R, F, F, S, N]),
    ("/missions/{mission_id}/proposals/{match_id}", [R, F, F, S, N]),
]
#: Pages reached from a link in an e-mail: a made-up token gets the same page for everyone.
TOKEN_PAGES = ("/verify-email/{token}", "/reset-password/{token}", "/dev/mailbox/{message_id}")


@dataclass
class World:
    browsers: dict[str, WebBrowser]
    ids: dict[str, int]


async def _with_password(client: Client, database: Database, caller: Caller) -> str:
    email = str((await client.get("/api/v1/me", headers=caller.headers)).json()["email"])
    async with database.session() as session:
        account = await session.scalar(select(Account).where(Account.email == email))
        assert account is not None
        account.password_hash = hash_password(PASSWORD)
        await session.commit()
    return email


async def _decide(client: Client, caller: Caller, match_id: int, action: str) -> None:
    version = (await client.get(f"/api/v1/matches/{match_id}", headers=caller.headers)).json()["match"][
        "version"
    ]
    response = await client.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": action, "version": version},
        headers=caller.headers,
    )
    assert response.status_code == 200, response.text


@pytest.fixture
async def world(
    client: Client, database: Database, operator: Caller, work_queue: RecordingWorkQueue
) -> World:
    work_queue.inline = True
    callers = {
        "self_freelancer": await register_freelancer(client),
        "other_freelancer": await register_freelancer(client, full_name="Autre Freelance"),
        "own_company": await register_company(client),
        "other_company": await register_company(client),
    }
    mission = await post_mission(client, callers["own_company"])
    async with database.session() as session:
        match_id = await session.scalar(
            select(Match.id).where(
                Match.mission_id == mission["id"], Match.freelancer_id == callers["self_freelancer"].id
            )
        )
    assert match_id is not None
    for action in ("approve", "propose"):
        await _decide(client, operator, match_id, action)
    browsers = {"anonymous": WebBrowser(client)}
    for role, caller in callers.items():
        browsers[role] = WebBrowser(client)
        await browsers[role].sign_in(await _with_password(client, database, caller))
    return World(browsers, {"mission_id": mission["id"], "match_id": match_id})


async def test_every_page_answers_each_role_as_the_table_says(world: World) -> None:
    wrong = {}
    for template, expected in MATRIX:
        path = template.format(**world.ids)
        for role, status in zip(ROLES, expected, strict=True):
            got = (await world.browsers[role].get(path)).status_code
            if got != status:
                wrong[f"{role} GET {path}"] = f"{got}, expected {status}"
    assert wrong == {}


async def test_a_token_page_is_the_same_for_everyone_and_never_an_error(world: World) -> None:
    for template in TOKEN_PAGES:
        path = template.format(token="not-a-real-token", message_id=999999)
        statuses = {role: (await world.browsers[role].get(path)).status_code for role in ROLES}
        assert len(set(statuses.values())) == 1, (path, statuses)
        assert next(iter(statuses.values())) < 500


async def test_another_side_cannot_answer_a_proposal(world: World) -> None:
    """The forms' actions check ownership as the pages do: nothing changes and the answer says why."""
    ids = world.ids
    freelancer_answer = f"/proposals/{ids['match_id']}/answer"
    company_answer = f"/missions/{ids['mission_id']}/proposals/{ids['match_id']}/answer"
    attempts = [
        ("other_freelancer", freelancer_answer, {"action": "express_interest", "version": "3"}, N),
        ("own_company", freelancer_answer, {"action": "express_interest", "version": "3"}, F),
        ("other_company", company_answer, {"action": "accept", "version": "3"}, N),
        ("self_freelancer", company_answer, {"action": "accept", "version": "3"}, F),
    ]
    for role, action, data, status in attempts:
        response = await world.browsers[role].submit("/account", action, data)
        assert response.status_code == status, (role, action, response.status_code)


#: The console's job pages (outside the table above: the console has its own session). A web-app session
#: is no console session, so every web-app role is sent to the console's sign-in, as a visitor is; an
#: operator signed in to the console reads them.
CONSOLE_JOB_PAGES = ("/console/jobs/{job_id}", "/console/jobs/{job_id}/progress")


async def test_the_console_job_pages_answer_only_a_console_operator(
    world: World, client: Client, operator: Caller
) -> None:
    job_id = (await client.post("/api/v1/rescore", headers=operator.headers)).json()["id"]
    console = WebBrowser(client)
    token = await console.token("/console/sign-in")
    signed_in = await console.request(
        "POST", "/console/sign-in", data={"api_key": operator.api_key, "_csrf_token": token}
    )
    assert signed_in.status_code == R, signed_in.text
    for template in CONSOLE_JOB_PAGES:
        path = template.format(job_id=job_id)
        for role in ROLES:
            response = await world.browsers[role].get(path)
            assert response.status_code == R, (role, path, response.status_code)
            assert response.headers["location"].startswith("/console/sign-in"), (role, path)
        assert (await console.get(path)).status_code == S, path
        assert (await console.get(template.format(job_id="no-such-job"))).status_code == N, path


def _pattern(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", template)


def test_every_get_page_has_a_row(client: Client) -> None:
    pages = {
        _pattern(route.path)
        for route in client.app.routes
        if isinstance(route, HTTPRoute) and "GET" in route.methods and not route.path.startswith(NOT_PAGES)
    }
    covered = {_pattern(t) for t, _ in MATRIX} | {_pattern(t) for t in TOKEN_PAGES} | {"/language/{}"}
    assert pages - covered == set()
