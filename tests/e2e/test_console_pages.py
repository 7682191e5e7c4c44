"""The operator console in-process (httpx through Litestar's test client, SQLite and PostgreSQL):
who gets in, CSRF, the session cookie, and decisions through the forms with their messages.

The client asks for English (`Accept-Language`), so the messages below read as the English catalog
has them; tests/api/test_console_i18n.py covers the French default."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from service.i18n import use_locale
from service.web.session import CSRF_COOKIE, SESSION_COOKIE, safe_next
from service.web.stats import axis_scale, histogram
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
PAGES = ["/console", "/console/queue", "/console/missions", "/console/missions/1", "/console/rate-grid"]


def _csrf(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


async def _sign_in(client: Client, key: str, next_path: str = "") -> httpx.Response:
    form = await client.get("/console/sign-in")
    data = {"api_key": key, "next": next_path, "_csrf_token": _csrf(form.text)}
    return await client.post("/console/sign-in", data=data)


async def _decide(
    client: Client, match_id: int, version: int, action: str, reason: str = ""
) -> httpx.Response:
    page = await client.get("/console/queue")
    data = {
        "action": action,
        "version": str(version),
        "reason": reason,
        "next": "/console/queue",
        "_csrf_token": _csrf(page.text),
    }
    return await client.post(f"/console/matches/{match_id}/decisions", data=data)


def _flash(html: str) -> str:
    found = re.search(r'<div id="flash"[^>]*>(.*?)</div>', html, re.S)
    assert found, "no flash message on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


@pytest.fixture
async def scored(client: Client, work_queue: RecordingWorkQueue) -> dict[str, Any]:
    """Three candidates for one mission, scored inline as a worker would."""
    work_queue.inline = True
    freelancers = [
        await register_freelancer(client, full_name="Strong Fit"),
        await register_freelancer(client, full_name="Junior Cheap", years_experience=6, tjm=430),
    ]
    company = await register_company(client)
    mission = await post_mission(client, company)
    return {"freelancers": freelancers, "company": company, "mission_id": mission["id"]}


@pytest.fixture
def web(client: Client) -> Client:
    """The test client, seeing redirects as a browser's network log would (303 and Location), from a
    browser set to English."""
    client.follow_redirects = False
    client.headers["Accept-Language"] = "en-GB,en;q=0.8"
    return client


async def _queue_items(client: Client, operator: Caller) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/review-queue", headers=operator.headers)
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.mark.parametrize("path", PAGES)
async def test_pages_redirect_to_sign_in_without_a_session(web: Client, path: str) -> None:
    response = await web.get(path)
    assert response.status_code == 303
    expected = (
        "/console/sign-in" if path == "/console" else f"/console/sign-in?next={path.replace('/', '%2F')}"
    )
    assert response.headers["location"] == expected
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")  # visitors get no session


REFUSALS = {
    "en": [
        "This is a freelancer key: only operators can use the console.",
        "This is a company key: only operators can use the console.",
        "This API key is unknown or has been revoked.",
        "Enter your operator API key.",
    ],
    "fr": [
        "Cette clé est celle d'un freelance\u00a0: seuls les opérateurs peuvent utiliser la console.",
        "Cette clé est celle d'une entreprise\u00a0: seuls les opérateurs peuvent utiliser la console.",
        "Cette clé d'API est inconnue ou a été révoquée.",
        "Saisissez votre clé d'API d'opérateur.",
    ],
}


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_only_operators_sign_in(web: Client, operator: Caller, language: str) -> None:
    web.headers["Accept-Language"] = language
    freelancer = await register_freelancer(web)
    company = await register_company(web)
    keys = [(freelancer.api_key, 403), (company.api_key, 403), ("not-a-key", 401), ("   ", 400)]
    for (key, status), message in zip(keys, REFUSALS[language], strict=True):
        response = await _sign_in(web, key)
        assert response.status_code == status, key
        assert message in html.unescape(response.text)
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
        assert (await web.get("/console/queue")).status_code == 303

    signed_in = await _sign_in(web, operator.api_key, next_path="/console/queue")
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/console/queue")
    cookies = signed_in.headers.get_list("set-cookie")
    cookie = next(c for c in cookies if c.startswith(f"{SESSION_COOKIE}="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Path=/console" in cookie and "Secure" not in cookie
    assert operator.api_key not in cookie
    assert any(c.startswith(f"{CSRF_COOKIE}=") and "Max-Age=0" in c for c in cookies)  # token renewed
    assert (await web.get("/console/queue")).status_code == 200


async def test_sign_in_issues_a_new_session_id_and_sign_out_ends_it(web: Client, operator: Caller) -> None:
    host = httpx.URL(str(web.base_url)).host
    planted = "0" * 64  # a session id an attacker managed to plant before sign-in
    web.cookies.set(SESSION_COOKIE, planted, domain=host, path="/console")
    signed_in = await _sign_in(web, operator.api_key)
    issued = re.search(f"{SESSION_COOKIE}=([0-9a-f]+);", signed_in.headers["set-cookie"])
    assert issued and issued.group(1) != planted
    page = await web.get("/console")
    assert page.status_code == 200 and "Signed in as" in page.text

    signed_out = await web.post("/console/sign-out", data={"_csrf_token": _csrf(page.text)})
    assert (signed_out.status_code, signed_out.headers["location"]) == (303, "/console/sign-in?signed_out=1")
    web.cookies.set(SESSION_COOKIE, issued.group(1), domain=host, path="/console")  # a copy is dead too
    assert (await web.get("/console")).status_code == 303


async def test_posts_need_the_csrf_token(web: Client, operator: Caller, scored: dict[str, Any]) -> None:
    refused = await web.post("/console/sign-in", data={"api_key": operator.api_key})
    assert refused.status_code == 403 and "Form expired" in refused.text
    assert "text/html" in refused.headers["content-type"]
    await _sign_in(web, operator.api_key)
    match = (await _queue_items(web, operator))[0]
    forged = await web.post(
        f"/console/matches/{match['match']['id']}/decisions",
        data={"action": "approve", "version": "1", "_csrf_token": "f" * 128},
    )
    assert forged.status_code == 403
    assert (await _queue_items(web, operator))[0]["match"]["status"] == "pending"


async def test_api_gets_neither_cookies_nor_csrf_checks(web: Client, operator: Caller) -> None:
    response = await web.get("/api/v1/rate-grid")
    assert response.status_code == 200 and "set-cookie" not in response.headers
    created = await web.post("/api/v1/companies", json={"name": "No CSRF needed"})
    assert created.status_code == 422  # reached validation: no CSRF middleware on the API


async def test_queue_lists_matches_with_their_factors(
    web: Client, operator: Caller, scored: dict[str, Any]
) -> None:
    await _sign_in(web, operator.api_key)
    page = await web.get("/console/queue")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    rows = re.findall(r'<tr id="match-(\d+)" data-match-id="\d+" data-version="(\d+)"', page.text)
    api_ids = {str(item["match"]["id"]) for item in await _queue_items(web, operator)}
    assert {match_id for match_id, _ in rows} == api_ids and len(rows) == 2
    # each row draws its eight factors as a small chart, named in words for screen readers
    charts = re.findall(r'<svg class="mini-factors"[^>]*aria-label="([^"]+)"', page.text)
    assert len(charts) == 2 and all(label.count("%") == 8 for label in charts), charts
    assert "Strong Fit" in page.text and "Reason to reject Strong Fit" in page.text
    filtered = await web.get("/console/queue?tjm_position=below&min_score=&mission_id=&band=")
    assert (
        filtered.status_code == 200 and "Junior Cheap" in filtered.text and "Strong Fit" not in filtered.text
    )


async def test_decisions_through_the_forms(web: Client, operator: Caller, scored: dict[str, Any]) -> None:
    await _sign_in(web, operator.api_key)
    first, second = await _queue_items(web, operator)
    match_id = first["match"]["id"]

    approved = await _decide(web, match_id, 1, "approve")
    back = f"/console/queue?kept={match_id}"  # the decided row stays in view
    assert (approved.status_code, approved.headers["location"]) == (303, back)
    assert _flash((await web.get(back)).text).startswith("✓ Approved: ")
    detail = await web.get(f"/api/v1/matches/{match_id}", headers=operator.headers)
    assert detail.json()["match"]["status"] == "approved"

    stale = await _decide(web, match_id, 1, "reject", reason="too late")  # the page was out of date
    assert stale.status_code == 303
    assert "This match was decided by someone else: it is now approved." in _flash(
        (await web.get("/console/queue")).text
    )

    other = second["match"]["id"]
    await _decide(web, other, 1, "reject", reason="   ")
    assert "a reason is required to reject" in _flash((await web.get("/console/queue")).text)
    await _decide(web, other, 1, "reject", reason="rate far below the market: likely a mismatch")
    history = await web.get(f"/api/v1/matches/{other}/history", headers=operator.headers)
    assert [(h["to_status"], h["reason"]) for h in history.json()] == [
        ("rejected", "rate far below the market: likely a mismatch")
    ]


async def test_mission_match_and_dashboard_pages(
    web: Client, operator: Caller, scored: dict[str, Any]
) -> None:
    await _sign_in(web, operator.api_key)
    cheap = await post_mission(web, scored["company"], title="Underpaid CTO", tjm_min=300, tjm_max=350)
    warned = await web.get(f"/console/missions/{cheap['id']}")
    assert warned.status_code == 200 and 'id="budget-warning"' in warned.text
    assert "below the market range" in warned.text
    page = await web.get(f"/console/missions/{scored['mission_id']}")
    assert 'id="budget-warning"' not in page.text and page.text.count('class="candidate card"') == 2
    match_id = (await _queue_items(web, operator))[0]["match"]["id"]
    assert "No decision yet." in (await web.get(f"/console/matches/{match_id}")).text
    dashboard = await web.get("/console")
    assert dashboard.text.count('<rect class="bar"') == 10
    assert (await web.get("/console/missions/999999")).status_code == 404


async def test_rate_grid_form_updates_a_band_and_queues_a_rescore(
    web: Client, operator: Caller, work_queue: RecordingWorkQueue
) -> None:
    await _sign_in(web, operator.api_key)
    page = await web.get("/console/rate-grid")
    data = {
        "tjm_low": "640",
        "tjm_high": "700",
        "tjm_ceiling": "",
        "note": "",
        "_csrf_token": _csrf(page.text),
    }
    response = await web.post("/console/rate-grid/y11_15", data=data)
    assert response.status_code == 303
    # back to the grid, its confirmation linking to the rescore's job page
    assert re.fullmatch(r"/console/rate-grid\?job=[0-9a-f-]{36}", response.headers["location"])
    grid = (await web.get("/api/v1/rate-grid")).json()["bands"]
    assert next(b for b in grid if b["id"] == "y11_15")[("tjm_low")] == 640
    assert [kind for kind, _ in work_queue.calls] == ["rescore"]
    bad = await web.post("/console/rate-grid/y11_15", data={**data, "tjm_low": "900"})
    assert bad.status_code == 422  # the form comes back with what was typed and the refusal in words
    assert "The low end (€900) is above the high end (€700)" in html.unescape(bad.text)


def test_console_routes_stay_out_of_the_api_schema() -> None:
    from service.app import create_app
    from service.settings import Settings

    schema = create_app(Settings(database_url="sqlite+aiosqlite://")).openapi_schema.to_schema()
    assert not [path for path in schema["paths"] if path.startswith("/console")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/console/queue?status=approved", "/console/queue?status=approved"),
        ("https://evil.example/console", "/console"),
        ("//evil.example/console", "/console"),
        ("/consolex/../api", "/console"),
        ("/api/v1/me", "/console"),
        ("/console/sign-in", "/console"),
        ("/console\\@evil", "/console"),
        (None, "/console"),
    ],
)
def test_next_is_only_ever_a_console_path(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def test_histogram_geometry() -> None:
    assert axis_scale(0) == (1, 1) and axis_scale(3) == (3, 1) and axis_scale(293) == (300, 100)
    chart = histogram([0, 0, 0, 5, 20, 10, 0, 0, 0, 1])
    assert len(chart.bars) == 10 and chart.total == 36
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.label == "40–50" and tallest.y == chart.ticks[-1].y
    assert [t.value for t in chart.ticks] == [0, 5, 10, 15, 20]
    assert "40–50\u00a0: 20" in chart.summary and "36 scores de matchs" in chart.summary  # French by default
    with use_locale("en"):
        assert "40–50: 20" in histogram([0, 0, 0, 5, 20, 10, 0, 0, 0, 1]).summary
