"""The "what would raise your score" block of the freelancer's proposals inbox in real Chromium, in French
and English, at 390 and 1024 px: the options of a proposal, worded as conditions, with no sideways
scroll and no serious WCAG violation (axe-core). Screenshots go to test-output/screenshots/.

A fresh SQLite database: a freelancer free eleven weeks after a mission's start and 10 € over its
budget; the mission, posted by a company over the API and scored inline, is proposed by an operator.
Without /usr/bin/chromium these tests are skipped locally and fail in CI (CI=true).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from models.enums import RemotePreference, Role
from service import migrations
from service.app import create_app
from service.db import Database
from service.fixtures_loader import load_reference_data
from service.freelancers.schemas import CompetenceLevel, ProfileCreate
from service.freelancers.services import create_profile_for_account
from service.settings import Settings
from tests.e2e.accessibility import axe_violations, describe, no_horizontal_scroll
from tests.e2e.serving import launched_chromium, prepared_settings, require_chromium, save_screenshot, served
from tests.factories import company_payload, create_operator, mission_payload
from tests.web_client import PASSWORD, create_web_account
from tests.work_queue import RecordingWorkQueue

EMAIL = "claire.martin@example.fr"
PROFILE = ProfileCreate(
    full_name="Claire Martin",
    headline="CTO freelance fintech",
    years_experience=12,
    tjm=710,
    available_from=date(2027, 4, 5),
    days_per_week=4,
    remote_preference=RemotePreference.HYBRID,
    location="Paris",
    competences=[CompetenceLevel("it_security", 4), CompetenceLevel("leadership", 5)],
    cto_missions=["technology_strategy", "team_management"],
)
LOCALES = {"fr": "fr-FR", "en": "en-GB"}
WORDS = {
    "fr": (
        "Adresse e-mail",
        "Mot de passe",
        "Ce qui ferait monter votre score",
        "Si vous pouviez commencer le 15/01/2027",
    ),
    "en": ("E-mail address", "Password", "What would raise your score", "If you could start on 15 Jan 2027"),
}


@dataclass(frozen=True)
class Site:
    url: str
    match_id: int


async def _prepare(settings: Settings) -> str:
    database = Database(settings)
    try:
        await migrations.upgrade(database.engine)
        async with database.session() as session:
            await load_reference_data(session)
        account = await create_web_account(database, Role.FREELANCER, EMAIL, name="Claire Martin")
        async with database.session() as session:
            await create_profile_for_account(session, account, PROFILE)
        return (await create_operator(database, settings.secret_key)).api_key
    finally:
        await database.dispose()


def _decide(http: httpx.Client, key: str, match_id: int, action: str) -> None:
    version = http.get(f"/api/v1/matches/{match_id}", headers={"X-API-Key": key}).json()["version"]
    answer = http.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": action},
        headers={"X-API-Key": key, "If-Match": f'"{version}"'},
    )
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require_chromium()
    settings, operator_key = prepared_settings(tmp_path_factory.mktemp("portal-score-options-e2e"), _prepare)
    app = create_app(settings, work_queue=RecordingWorkQueue(settings, inline=True))
    with served(app, "portal") as url, httpx.Client(base_url=url, timeout=30) as http:
        company = http.post("/api/v1/companies", json=company_payload(name="Néobanque SA"))
        assert company.status_code == 201, company.text
        company_key = {"X-API-Key": company.json()["api_key"]}
        mission = http.post(
            "/api/v1/missions", json=mission_payload(title="CTO de transition paiements"), headers=company_key
        )
        assert mission.status_code == 201, mission.text
        matches = http.get(
            f"/api/v1/missions/{mission.json()['id']}/matches", headers={"X-API-Key": operator_key}
        ).json()["items"]
        match_id = int(matches[0]["id"])
        _decide(http, operator_key, match_id, "approve")
        _decide(http, operator_key, match_id, "propose")
        yield Site(url, match_id)


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Browser]:
    with launched_chromium(require_chromium()) as launched:
        yield launched


def _signed_in(browser: Browser, site: Site, language: str, width: int) -> Page:
    context = browser.new_context(
        base_url=site.url, viewport={"width": width, "height": 900}, locale=LOCALES[language], bypass_csp=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    email_label, password_label = WORDS[language][:2]
    page.goto("/sign-in")
    page.get_by_label(email_label).fill(EMAIL)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_label(password_label).press("Enter")
    expect(page).not_to_have_url(re.compile(r"/sign-in"))
    return page


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("width", [390, 1024])
def test_the_inbox_lists_what_would_raise_my_score(
    browser: Browser, site: Site, language: str, width: int
) -> None:
    page = _signed_in(browser, site, language, width)
    page.goto("/proposals")
    heading, first_option = WORDS[language][2:]
    block = page.locator("section.score-options")
    expect(block).to_have_count(1)
    expect(block.get_by_role("heading", name=heading, level=3)).to_be_visible()
    options = block.get_by_role("listitem")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text(first_option)
    expect(options.nth(1)).to_contain_text("700")
    assert no_horizontal_scroll(page)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    save_screenshot(page, f"portal-freelancer-score-options-{language}-{width}.png")
    # The same block on the proposal's own page.
    page.goto(f"/proposals/{site.match_id}")
    expect(page.locator("section.score-options").get_by_role("listitem")).to_have_count(2)
    page.context.close()
