"""One journey across the three roles in real Chromium, in French and in English, on a fresh database.

A freelance CTO signs up, confirms the address from the development mailbox, builds a profile (the
market check beside the TJM) and confirms the availability. A company signs up, posts a mission whose
budget is below the market, reads the warning and its way out, and takes it. The operator signs in
to the console with a password, approves and proposes the match. The freelancer sees the notification
and says "interested"; the company accepts, and each side reads the other's contact. Then the company
resets its password by mail, the freelancer revokes a key (401 at once), downloads its data and
deletes its account, and the operator reads the erasure in the match's history. Every page on the way
is checked with axe-core (no serious or critical WCAG A/AA violation) and saved as a screenshot.

Texts are looked up in the app's own catalogs, so the same steps check both languages. Without
/usr/bin/chromium the test is skipped locally and fails in CI (CI=true).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from models import RateBand
from models.enums import Role
from service import migrations
from service.app import create_app
from service.db import Database
from service.fixtures_loader import load_reference_data
from service.i18n import gettext, use_locale
from service.settings import Settings
from tests.conftest import make_settings
from tests.e2e.accessibility import axe_violations, describe, no_horizontal_scroll
from tests.e2e.serving import launched_chromium, require_chromium, save_screenshot, served
from tests.web_client import PASSWORD, create_web_account
from tests.work_queue import RecordingWorkQueue

OPERATOR_EMAIL = "operations@ctomatch.test"
ASKED_BAND = "y11_15"
LOCALES = {"fr": "fr-FR", "en": "en-GB"}


@dataclass(frozen=True)
class Site:
    base_url: str
    market_low: int  # the asked band's market low, from the grid


@dataclass(frozen=True)
class People:
    """The accounts one run of the journey creates, in its language."""

    freelancer: str
    company: str
    freelancer_name: str
    company_name: str

    @classmethod
    def speaking(cls, language: str) -> People:
        tag = language.upper()
        return cls(
            f"camille.{language}@cto.test",
            f"direction.{language}@payflow.test",
            f"Camille Lefèvre {tag}",
            f"PayFlow {tag}",
        )


def t(language: str, text: str, **params: Any) -> str:
    """What the app writes for `text` in `language` (its own catalogs)."""
    with use_locale(language):
        return gettext(text, **params)


async def _prepare(settings: Settings) -> int:
    database = Database(settings)
    try:
        await migrations.upgrade(database.engine)
        async with database.session() as session:
            await load_reference_data(session)
            band = await session.scalar(select(RateBand).where(RateBand.id == ASKED_BAND))
            assert band is not None
            market_low = band.tjm_low
        await create_web_account(database, Role.OPERATOR, OPERATOR_EMAIL, name="Opérations")
        return market_low
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require_chromium()
    data_dir: Path = tmp_path_factory.mktemp("journey")
    settings = make_settings(f"sqlite+aiosqlite:///{data_dir / 'journey.db'}", data_dir)
    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's sync API owns the main thread's loop
        market_low = pool.submit(asyncio.run, _prepare(settings)).result()
    # Scoring runs inline, as a worker would: a posted mission has its matches at once.
    app = create_app(settings, work_queue=RecordingWorkQueue(settings, inline=True))
    with served(app, "web app") as url:
        yield Site(url, market_low)


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Browser]:
    with launched_chromium(require_chromium()) as launched:
        yield launched


def _context(browser: Browser, site: Site, language: str) -> BrowserContext:
    context = browser.new_context(
        base_url=site.base_url,
        viewport={"width": 1024, "height": 900},
        locale=LOCALES[language],
        accept_downloads=True,
        bypass_csp=True,  # axe-core is injected as an inline script; the CSP is tested elsewhere
    )
    context.set_default_timeout(10_000)
    return context


def _check(page: Page, name: str, language: str) -> None:
    """The page is in `language`, fits 390 and 1024 px, passes axe-core; a screenshot of each width."""
    assert page.locator("html").get_attribute("lang") == language, page.url
    for width in (390, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        assert no_horizontal_scroll(page), f"{page.url} scrolls sideways at {width} px"
        save_screenshot(page, f"journey-{name}-{language}-{width}.png")
    violations = axe_violations(page)
    assert not violations, f"{page.url}:\n{describe(violations)}"


def _open_mail(page: Page, to: str, subject: str) -> str:
    """The path of the link in the newest mail to `to` with `subject`, read in the development mailbox."""
    page.goto("/dev/mailbox")
    row = page.locator("tbody tr").filter(has_text=to).filter(has_text=subject).first
    row.get_by_role("link").click()
    href = page.locator(".message-body a").first.get_attribute("href") or ""
    assert href.startswith("http"), "a mail carries the full address of the page it links to"
    return urlsplit(href).path


def _sign_up(page: Page, language: str, role: str, email: str, name: str) -> None:
    page.goto(f"/sign-up?role={role}")
    _check(page, f"sign-up-{role}", language)
    page.locator("#email").fill(email)
    page.locator("#display_name").fill(name)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password_confirm").fill(PASSWORD)
    page.locator("#consent").check()
    page.get_by_role("button", name=t(language, "Create my account")).click()
    page.wait_for_load_state()
    onboarding = page.url
    path = _open_mail(page, email, t(language, "Confirm your e-mail address for ctomatch"))
    page.goto(path)
    expect(page.locator("#flash")).to_be_visible()
    page.goto(onboarding)


def _sign_in(page: Page, language: str, email: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name=t(language, "Sign in"), exact=True).click()
    page.wait_for_load_state()


def _sign_out(page: Page, language: str) -> None:
    page.get_by_role("button", name=t(language, "Sign out")).click()
    page.wait_for_load_state()


def _freelancer_builds_a_profile(page: Page, site: Site, language: str, people: People) -> None:
    _sign_up(page, language, "freelancer", people.freelancer, people.freelancer_name)
    expect(page).to_have_url(re.compile(r"/profile/edit$"))
    page.locator("#headline").fill("CTO à temps partagé pour fintechs")
    page.locator("#years_experience").fill("12")
    page.locator("#tjm").fill(str(site.market_low))
    within = t(language, "Within the market range for your experience (%(range)s).", range="")
    expect(page.locator("#market-check")).to_contain_text(within.split("(")[0].strip())
    for competence, level in (("it_security", "4"), ("leadership", "5"), ("communication", "4")):
        page.locator(f"#competence-{competence}").check()
        page.locator(f"#level-{competence}").select_option(level)
    page.locator("input[name=cto_mission][value=technology_strategy]").check()
    page.locator("#available_from").fill((date.today() + timedelta(days=10)).isoformat())
    page.locator("#remote_preference").select_option("hybrid")
    page.locator("#location").fill("Paris")
    page.locator("#phone").fill("+33 6 11 22 33 44")
    _check(page, "profile-form", language)
    page.locator("#headline").press("Enter")
    expect(page).to_have_url(re.compile(r"/profile$"))
    page.get_by_role("button", name=t(language, "Confirm my availability")).click()
    expect(page.locator("#flash")).to_be_visible()
    expect(page.locator("#availability-confirmed")).to_be_visible()
    _check(page, "profile", language)


def _company_posts_a_mission(page: Page, site: Site, language: str, people: People) -> int:
    _sign_up(page, language, "company", people.company, people.company_name)
    expect(page).to_have_url(re.compile(r"/company/edit$"))
    page.locator("#name").fill(people.company_name)
    page.locator("#context").select_option("fintech")
    page.locator("#size").select_option("11-50")
    page.locator("#city").fill("Paris")
    page.locator("#phone").fill("+33 1 40 00 00 00")
    page.locator("#name").press("Enter")
    page.wait_for_url(re.compile(r"/company$"))

    page.goto("/missions/new")
    expect(page.locator("#budget-check")).to_have_attribute("data-ready", "true")
    start = date.today() + timedelta(days=30)
    page.locator("#title").fill(f"CTO de transition, paiements ({language})")
    page.locator("#description").fill("Structurer l'équipe et la sécurité de la plateforme de paiement.")
    page.locator("#context").select_option("fintech")
    page.locator("input[name=cto_missions][value=technology_strategy]").check()
    page.locator("#competence-it_security").select_option("required")
    page.locator("#competence-leadership").select_option("required")
    page.locator("#seniority").select_option(ASKED_BAND)
    page.locator("#tjm_min").fill("400")
    page.locator("#tjm_max").fill(str(site.market_low - 100))
    page.locator("#start_date").fill(start.isoformat())
    page.locator("#end_date").fill((start + timedelta(days=120)).isoformat())
    page.locator("#days_per_week").select_option("3")
    page.locator("#remote_policy").select_option("hybrid")
    page.locator("#location").fill("Paris")
    expect(page.locator("#budget-warning")).to_be_visible()
    expect(page.locator("#budget-way-out")).not_to_be_empty()
    _check(page, "mission-below-market", language)
    # The way out: the maximum raised to the market's low for the asked band.
    page.locator("#tjm_max").fill(str(site.market_low))
    expect(page.locator("#budget-warning")).to_be_hidden()
    page.locator("#title").press("Enter")
    page.wait_for_url(re.compile(r"/missions/\d+$"))
    _check(page, "mission", language)
    return int(page.url.rsplit("/", 1)[1])


def _operator_proposes(page: Page, language: str, people: People, mission_id: int) -> int:
    page.goto("/console/sign-in")
    page.locator("#email").fill(OPERATOR_EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(re.compile(r"/console$"))
    page.goto(f"/console/queue?status=pending&mission_id={mission_id}")
    row = page.locator("table.queue tbody tr").filter(has_text=people.freelancer_name)
    expect(row).to_have_count(1)
    match_id = int(row.get_attribute("data-match-id") or 0)
    _check(page, "console-queue", language)
    row.get_by_role("button", name=re.compile("^" + re.escape(t(language, "Approve")) + " ")).click()
    expect(page.locator("#flash")).to_be_visible()
    page.goto(f"/console/queue?status=approved&mission_id={mission_id}")
    page.locator(f"#match-{match_id}").get_by_role("button", name=t(language, "Propose")).click()
    expect(page.locator("#flash")).to_be_visible()
    return match_id


def _freelancer_is_interested(page: Page, language: str, match_id: int) -> None:
    page.goto("/profile")
    expect(page.locator("header .badge")).to_be_visible()  # the unread count
    page.goto("/notifications")
    _check(page, "notifications-freelancer", language)
    page.locator(f"a[href='/proposals/{match_id}']").first.click()
    expect(page).to_have_url(re.compile(rf"/proposals/{match_id}$"))
    _check(page, "proposal-freelancer", language)
    assert "0." not in page.locator("main").inner_text(), "no internal figure in the freelancer's text"
    page.locator("#reason").fill("Le contexte paiement me correspond.")
    page.get_by_role("button", name=t(language, "I am interested")).click()
    expect(page.locator("#flash")).to_be_visible()
    page.goto("/notifications")
    page.get_by_role("button", name=t(language, "Mark all as read")).click()
    expect(page.locator("header .badge")).to_have_count(0)


def _company_accepts(page: Page, language: str, people: People, mission_id: int, match_id: int) -> None:
    page.goto("/missions")
    expect(page.locator("header .badge")).to_be_visible()  # the proposal and the freelancer's interest
    page.goto("/notifications")
    _check(page, "notifications-company", language)
    page.locator(f"a[href='/missions/{mission_id}/proposals/{match_id}']").first.click()
    expect(page).to_have_url(re.compile(rf"/missions/{mission_id}/proposals/{match_id}$"))
    expect(page.get_by_role("heading", name=people.freelancer_name)).to_be_visible()
    assert people.freelancer not in page.content(), "no contact before accepting"
    _check(page, "proposal-company", language)
    page.get_by_role("button", name=t(language, "Accept the proposal")).click()
    expect(page.locator("#contact").get_by_role("link", name=people.freelancer)).to_be_visible()
    _check(page, "proposal-accepted", language)


def _company_resets_its_password(page: Page, language: str, people: People) -> None:
    _sign_out(page, language)
    page.goto("/forgot-password")
    page.locator("#email").fill(people.company)
    page.get_by_role("button", name=t(language, "Send the link")).click()
    expect(page.locator("#flash")).to_be_visible()
    page.goto(_open_mail(page, people.company, t(language, "Reset your ctomatch password")))
    _check(page, "reset-password", language)
    new_password = "une toute nouvelle phrase secrète"
    page.locator("#password").fill(new_password)
    page.locator("#password_confirm").fill(new_password)
    page.get_by_role("button", name=t(language, "Save my new password")).click()
    expect(page.locator("#flash")).to_contain_text(
        t(language, "Your new password is saved and you are signed in.")
    )
    _sign_out(page, language)
    _sign_in(page, language, people.company)  # the old password no longer opens the account
    expect(page.locator("#sign-in-error")).to_be_visible()
    _sign_in(page, language, people.company, new_password)
    expect(page.get_by_role("button", name=t(language, "Sign out"))).to_be_visible()


def _freelancer_revokes_a_key(page: Page, site: Site, language: str) -> None:
    page.goto("/account/api-keys")
    page.locator("#label").fill("Tableur")
    page.get_by_role("button", name=t(language, "Create the key")).click()
    key = page.locator("#new-key").input_value()
    me = f"{site.base_url}/api/v1/me/data"
    assert httpx.get(me, headers={"X-API-Key": key}, timeout=10).status_code == 200
    page.goto("/account/api-keys")
    _check(page, "api-keys", language)
    page.get_by_role("button", name=re.compile(re.escape(t(language, "Revoke")) + ".*Tableur")).click()
    expect(page.locator("#flash")).to_be_visible()
    assert httpx.get(me, headers={"X-API-Key": key}, timeout=10).status_code == 401


def _freelancer_takes_and_erases_its_data(page: Page, language: str, people: People) -> None:
    page.goto("/account/data")
    _check(page, "my-data", language)
    with page.expect_download() as download:
        page.get_by_role("link", name=t(language, "Download my data (JSON)")).click()
    data: dict[str, Any] = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == people.freelancer
    assert "password_hash" not in json.dumps(data)
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(t(language, "DELETE"))
    page.get_by_role("button", name=t(language, "Delete my account for good")).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#flash")).to_be_visible()
    _sign_in(page, language, people.freelancer)
    expect(page.locator("#sign-in-error")).to_be_visible()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_from_sign_up_to_accepted_proposal_then_erasure(browser: Browser, site: Site, language: str) -> None:
    people = People.speaking(language)
    freelancer = _context(browser, site, language).new_page()
    company = _context(browser, site, language).new_page()
    operator = _context(browser, site, language).new_page()
    try:
        _freelancer_builds_a_profile(freelancer, site, language, people)
        mission_id = _company_posts_a_mission(company, site, language, people)
        match_id = _operator_proposes(operator, language, people, mission_id)
        _freelancer_is_interested(freelancer, language, match_id)
        _company_accepts(company, language, people, mission_id, match_id)

        freelancer.goto(f"/proposals/{match_id}")
        contact = freelancer.locator("#company-contact")
        expect(contact.get_by_role("link", name=people.company)).to_be_visible()
        _check(freelancer, "proposal-contact", language)

        _company_resets_its_password(company, language, people)
        _freelancer_revokes_a_key(freelancer, site, language)
        _freelancer_takes_and_erases_its_data(freelancer, language, people)

        operator.goto(f"/console/matches/{match_id}")
        expect(operator.locator("#history-title")).to_be_visible()
        expect(operator.locator("main")).to_contain_text("RGPD art. 17")
        assert people.freelancer_name not in operator.locator("main").inner_text()
        _check(operator, "console-match-erased", language)
    finally:
        for page in (freelancer, company, operator):
            page.context.close()
