"""The company's pages of the web app over HTTP (SQLite and PostgreSQL): registering the company,
posting a mission with every error at once and the budget warning with its way out (figures from the
grid), the same date rules on the JSON API, my missions with their proposals counted, and answering
a proposal (the contact shown after accepting, a decline's reason sent to the freelancer)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from matching import ALGORITHM_VERSION
from models import Company, Match, Notification, RateBand
from models.enums import Role
from service.auth.actor import Actor
from service.companies.schemas import CompanyCreate
from service.companies.services import create_company_for_account
from service.db import Database
from service.errors import Conflict
from service.i18n import format_money, use_locale
from service.missions.services import schedule_errors
from tests.factories import Caller, mission_payload, post_mission, register_company, register_freelancer
from tests.web_client import WebBrowser, create_web_account
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]

COMPANY_FORM = {
    "name": "NeoBanque Lyon",
    "context": "fintech",
    "size": "11-50",
    "sector": "fintech",
    "city": "Lyon",
    "description": "A payments start-up.",
    "phone": "+33 4 72 00 00 00",
}


def mission_form(**overrides: str) -> dict[str, Any]:
    start = date.today() + timedelta(days=40)
    form: dict[str, Any] = {
        "title": "Interim CTO for a payments start-up",
        "description": "Grow the team from 5 to 15 engineers.",
        "orientation": "cto",
        "context": "fintech",
        "sector": "fintech",
        "seniority": "y11_15",
        "tjm_min": "600",
        "tjm_max": "700",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=180)).isoformat(),
        "days_per_week": "3",
        "remote_policy": "hybrid",
        "location": "Paris",
        "cto_missions": ["technology_strategy", "team_management"],
        "competence-it_security": "required",
        "competence-leadership": "required",
        "competence-communication": "nice",
    }
    form.update(overrides)
    return form


def words(page: str) -> str:
    """The page's text, tags dropped and spaces (narrow or not) collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', page, re.S)
    assert found, f"no error next to {name}"
    return words(found.group(1))


async def signed_in_company(
    client: Client, database: Database, email: str, language: str = "en"
) -> WebBrowser:
    """A company account as web sign-up leaves it, signed in, its company registered through the form."""
    await create_web_account(database, Role.COMPANY, email, name="Julie Martin")
    browser = WebBrowser(client, language=language)
    await browser.sign_in(email)
    saved = await browser.submit("/company/edit", "/company/edit", COMPANY_FORM)
    assert saved.status_code == 303, saved.text[:500]
    return browser


async def post_web_mission(browser: WebBrowser, **overrides: str) -> int:
    response = await browser.submit("/missions/new", "/missions/new", mission_form(**overrides))
    assert response.status_code == 303, words(response.text)[:1500]
    found = re.fullmatch(r"/missions/(\d+)", response.headers["location"])
    assert found
    return int(found.group(1))


# --- the company's profile ------------------------------------------------------------------------------
async def test_the_first_save_creates_the_company_and_the_next_ones_update_it(
    client: Client, database: Database
) -> None:
    account_id = await create_web_account(database, Role.COMPANY, "rh@neobanque.fr", name="Julie Martin")
    browser = WebBrowser(client, language="en")
    await browser.sign_in("rh@neobanque.fr")
    assert (await browser.get("/company")).headers["location"] == "/company/edit"
    assert (await browser.get("/missions/new")).headers["location"] == "/company/edit"
    form = await browser.get("/company/edit")
    assert form.status_code == 200 and "Register your company" in form.text and "Julie Martin" in form.text

    refused = await browser.submit(
        "/company/edit", "/company/edit", {**COMPANY_FORM, "name": "", "phone": "call me"}
    )
    assert refused.status_code == 400
    assert field_error(refused.text, "name") == "This field is required."
    assert field_error(refused.text, "phone")
    assert 'value="Lyon"' in refused.text  # what was typed is kept

    created = await browser.submit("/company/edit", "/company/edit", COMPANY_FORM)
    assert created.status_code == 303 and created.headers["location"] == "/company"
    updated = await browser.submit("/company/edit", "/company/edit", {**COMPANY_FORM, "name": "NeoBanque"})
    assert updated.status_code == 303
    profile = await browser.get("/company")
    assert profile.status_code == 200 and "NeoBanque" in profile.text and "Fintech" in profile.text
    async with database.session() as session:
        companies = (await session.scalars(select(Company).where(Company.account_id == account_id))).all()
        assert [c.name for c in companies] == ["NeoBanque"]
        actor = Actor(account_id, Role.COMPANY, "rh@neobanque.fr")
        body = CompanyCreate(email="rh@neobanque.fr", name="Twice", context="startup", size="1-10")  # type: ignore[arg-type]
        with pytest.raises(Conflict):  # one company per account
            await create_company_for_account(session, actor, body)


