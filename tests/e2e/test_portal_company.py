"""The company's pages in a real browser (Debian's headless Chromium, Playwright) against the real app
served by uvicorn on 127.0.0.1, on a fresh SQLite database: a company registers, posts a mission whose
budget is below the market and sees the warning and its way out change as it types, fixes it, then
accepts a proposal and reads the freelancer's contact. Screenshots in French and English, at 390 and
1024 px wide, go to test-output/screenshots/; no page scrolls sideways.

Without /usr/bin/chromium these tests are skipped locally and fail in CI (CI=true).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from models import RateBand
from models.enums import Role
from service import migrations
from service.app import create_app
from service.db import Database
from service.fixtures_loader import load_reference_data
from service.settings import Settings
from tests.e2e.serving import launched_chromium, prepared_settings, require_chromium, served
from tests.factories import Caller, create_operator, freelancer_payload
from tests.web_client import PASSWORD, create_web_account
from tests.work_queue import RecordingWorkQueue

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
WIDTHS = (390, 1024)
FREELANCER_EMAIL = "claire.martin@cto.test"


@dataclass(frozen=True)
class Band:
    id: str
    label_fr: str
    label_en: str
    tjm_low: int
    tjm_high: int


@dataclass(frozen=True)
class Site:
    base_url: str
    operator: Caller
    bands: list[Band]

    def band(self, band_id: str) -> Band:
        return next(b for b in self.bands if b.id == band_id)

    def way_out(self, band_id: str, tjm_max: int) -> Band | None:
        """The most senior band below the asked one whose market low the maximum reaches (the grid's)."""
        index = next(i for i, b in enumerate(self.bands) if b.id == band_id)
        reachable = [b for b in self.bands[:index] if b.tjm_low <= tjm_max]
        return reachable[-1] if reachable else None

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**kwargs.pop("headers", {}), "X-API-Key": self.operator.api_key}
        response = httpx.request(method, self.base_url + path, headers=headers, timeout=20, **kwargs)
        assert response.status_code < 300, response.text
        return response.json()


async def _prepare(settings: Settings) -> tuple[Caller, list[Band]]:
    """The schema, the reference data, two company accounts as web sign-up leaves them, an operator."""
    database = Database(settings)
    try:
        await migrations.upgrade(database.engine)
        async with database.session() as session:
            await load_reference_data(session)
            rows = (await session.scalars(select(RateBand).order_by(RateBand.position))).all()
            bands = [Band(b.id, b.label_fr, b.label_en, b.tjm_low, b.tjm_high) for b in rows]
        for language in ("fr", "en"):
            await create_web_account(
                database, Role.COMPANY, f"rh-{language}@neobanque.test", name="Julie Martin"
            )
        return await create_operator(database, settings.secret_key), bands
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def chromium() -> Path:
    return require_chromium()


