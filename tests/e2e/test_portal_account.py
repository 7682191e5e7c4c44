"""The account pages in real Chromium: sign-up with its error summary, the verification link followed
from the development mailbox, a new API key copied once, the notification centre; French and English,
no serious axe-core violation and no horizontal scroll at 390 and 1024 px."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from service.fixtures_loader import DEMO_PASSWORD
from tests.e2e.accessibility import axe_violations, describe, no_horizontal_scroll
from tests.e2e.serving import launched_chromium, require_chromium, save_screenshot, served_console

WIDTHS = (390, 1024)
DEMO_COMPANY = "direction.technique@atelier-brume.example"
PUBLIC = {
    "sign-up": "/sign-up?role=company",
    "forgot-password": "/forgot-password",
    "mailbox": "/dev/mailbox",
}
SIGNED_IN = {"account": "/account", "api-keys": "/account/api-keys", "notifications": "/notifications"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("portal-account")
    with served_console(data_dir) as served_site:
        yield served_site.base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_chromium(require_chromium()) as launched:
        yield launched


def _context(browser: Browser, width: int, language: str) -> BrowserContext:
    return browser.new_context(viewport={"width": width, "height": 900}, locale=language)


def _sign_in(page: Page, site: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(site + "/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#password").press("Enter")
    page.wait_for_load_state()


def _check(page: Page, name: str, width: int, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language
    assert no_horizontal_scroll(page), f"{name} scrolls sideways at {width} px"
    violations = axe_violations(page)
    assert not violations, describe(violations)
    save_screenshot(page, f"portal-account-{name}-{language}-{width}.png")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_account_pages_read_well(site: str, browser: Browser, width: int, language: str) -> None:
    context = _context(browser, width, language)
    page = context.new_page()
    try:
        for name, path in PUBLIC.items():
            page.goto(site + path)
            _check(page, name, width, language)
        page.goto(site + "/sign-up")
        page.locator("form[action='/sign-up'] button[type=submit]").click()
        expect(page.locator("#form-errors")).to_be_visible()
        _check(page, "sign-up-errors", width, language)
        _sign_in(page, site, DEMO_COMPANY)
        for name, path in SIGNED_IN.items():
            page.goto(site + path)
            _check(page, name, width, language)
    finally:
        context.close()


def test_sign_up_then_follow_the_link_from_the_mailbox(site: str, browser: Browser) -> None:
    context = _context(browser, 390, "fr")
    page = context.new_page()
    try:
        page.goto(site + "/sign-up?role=freelancer")
        page.get_by_label("Adresse e-mail").fill("nina.roux@example.fr")
        page.get_by_label("Nom complet").fill("Nina Roux")
        page.locator("#password").fill("une phrase assez longue")
        page.locator("#password_confirm").fill("une autre phrase longue")
        page.get_by_role("button", name="Créer mon compte").click()
        summary = page.locator("#form-errors")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Les deux mots de passe diffèrent")
        expect(summary).to_contain_text("Cochez cette case")
        expect(page.get_by_label("Adresse e-mail")).to_have_value("nina.roux@example.fr")
        page.locator("#password").fill("une phrase assez longue")
        page.locator("#password_confirm").fill("une phrase assez longue")
        page.locator("#consent").check()
        page.get_by_role("button", name="Créer mon compte").click()
        page.wait_for_url("**/profile/edit")

        page.goto(site + "/dev/mailbox")
        page.get_by_role("link", name="Confirmez votre adresse e-mail pour ctomatch").first.click()
        link = page.locator(".message-body a")
        href = link.get_attribute("href") or ""
        assert link.inner_text() == href and "/verify-email/" in href
        # The mail's address starts with PUBLIC_URL (the default port here): open its path on this server.
        page.goto(site + urlsplit(href).path)
        expect(page.locator("#flash")).to_contain_text("votre adresse e-mail est confirmée")
        page.goto(site + "/account")
        expect(page.locator(".tag-ok")).to_have_text("confirmée")
    finally:
        context.close()


def test_a_new_key_is_shown_once_with_a_copy_button(site: str, browser: Browser) -> None:
    context = _context(browser, 1024, "en")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        _sign_in(page, site, DEMO_COMPANY)
        page.goto(site + "/account/api-keys")
        page.get_by_label("Label").fill("Browser test")
        page.get_by_role("button", name="Create the key").click()
        key = page.locator("#new-key").input_value()
        assert key.startswith("ctc_")
        copy = page.get_by_role("button", name="Copy")
        expect(copy).to_be_visible()
        copy.click()
        expect(page.locator("#copy-status")).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == key
        page.goto(site + "/account/api-keys")
        assert key not in page.content() and key[:8] in page.content()  # never shown again
        page.get_by_role("button", name="Revoke Browser test").click()
        expect(page.locator("#flash")).to_contain_text("no longer works")
    finally:
        context.close()