async def test_the_company_pages_are_in_french_by_default(client: Client, database: Database) -> None:
    await create_web_account(database, Role.COMPANY, "rh@atelier.fr")
    browser = WebBrowser(client)
    await browser.sign_in("rh@atelier.fr")
    form = await browser.get("/company/edit")
    assert "Enregistrez votre entreprise" in form.text and "Taille" in form.text


# --- the mission form ------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "fr"])
async def test_the_mission_form_says_every_error_at_once_next_to_its_field(
    client: Client, database: Database, language: str
) -> None:
    browser = await signed_in_company(client, database, f"rh-{language}@neobanque.fr", language)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    before = (date.today() - timedelta(days=5)).isoformat()
    sent = mission_form(
        title="", seniority="", tjm_min="900", tjm_max="abc", start_date=yesterday, end_date=before
    )
    refused = await browser.submit("/missions/new", "/missions/new", sent)
    assert refused.status_code == 400
    for name in ("title", "seniority", "tjm_max", "start_date", "end_date"):
        assert field_error(refused.text, name)
    summary = words(re.search(r'<div class="form-errors".*?</div>', refused.text, re.S).group(0))  # type: ignore[union-attr]
    if language == "en":
        assert "5 fields to correct" in summary
        assert "in the past" in field_error(refused.text, "start_date")
        assert "before the start date" in field_error(refused.text, "end_date")
        assert field_error(refused.text, "title") == "This field is required."
    else:
        assert "Date de début" in summary and "Ce champ est obligatoire." in summary
    # What was typed is kept (the competence picker too).
    assert (
        f'value="{yesterday}"' in refused.text
        and 'value="900"' in refused.text
        and 'value="Paris"' in refused.text
    )
    assert re.search(r'name="competence-communication">.*?value="nice" selected', refused.text, re.S)
    assert 'value="team_management" checked' in refused.text


async def test_the_json_api_refuses_the_same_dates(client: Client, company: Caller, operator: Caller) -> None:
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    later = (date.today() + timedelta(days=30)).isoformat()
    earlier = (date.today() + timedelta(days=10)).isoformat()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"start_date": yesterday, "end_date": None}, "body.start_date"),
        ({"start_date": later, "end_date": earlier}, "body.end_date"),
    ]
    for body, field in cases:
        response = await client.post(
            "/api/v1/missions", json=mission_payload(**body), headers=company.headers
        )
        assert response.status_code == 422, response.text
        assert field in [e["field"] for e in response.json()["errors"]]
    # An operator may record a mission that already started (imports); its company may still edit it
    # without moving the start.
    started = await client.post(
        "/api/v1/missions",
        json=mission_payload(start_date=yesterday, end_date=None, company_id=company.id),
        headers=operator.headers,
    )
    assert started.status_code == 201, started.text
    patched = await client.patch(
        f"/api/v1/missions/{started.json()['id']}", json={"tjm_max": 720}, headers=company.headers
    )
    assert patched.status_code == 200, patched.text
    moved = await client.patch(
        f"/api/v1/missions/{started.json()['id']}",
        json={"start_date": (date.today() - timedelta(days=3)).isoformat()},
        headers=company.headers,
    )
    assert moved.status_code == 422 and moved.json()["errors"][0]["field"] == "body.start_date"


