"""The forms' competence suggestions in a real browser (Debian's headless Chromium, Playwright, the real
app served by uvicorn on 127.0.0.1, a fresh SQLite database with the reference data): a freelancer
types a French summary, asks for suggestions, reads each label with the words of the summary that name
it, adds one and finds it ticked in the picker at level 3, and sees what is already ticked marked so; a
company does the same on the mission form, as required or nice to have. Screenshots of the suggestions
in French and English go to test-output/screenshots/.

Without /usr/bin/chromium these tests are skipped locally and fail in CI (CI=true).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from models.enums import CompanySize, Context, RemotePreference, Role
from service import migrations
from service.app import create_app
from service.auth.actor import Actor
from service.companies.schemas import CompanyCreate
from service.companies.services import create_company_for_account
from service.db import Database
from service.fixtures_loader import load_reference_data
from service.freelancers.schemas import CompetenceLevel, ProfileCreate
from service.freelancers.services import create_profile_for_account
from service.settings import Settings
from tests.e2e.accessibility import axe_violations, describe
from tests.e2e.serving import SCREENSHOTS, launched_chromium, prepared_settings, require_chromium, served
from tests.web_client import PASSWORD, create_web_account
from tests.work_queue import RecordingWorkQueue

FRENCH_SUMMARY = (
    "Directeur technique en agence depuis dix ans : j'ai rédigé le cahier des charges de la refonte "
    "de l'application mobile d'une banque, piloté la recette et les mises en production, et je fais "
    "la veille technologique de l'équipe."
)
ENGLISH_DESCRIPTION = (
    "We need a CTO for the acceptance testing of our mobile app and to write the technical "
    "specifications of the new CRM roll-out."
)
EMAIL_FR, EMAIL_EN, EMAIL_COMPANY = "amelie@example.fr", "james@example.com", "rh@neobanque.fr"
ENGLISH_PROFILE = ProfileCreate(
    full_name="James Carter",
    headline="Interim CTO for agencies",
    summary="Mobile apps and their acceptance testing, for agencies.",
    years_experience=16,
    tjm=900,
    available_from=date(2027, 2, 1),
    remote_preference=RemotePreference.REMOTE,
    competences=[CompetenceLevel("acceptance_testing", 5)],
    cto_missions=["technology_strategy"],
)


async def _prepare(settings: Settings) -> None:
    database = Database(settings)
    try:
        await migrations.upgrade(database.engine)
        async with database.session() as session:
            await load_reference_data(session)
        await create_web_account(database, Role.FREELANCER, EMAIL_FR, name="Amélie Durand")
        english = await create_web_account(database, Role.FREELANCER, EMAIL_EN, name="James Carter")
        company = await create_web_account(database, Role.COMPANY, EMAIL_COMPANY, name="Julie Martin")
        async with database.session() as session:
            await create_profile_for_account(session, english, ENGLISH_PROFILE)
            body = CompanyCreate(EMAIL_COMPANY, "Néobanque", Context.FINTECH, CompanySize.S, city="Paris")
            await create_company_for_account(session, Actor(company, Role.COMPANY, EMAIL_COMPANY), body)
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    settings, _ = prepared_settings(tmp_path_factory.mktemp("portal-suggestions-e2e"), _prepare)
    with served(create_app(settings, work_queue=RecordingWorkQueue(settings)), "portal") as url:
        yield url


@pytest.fixture(scope="module")
def browser(site: str) -> Iterator[Browser]:
    with launched_chromium(require_chromium()) as launched:
        yield launched


def _signed_in(browser: Browser, site: str, locale: str, email: str, width: int = 1024) -> Page:
    context = browser.new_context(
        base_url=site, viewport={"width": width, "height": 900}, locale=locale, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/sign-in")
    french = locale.startswith("fr")
    page.get_by_label("Adresse e-mail" if french else "E-mail address").fill(email)
    password = page.get_by_label("Mot de passe" if french else "Password")
    password.fill(PASSWORD)
    password.press("Enter")
    page.wait_for_url(re.compile(r"/(profile|missions|company)"))
    return page


def _shot(page: Page, selector: str, name: str) -> None:
    """A screenshot of the part of the page that holds the suggestions (the editor is long)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url
    page.locator(selector).screenshot(path=str(SCREENSHOTS / name))


