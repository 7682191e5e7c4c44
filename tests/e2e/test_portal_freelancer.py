"""The freelancer's pages in a real browser (Debian's headless Chromium, Playwright, the real app served
by uvicorn on 127.0.0.1, a fresh SQLite database with the reference data): build a profile with the
pickers, watch the market check follow the TJM as it is typed, confirm the availability. Screenshots in
French and English at 390 and 1024 px go to test-output/screenshots/; no page scrolls sideways.

Without /usr/bin/chromium these tests are skipped locally and fail in CI (CI=true).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from models.enums import RemotePreference, Role
from service import migrations
from service.app import create_app
from service.db import Database
from service.fixtures_loader import load_reference_data
from service.freelancers.schemas import CompetenceLevel, ProfileCreate, Reference
from service.freelancers.services import create_profile_for_account
from service.settings import Settings
from tests.e2e.serving import launched_chromium, prepared_settings, require_chromium, save_screenshot, served
from tests.web_client import PASSWORD, create_web_account
from tests.work_queue import RecordingWorkQueue

WIDTHS = (390, 1024)
ENGLISH_PROFILE = ProfileCreate(
    full_name="James Carter",
    headline="Interim CTO for scale-ups",
    years_experience=16,
    tjm=900,
    available_from=date(2027, 2, 1),
    remote_preference=RemotePreference.REMOTE,
    competences=[CompetenceLevel("leadership", 5), CompetenceLevel("project_management", 4)],
    cto_missions=["technology_strategy"],
    references=[Reference(name="Sarah Lee", company="Growthly", contact="sarah@growthly.test")],
)
EMAIL_FR, EMAIL_EN = "amelie@example.fr", "james@example.com"


async def _prepare(settings: Settings) -> None:
    database = Database(settings)
    try:
        await migrations.upgrade(database.engine)
        async with database.session() as session:
            await load_reference_data(session)
        await create_web_account(database, Role.FREELANCER, EMAIL_FR, name="Amélie Durand")
        english = await create_web_account(database, Role.FREELANCER, EMAIL_EN, name="James Carter")
        async with database.session() as session:
            await create_profile_for_account(session, english, ENGLISH_PROFILE)
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    settings, _ = prepared_settings(tmp_path_factory.mktemp("portal-freelancer-e2e"), _prepare)
    with served(create_app(settings, work_queue=RecordingWorkQueue(settings)), "portal") as url:
        yield url


@pytest.fixture(scope="module")
def browser(site: str) -> Iterator[Browser]:
    with launched_chromium(require_chromium()) as launched:
        yield launched


def _page(browser: Browser, site: str, locale: str, width: int = 1024) -> Page:
    context = browser.new_context(base_url=site, viewport={"width": width, "height": 900}, locale=locale)
    context.set_default_timeout(10_000)
    return context.new_page()


def _sign_in(page: Page, email: str, email_label: str, password_label: str) -> None:
    page.goto("/sign-in")
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_label(password_label).press("Enter")


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def _shots(browser: Browser, site: str, locale: str, email: str, labels: tuple[str, str], lang: str) -> None:
    for width in WIDTHS:
        page = _page(browser, site, locale, width)
        _sign_in(page, email, *labels)
        for path, name in (("/profile/edit", "edit"), ("/profile", "profile"), ("/proposals", "proposals")):
            page.goto(path)
            _no_sideways_scroll(page)
            save_screenshot(page, f"portal-freelancer-{name}-{lang}-{width}.png")
        page.context.close()


def test_build_a_profile_with_the_pickers_and_a_live_market_check(browser: Browser, site: str) -> None:
    page = _page(browser, site, "fr-FR")
    _sign_in(page, EMAIL_FR, "Adresse e-mail", "Mot de passe")
    expect(page).to_have_url(re.compile(r"/profile/edit$"))
    expect(page.get_by_role("heading", name="Créer mon profil", level=1)).to_be_visible()

    page.locator("#headline").fill("CTO à temps partagé pour fintechs")
    page.locator("#years_experience").fill("12")
    tjm = page.locator("#tjm")
    market = page.locator("#market-check")
    tjm.fill("680")
    expect(market).to_contain_text("Dans la fourchette du marché")
    expect(market).to_contain_text("11-15 ans")
    tjm.fill("800")
    expect(market).to_contain_text("Au-dessus du marché")
    page.locator("#years_experience").fill("20")
    tjm.fill("1100")
    expect(market).to_contain_text("plafond documenté")
    tjm.fill("700")
    expect(market).to_contain_text("Dans la fourchette du marché")
    page.locator("#years_experience").fill("12")
    expect(market).to_contain_text("Au-dessus du marché")
    tjm.fill("680")

    # The competence picker, with its filter box (a script enhancement).
    page.get_by_label("Filtrer les compétences").fill("sécu")
    expect(page.get_by_label("Leadership", exact=True)).to_be_hidden()
    page.get_by_label("Sécurité informatique", exact=True).check()
    page.get_by_label("Niveau en Sécurité informatique").select_option("4")
    page.get_by_label("Filtrer les compétences").fill("")
    page.get_by_label("Leadership", exact=True).check()
    page.get_by_label("Niveau en Leadership").select_option("5")
    page.get_by_label("Définir la stratégie technologique").check()
    page.locator("#available_from").fill("2027-01-04")
    page.locator("#remote_preference").select_option("hybrid")
    page.get_by_label("Ville").fill("Paris")
    page.get_by_label("CTO", exact=True).check()
    page.get_by_label("Fintech", exact=True).check()
    page.locator("#role_0_title").fill("CTO")
    page.locator("#role_0_company").fill("PayNest")
    page.locator("#role_0_context").select_option("fintech")
    page.locator("#role_0_start_year").fill("2019")
    page.get_by_role("button", name="Créer mon profil").click()

    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(page.locator("#flash")).to_contain_text("Votre profil est créé")
    expect(page.get_by_role("heading", name="Complétude du profil")).to_be_visible()
    expect(page.locator(".hints")).to_contain_text("Ajoutez au moins 5 compétences")
    page.get_by_role("button", name="Confirmer ma disponibilité").click()
    expect(page.locator("#flash")).to_contain_text("votre disponibilité est confirmée")
    expect(page.locator("#availability-confirmed")).to_contain_text(re.compile(r"le \d\d/\d\d/\d{4}"))
    _no_sideways_scroll(page)
    page.context.close()


def test_an_error_is_shown_next_to_its_field_and_in_the_summary(browser: Browser, site: str) -> None:
    page = _page(browser, site, "en-GB", 390)
    _sign_in(page, EMAIL_EN, "E-mail address", "Password")
    expect(page).to_have_url(re.compile(r"/profile$"))
    page.get_by_role("link", name="Edit my profile").click()
    page.get_by_label("LinkedIn profile").fill("linkedin.com/in/james")
    page.get_by_role("button", name="Save my profile").click()
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Start the address with https://")
    expect(page.locator("#linkedin_url-error")).to_contain_text("https://www.linkedin.com/in/your-name")
    expect(page.get_by_label("LinkedIn profile")).to_have_value("linkedin.com/in/james")
    _no_sideways_scroll(page)
    save_screenshot(page, "portal-freelancer-errors-en-390.png")
    page.context.close()


def test_screenshots_in_french_and_english_without_sideways_scroll(browser: Browser, site: str) -> None:
    _shots(browser, site, "fr-FR", EMAIL_FR, ("Adresse e-mail", "Mot de passe"), "fr")
    _shots(browser, site, "en-GB", EMAIL_EN, ("E-mail address", "Password"), "en")