async def _way_out(database: Database, band_id: str, tjm_max: int) -> tuple[RateBand, RateBand | None]:
    """The asked band and the most senior lower band the maximum reaches, as the grid holds them."""
    async with database.session() as session:
        bands = list((await session.scalars(select(RateBand).order_by(RateBand.position))).all())
    index = next(i for i, b in enumerate(bands) if b.id == band_id)
    reachable = [b for b in bands[:index] if b.tjm_low <= tjm_max]
    return bands[index], (reachable[-1] if reachable else None)


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_a_budget_below_the_market_is_warned_with_its_way_out(
    client: Client, database: Database, language: str
) -> None:
    browser = await signed_in_company(client, database, f"budget-{language}@neobanque.fr", language)
    band, lower = await _way_out(database, "y11_15", 500)
    assert lower is not None and band.tjm_low > 500
    with use_locale(language):
        low, high, budget = format_money(band.tjm_low), format_money(band.tjm_high), format_money(500)
    # After a POST refused for another reason, the form shows the check for what was typed.
    refused = await browser.submit(
        "/missions/new", "/missions/new", mission_form(title="", tjm_min="450", tjm_max="500")
    )
    assert refused.status_code == 400
    check = words(re.search(r'<div id="budget-check".*?</div>\s*</div>', refused.text, re.S).group(0))  # type: ignore[union-attr]
    for figure in (low, high, budget):
        assert words(figure) in check
    assert str(int(lower.min_years)) in check and str(lower.tjm_low) in check  # "or ask for 5–10 years"
    # Posted anyway: the mission page and my missions carry the service's warning.
    mission_id = await post_web_mission(browser, tjm_min="450", tjm_max="500")
    page = words((await browser.get(f"/missions/{mission_id}")).text)
    assert str(band.tjm_low) in page and str(lower.tjm_low) in page
    listed = words((await browser.get("/missions")).text)
    assert str(band.tjm_low) in listed
    # A budget within the market: no warning.
    fine = await browser.get(f"/missions/{await post_web_mission(browser)}")
    assert 'class="warning"' not in fine.text


async def test_the_form_page_carries_the_live_check_for_the_script(
    client: Client, database: Database
) -> None:
    browser = await signed_in_company(client, database, "live@neobanque.fr")
    form = await browser.get("/missions/new")
    assert form.status_code == 200
    assert 'id="budget-check" class="budget-check" aria-live="polite"' in form.text
    assert 'src="/static/company.js"' in form.text and "data-raise=" in form.text
    assert (await client.get("/static/company.js")).status_code == 200


# --- my missions, proposals ------------------------------------------------------------------------------
@dataclass
class Proposals:
    browser: WebBrowser
    mission_id: int
    match_ids: dict[str, int]  # freelancer name → match id
    freelancers: dict[str, Caller]


async def _decide(client: Client, caller: Caller, match_id: int, action: str, version: int) -> None:
    response = await client.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": action},
        headers={**caller.headers, "If-Match": f'"{version}"'},
    )
    assert response.status_code == 200, response.text


@pytest.fixture
async def proposals(
    client: Client, database: Database, work_queue: RecordingWorkQueue, operator: Caller
) -> Proposals:
    """A web company's mission with four scored candidates: three proposed to it, one still pending."""
    work_queue.inline = True
    freelancers = {
        name: await register_freelancer(client, full_name=name, email=f"{name.split()[0].lower()}@cto.test")
        for name in ("Claire Martin", "Paul Durand", "Inès Roux", "Marc Petit")
    }
    browser = await signed_in_company(client, database, "rh@proposals.fr")
    mission_id = await post_web_mission(browser)
    async with database.session() as session:
        rows = (
            await session.execute(select(Match.id, Match.freelancer_id).where(Match.mission_id == mission_id))
        ).all()
    by_profile = {freelancer_id: match_id for match_id, freelancer_id in rows}
    match_ids = {name: by_profile[caller.id] for name, caller in freelancers.items()}
    for name in ("Claire Martin", "Paul Durand", "Inès Roux"):
        await _decide(client, operator, match_ids[name], "approve", 1)
        await _decide(client, operator, match_ids[name], "propose", 2)
    return Proposals(browser, mission_id, match_ids, freelancers)


async def _answer(p: Proposals, name: str, action: str, reason: str = "") -> httpx.Response:
    here = f"/missions/{p.mission_id}/proposals/{p.match_ids[name]}"
    version = re.search(r'name="version" value="(\d+)"', (await p.browser.get(here)).text)
    assert version
    data = {"action": action, "version": version.group(1), "reason": reason}
    response = await p.browser.submit(here, f"{here}/answer", data)
    assert response.status_code == 303 and response.headers["location"] == here
    return response


async def test_accepting_shows_the_contact_on_the_same_page(proposals: Proposals) -> None:
    here = f"/missions/{proposals.mission_id}/proposals/{proposals.match_ids['Claire Martin']}"
    before = await proposals.browser.get(here)
    assert before.status_code == 200
    text = words(before.text)
    assert "Claire Martin" in text and "Why this freelancer" in text
    assert "claire@cto.test" not in before.text and "+33 6 12 34 56 78" not in before.text
    assert "marc@paynest.test" not in before.text  # a reference's contact is private too
    assert "similarity" not in text.lower() and ALGORITHM_VERSION not in text  # no engine internals
    await _answer(proposals, "Claire Martin", "accept")
    after = await proposals.browser.get(here)
    assert "Proposal accepted" in after.text
    for contact in (
        "claire@cto.test",
        "+33 6 12 34 56 78",
        "https://www.linkedin.com/in/claire-martin",
        "marc@paynest.test",
    ):
        assert contact in after.text
    assert "Accept the proposal" not in after.text  # answered