@pytest.fixture(scope="module")
def site(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    settings, (operator, bands) = prepared_settings(tmp_path_factory.mktemp("portal-company-e2e"), _prepare)
    # Scoring runs inline, as a worker would, so a posted mission has its matches at once.
    app = create_app(settings, work_queue=RecordingWorkQueue(settings, inline=True))
    with served(app, "web app") as url:
        available = (date.today() + timedelta(days=20)).isoformat()
        response = httpx.post(
            f"{url}/api/v1/freelancers",
            json=freelancer_payload(email=FREELANCER_EMAIL, available_from=available),
            timeout=20,
        )
        assert response.status_code == 201, response.text
        yield Site(url, operator, bands)


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    with launched_chromium(chromium) as launched:
        yield launched


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _shots(page: Page, name: str, language: str) -> None:
    """The page at each width, checked for sideways scrolling, saved as a screenshot."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        _no_sideways_scroll(page)
        _screenshot(page, f"company-{name}-{language}-{width}.png")
    page.set_viewport_size({"width": 1024, "height": 900})


def _signed_in(browser: Browser, site: Site, language: str) -> Page:
    context = browser.new_context(
        base_url=site.base_url,
        viewport={"width": 1024, "height": 900},
        locale="fr-FR" if language == "fr" else "en-GB",
        extra_http_headers={"Accept-Language": "fr-FR,fr" if language == "fr" else "en-GB,en"},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/sign-in")
    page.locator("#email").fill(f"rh-{language}@neobanque.test")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(re.compile(r"/company/edit|/missions"))
    return page


def _register_company(page: Page, language: str) -> None:
    page.goto("/company/edit")
    page.locator("#name").fill("NeoBanque")
    page.locator("#context").select_option("fintech")
    page.locator("#size").select_option("11-50")
    page.locator("#city").fill("Paris")
    page.locator("#phone").fill("+33 1 40 00 00 00")
    _shots(page, "profile-form", language)
    page.locator("#name").press("Enter")
    page.wait_for_url(re.compile(r"/company$"))


def _fill_mission(page: Page, *, tjm_min: int, tjm_max: int) -> None:
    start = date.today() + timedelta(days=40)
    page.locator("#title").fill("Interim CTO for a payments start-up")
    page.locator("#description").fill("Grow the team from 5 to 15 engineers.")
    page.locator("#context").select_option("fintech")
    page.locator("input[name=cto_missions][value=technology_strategy]").check()
    page.locator("#competence-it_security").select_option("required")
    page.locator("#competence-leadership").select_option("required")
    page.locator("#competence-communication").select_option("nice")
    page.locator("#seniority").select_option("y11_15")
    page.locator("#tjm_min").fill(str(tjm_min))
    page.locator("#tjm_max").fill(str(tjm_max))
    page.locator("#start_date").fill(start.isoformat())
    page.locator("#end_date").fill((start + timedelta(days=180)).isoformat())
    page.locator("#days_per_week").select_option("3")
    page.locator("#remote_policy").select_option("hybrid")
    page.locator("#location").fill("Paris")


def _digits(text: str) -> str:
    """Figures as typed by a person: the narrow and plain spaces of money formats dropped."""
    return re.sub(r"[\s\u202f\u00a0]", "", text)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_budget_below_the_market_is_warned_live_with_its_way_out(
    browser: Browser, site: Site, language: str
) -> None:
    page = _signed_in(browser, site, language)
    _register_company(page, language)
    page.goto("/missions/new")
    expect(page.locator("#budget-check")).to_have_attribute("data-ready", "true")
    band = site.band("y11_15")
    lower = site.way_out("y11_15", 500)
    assert lower is not None
    _fill_mission(page, tjm_min=450, tjm_max=500)
    warning = page.locator("#budget-warning")
    expect(warning).to_be_visible()
    text = _digits(warning.inner_text())
    assert str(band.tjm_low) in text and str(band.tjm_high) in text and "500" in text
    way_out = _digits(page.locator("#budget-way-out").inner_text())
    lower_label = lower.label_fr if language == "fr" else lower.label_en
    assert str(band.tjm_low) in way_out and _digits(lower_label) in way_out and str(lower.tjm_low) in way_out
    expect(page.locator("#budget-check")).to_have_attribute("aria-live", "polite")
    _shots(page, "mission-form-warning", language)

    # A higher maximum that is still short: the figures follow what is typed.
    page.locator("#tjm_max").fill("600")
    expect(warning).to_be_visible()
    assert "600" in _digits(page.locator("#budget-warning-text").inner_text())
    assert str(site.way_out("y11_15", 600).tjm_low) in _digits(page.locator("#budget-way-out").inner_text())  # type: ignore[union-attr]
    # Another band: its own market range.
    page.locator("#seniority").select_option(lower.id)
    expect(warning).to_be_hidden()
    assert str(lower.tjm_low) in _digits(page.locator("#market-range").inner_text())
    # Back to the asked band, and the way out taken: the maximum raised to the market low.
    page.locator("#seniority").select_option("y11_15")
    expect(warning).to_be_visible()
    page.locator("#tjm_max").fill(str(band.tjm_low))
    expect(warning).to_be_hidden()
    page.locator("#title").press("Enter")
    page.wait_for_url(re.compile(r"/missions/\d+$"))
    expect(page.locator("#flash")).to_be_visible()
    assert page.locator(".warning").count() == 0
    _shots(page, "mission-page", language)
    page.goto("/missions")
    _shots(page, "my-missions", language)
    page.context.close()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_accepting_a_proposal_shows_the_freelancers_contact(
    browser: Browser, site: Site, language: str
) -> None:
    page = _signed_in(browser, site, language)
    page.goto("/missions/new")
    if "/company/edit" in page.url:
        _register_company(page, language)
        page.goto("/missions/new")
    _fill_mission(page, tjm_min=600, tjm_max=700)
    page.locator("#title").press("Enter")
    page.wait_for_url(re.compile(r"/missions/\d+$"))
    mission_id = int(page.url.rsplit("/", 1)[1])
    queue = site.api("GET", f"/api/v1/review-queue?mission_id={mission_id}")
    match_id = queue["items"][0]["match"]["id"]
    for action, version in (("approve", 1), ("propose", 2)):
        site.api("POST", f"/api/v1/matches/{match_id}/decisions", json={"action": action, "version": version})
    page.reload()
    page.locator(f"a[href='/missions/{mission_id}/proposals/{match_id}']").click()
    expect(page.get_by_role("heading", name="Claire Martin")).to_be_visible()
    assert FREELANCER_EMAIL not in page.content()
    _shots(page, "proposal", language)
    accept = "Accepter la proposition" if language == "fr" else "Accept the proposal"
    page.get_by_role("button", name=accept).click()
    contact = page.locator("#contact")
    expect(contact.get_by_role("link", name=FREELANCER_EMAIL)).to_be_visible()
    expect(contact).to_contain_text("+33 6 12 34 56 78")
    _shots(page, "proposal-accepted", language)
    page.context.close()
