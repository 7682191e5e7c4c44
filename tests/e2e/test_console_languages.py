"""The console in a real browser, in both languages: French for a browser that asks for neither (here a
German one), English through the header switch, remembered on the next page, and back to French.

Chromium, demo data and server as in tests/e2e/test_console.py (skipped without Chromium, except in CI).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.serving import (
    ConsoleSite,
    launched_chromium,
    require_chromium,
    save_screenshot,
    served_console,
)

#: "1 075 €": a (narrow) no-break space between thousands and before the euro sign.
FRENCH_CEILING = re.compile(r"^1[\u202f\u00a0]075\u00a0€$")


@pytest.fixture(scope="module")
def chromium() -> Path:
    return require_chromium()


@pytest.fixture(scope="module")
def site(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleSite]:
    with served_console(tmp_path_factory.mktemp("console-languages")) as served_site:
        yield served_site


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    with launched_chromium(chromium) as launched:
        yield launched


@pytest.fixture
def page(browser: Browser, site: ConsoleSite) -> Iterator[Page]:
    context = browser.new_context(
        base_url=site.base_url, viewport={"width": 1280, "height": 900}, locale="de-DE"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _lang(page: Page) -> str | None:
    return page.locator("html").get_attribute("lang")


def test_french_by_default_english_on_request_and_back(page: Page, site: ConsoleSite) -> None:
    page.goto("/console")
    expect(page.get_by_role("heading", name="Connexion à la console")).to_be_visible()
    assert _lang(page) == "fr"
    page.get_by_label("Clé d'API d'opérateur").fill(site.keys["operator"])
    page.get_by_role("button", name="Se connecter avec la clé").click()
    expect(page.get_by_role("heading", name="Tableau de bord", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Matchs par statut")).to_be_visible()

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Grille des TJM").click()
    expect(page.get_by_role("heading", name="Grille des TJM")).to_be_visible()
    ceiling = page.locator("#band-gt15 td.num").nth(2).inner_text()
    assert FRENCH_CEILING.match(ceiling), ceiling
    expect(page.locator("#band-gt15 th")).to_contain_text("plus de 15 ans")
    switch = page.get_by_role("navigation", name="Langue")
    expect(switch.get_by_role("link", name="Français")).to_have_attribute("aria-current", "true")
    save_screenshot(page, "languages-rate-grid-fr.png")

    switch.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{site.base_url}/console/rate-grid")  # back on the same page
    expect(page.get_by_role("heading", name="Rate grid")).to_be_visible()
    assert _lang(page) == "en"
    assert page.locator("#band-gt15 td.num").nth(2).inner_text() == "€1,075"
    expect(page.locator("#band-gt15 th")).to_contain_text("more than 15 years")
    english_switch = page.get_by_role("navigation", name="Language")
    expect(english_switch.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")
    save_screenshot(page, "languages-rate-grid-en.png")

    page.get_by_role("link", name="Review queue").click()  # the next page stays English
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    assert _lang(page) == "en"
    first = page.locator("table.queue tbody tr").first
    expect(first.get_by_role("button", name=re.compile(r"^Approve "))).to_be_visible()
    expect(first.locator("summary", has_text="Reject…")).to_be_visible()

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    expect(page.get_by_role("heading", name="File de revue")).to_be_visible()
    assert _lang(page) == "fr"
    first = page.locator("table.queue tbody tr").first
    expect(first.get_by_role("button", name=re.compile(r"^Approuver "))).to_be_visible()
    first.locator("summary", has_text="Rejeter…").click()
    reason = first.get_by_role("textbox", name="Motif du rejet de")
    expect(reason).to_be_focused()
    reason.fill("TJM trop élevé pour ce budget")
    reason.press("Enter")
    expect(page.locator("#flash")).to_contain_text("Rejeté\u00a0: ")
    expect(page.locator("#flash")).to_contain_text("désormais rejeté")
    save_screenshot(page, "languages-queue-fr.png")