async def test_declining_sends_the_reason_to_the_freelancer(proposals: Proposals, database: Database) -> None:
    reason = "We need someone who has run a payment licence audit."
    await _answer(proposals, "Paul Durand", "decline", reason)
    page = await proposals.browser.get(
        f"/missions/{proposals.mission_id}/proposals/{proposals.match_ids['Paul Durand']}"
    )
    assert "declined" in page.text and "paul@cto.test" not in page.text
    async with database.session() as session:
        bodies = list(
            await session.scalars(
                select(Notification.body).where(
                    Notification.recipient_email == "paul@cto.test", Notification.kind == "company_declined"
                )
            )
        )
    assert len(bodies) == 1 and reason in bodies[0]


async def test_my_missions_lists_mine_with_their_proposals_counted(
    proposals: Proposals, client: Client, database: Database
) -> None:
    await _answer(proposals, "Claire Martin", "accept")
    await _answer(proposals, "Paul Durand", "decline", "Too far from Paris.")
    other = await register_company(client, name="Autre Société")
    theirs = await post_mission(client, other, title="Their own mission")
    listed = await proposals.browser.get("/missions")
    assert listed.status_code == 200
    text = words(listed.text)
    assert "Interim CTO for a payments start-up" in text and "Their own mission" not in text
    assert "3 proposed" in text and "1 accepted" in text and "1 declined" in text
    assert "1 awaiting your answer" in text
    mission = words((await proposals.browser.get(f"/missions/{proposals.mission_id}")).text)
    assert "Inès Roux" in mission and "Marc Petit" not in mission  # pending: not proposed to the company
    # Another company's mission, a match not proposed yet, a match of another mission: as if missing.
    assert (await proposals.browser.get(f"/missions/{theirs['id']}")).status_code == 404
    assert (await proposals.browser.get(f"/missions/{theirs['id']}/edit")).status_code == 404
    pending = f"/missions/{proposals.mission_id}/proposals/{proposals.match_ids['Marc Petit']}"
    assert (await proposals.browser.get(pending)).status_code == 404
    elsewhere = f"/missions/{theirs['id']}/proposals/{proposals.match_ids['Inès Roux']}"
    assert (await proposals.browser.get(elsewhere)).status_code == 404
    token_page = f"/missions/{proposals.mission_id}"
    closed = await proposals.browser.submit(token_page, f"/missions/{theirs['id']}/close", {"confirm": "yes"})
    assert closed.status_code == 404


async def test_closing_a_mission_needs_the_confirmation(proposals: Proposals) -> None:
    here = f"/missions/{proposals.mission_id}"
    unconfirmed = await proposals.browser.submit(here, f"{here}/close", {})
    assert unconfirmed.status_code == 303
    assert "Tick the box" in (await proposals.browser.get(here)).text
    closed = await proposals.browser.submit(here, f"{here}/close", {"confirm": "yes"})
    assert closed.status_code == 303
    page = await proposals.browser.get(here)
    assert "The mission is closed" in page.text and "Edit the mission" not in page.text
    assert (await proposals.browser.get(f"{here}/edit")).headers["location"] == here


async def test_editing_a_mission_keeps_its_rules(proposals: Proposals) -> None:
    here = f"/missions/{proposals.mission_id}"
    form = await proposals.browser.get(f"{here}/edit")
    assert form.status_code == 200 and 'value="Interim CTO for a payments start-up"' in form.text
    refused = await proposals.browser.submit(
        f"{here}/edit", f"{here}/edit", mission_form(**{"competence-it_security": "", "tjm_min": "800"})
    )
    assert refused.status_code == 400 and field_error(refused.text, "tjm_min")
    saved = await proposals.browser.submit(
        f"{here}/edit", f"{here}/edit", mission_form(title="CTO de transition")
    )
    assert saved.status_code == 303
    assert "CTO de transition" in (await proposals.browser.get(here)).text


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    end=st.none() | st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    check_start=st.booleans(),
)
def test_the_schedule_rules_refuse_exactly_a_past_start_and_an_end_before_the_start(
    start: date, end: date | None, check_start: bool
) -> None:
    today = date(2026, 12, 2)
    with use_locale("en"):
        fields = [e.field for e in schedule_errors(start, end, check_start=check_start, today=today)]
    assert ("body.start_date" in fields) == (check_start and start < today)
    assert ("body.end_date" in fields) == (end is not None and end < start)