def test_a_french_summary_suggests_competences_a_freelancer_adds(browser: Browser, site: str) -> None:
    page = _signed_in(browser, site, "fr-FR", EMAIL_FR)
    page.goto("/profile/edit")
    page.get_by_label("Résumé").fill(FRENCH_SUMMARY)
    page.get_by_role("button", name="Proposer des compétences d’après ce texte").click()
    panel = page.locator("#summary-suggestions")
    expect(panel.locator(".suggest-status")).to_have_text("5 suggestions d’après votre texte.")
    recette = panel.locator('[data-suggestion="acceptance_testing"]')
    expect(recette).to_contain_text("Recette")
    expect(recette).to_contain_text("d’après : recette")
    expect(panel.locator('[data-suggestion="technical_specifications"]')).to_contain_text(
        "d’après : cahier des charges"
    )
    expect(panel.locator('[data-suggestion="mobile_application"]')).to_contain_text(
        "d’après : application mobile"
    )
    expect(panel.locator('[data-suggestion="production_deployment"]')).to_contain_text("mises en production")
    veille = panel.locator('[data-suggestion="innovation_watch"]')
    expect(veille).to_contain_text("Mission de CTO")
    expect(veille).to_contain_text("d’après : veille technologique")
    _shot(page, "section[aria-labelledby=about-title]", "portal-suggestions-profile-fr-1024.png")
    violations = axe_violations(page)  # the page's CSP is bypassed so axe-core can be injected
    assert violations == [], describe(violations)

    ticked = page.locator("#competence-acceptance_testing")
    expect(ticked).not_to_be_checked()
    recette.get_by_role("button", name="Ajouter « Recette »").click()
    expect(ticked).to_be_checked()
    expect(page.locator("#level-acceptance_testing")).to_have_value("3")
    expect(recette.locator(".tag-ok")).to_have_text("Ajoutée")
    expect(panel.locator(".suggest-status")).to_contain_text("« Recette » est ajoutée")
    veille.get_by_role("button", name="Ajouter « Innover dans les nouvelles technologies »").click()
    expect(page.locator('input[name="cto_mission"][value="innovation_watch"]')).to_be_checked()
    _shot(page, "section[aria-labelledby=about-title]", "portal-suggestions-profile-added-fr-1024.png")

    # Asked again, what is now ticked reads as already there.
    page.get_by_role("button", name="Proposer des compétences d’après ce texte").click()
    expect(recette.locator(".tag-ok")).to_have_text("Déjà dans votre profil")
    page.context.close()


def test_an_english_reader_sees_english_labels_and_what_is_already_ticked(
    browser: Browser, site: str
) -> None:
    page = _signed_in(browser, site, "en-GB", EMAIL_EN, width=390)
    page.goto("/profile/edit")
    page.get_by_role("button", name="Suggest competences from this text").click()
    panel = page.locator("#summary-suggestions")
    testing = panel.locator('[data-suggestion="acceptance_testing"]')
    expect(testing).to_contain_text("Acceptance testing")
    expect(testing).to_contain_text("from: acceptance testing")
    expect(testing.locator(".tag-ok")).to_have_text("Already in your profile")
    expect(panel.locator('[data-suggestion="mobile_application"]')).to_contain_text("from: Mobile apps")
    _shot(page, "section[aria-labelledby=about-title]", "portal-suggestions-profile-en-390.png")
    page.get_by_label("Summary").fill("   ")
    page.get_by_role("button", name="Suggest competences from this text").click()
    expect(panel.locator(".suggest-status")).to_have_text(
        "Write some text first: the suggestions come from it."
    )
    expect(panel.locator(".suggestion")).to_have_count(0)
    page.context.close()


def test_a_company_adds_a_suggestion_as_required_on_the_mission_form(browser: Browser, site: str) -> None:
    page = _signed_in(browser, site, "en-GB", EMAIL_COMPANY)
    page.goto("/missions/new")
    page.get_by_label("Description").fill(ENGLISH_DESCRIPTION)
    page.get_by_role("button", name="Suggest competences from this text").click()
    panel = page.locator("#description-suggestions")
    testing = panel.locator('[data-suggestion="acceptance_testing"]')
    expect(testing).to_contain_text("from: acceptance testing")
    expect(panel.locator('[data-suggestion="crm_rollout"]')).to_contain_text("from: CRM roll-out")
    _shot(page, "section[aria-labelledby=part-mission]", "portal-suggestions-mission-en-1024.png")
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    testing.get_by_role("button", name="Add as required: Acceptance testing").click()
    expect(page.locator("#competence-acceptance_testing")).to_have_value("required")
    panel.locator('[data-suggestion="mobile_application"]').get_by_role(
        "button", name="Add as nice to have: Mobile application"
    ).click()
    expect(page.locator("#competence-mobile_application")).to_have_value("nice")
    expect(testing.locator(".tag-ok")).to_have_text("Added")
    page.context.close()

    french = _signed_in(browser, site, "fr-FR", EMAIL_COMPANY, width=390)
    french.goto("/missions/new")
    french.get_by_label("Description").fill(FRENCH_SUMMARY)
    french.get_by_role("button", name="Proposer des compétences d’après ce texte").click()
    recette = french.locator('#description-suggestions [data-suggestion="acceptance_testing"]')
    expect(recette.get_by_role("button", name="Ajouter comme requise : « Recette »")).to_be_visible()
    _shot(french, "section[aria-labelledby=part-mission]", "portal-suggestions-mission-fr-390.png")
    french.context.close()
