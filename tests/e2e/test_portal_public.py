"""The web app's public pages in real Chromium: French and English, keyboard first, no serious axe-core
violation, no horizontal scroll on a phone (390 px) or a small laptop (1024 px)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.accessibility import axe_violations, describe, no_horizontal_scroll
from tests.e2e.serving import launched_chromium, require_chromium, save_screenshot, served_console

WIDTHS = (390, 1024)
PUBLIC_PAGES = {"home": "/", "sign-in": "/sign-in", "not-found": "/no-such-page"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app with the scored demo data (the same site as the console's tests)."""
    data_dir: Path = tmp_path_factory.mktemp("portal-public")
    with served_console(data_dir) as served_site:
        yield served_site.base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_chromium(require_chromium()) as launched:
        yield launched


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(PUBLIC_PAGES))
def test_public_pages_read_well_in_both_languages(
    site: str, browser: Browser, name: str, width: int, language: str
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=language)
    page = context.new_page()
    try:
        page.goto(site + PUBLIC_PAGES[name])
        assert page.locator("html").get_attribute("lang") == language
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at {width} px"
        violations = axe_violations(page)
        assert not violations, describe(violations)
        save_screenshot(page, f"portal-{name}-{language}-{width}.png")
    finally:
        context.close()


def test_the_switch_changes_the_language_and_remembers_it(site: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(site + "/sign-in")
        expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
        page.get_by_role("link", name="English").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        page.goto(site + "/")
        expect(page.get_by_role("heading", level=1)).to_have_text("The right freelance CTO for your company")
        page.get_by_role("link", name="Français").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Le bon CTO freelance pour votre entreprise"
        )
    finally:
        context.close()


def test_the_sign_in_form_works_from_the_keyboard(site: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(site + "/sign-in")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Aller au contenu principal")).to_be_focused()
        page.get_by_label("Adresse e-mail").fill("personne@example.fr")
        page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
        page.get_by_label("Mot de passe").press("Enter")
        expect(page.get_by_role("alert")).to_contain_text("E-mail ou mot de passe incorrect.")
        expect(page.get_by_label("Adresse e-mail")).to_have_value("personne@example.fr")
        expect(page.get_by_label("Mot de passe")).to_have_value("")
    finally:
        context.close()
