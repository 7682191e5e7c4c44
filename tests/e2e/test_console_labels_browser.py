"""The console's labels as an operator reads them, in real Chromium on the demo data, French and English:
the missions list places a 900–1,075 € budget for more than 15 years above the market and shows no
position for a closed mission; an unknown console address is the console's own page, with its header
and a way back; a mission whose context and sector agree names it once. Screenshots under
test-output/screenshots/.

Without /usr/bin/chromium these tests are skipped locally and fail in CI (CI=true).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from service.i18n import gettext, use_locale
from tests.e2e.accessibility import no_horizontal_scroll
from tests.e2e.serving import ConsoleSite, save_screenshot, signed_in_operator

ABOVE_MARKET_MISSION = "m22-fintech-due-diligence"  # gt15, 900–1,075 € (the market is 400–775 €)
CLOSED_MISSION = "m21-agency-loyalty-app-crm"
FINTECH_MISSION = "m05-fintech-tech-strategy"  # context fintech, sector fintech


def t(language: str, text: str) -> str:
    with use_locale(language):
        return gettext(text)


def _mission_row(page: Page, ref: str) -> Locator:
    """The missions list's row of the demo mission `ref` (shown under its title)."""
    return page.locator("table tbody tr").filter(has=page.locator(".sub.mono", has_text=ref))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_budget_positions_on_the_missions_list(browser: Browser, site: ConsoleSite, language: str) -> None:
    page = signed_in_operator(browser, site, language)
    page.goto("/console/missions?status=all")
    above = _mission_row(page, ABOVE_MARKET_MISSION)
    expect(above.locator("td.budget-position")).to_have_text(t(language, "Above market"))
    closed = _mission_row(page, CLOSED_MISSION)
    expect(closed.locator("td.budget-position")).to_have_text("—")
    expect(closed.locator("td.budget-position span")).to_have_attribute(
        "aria-label", t(language, "Not shown for a closed mission")
    )
    assert no_horizontal_scroll(page)
    save_screenshot(page, f"labels-missions-{language}-1366.png")
    page.context.close()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_unknown_console_address_is_the_consoles_own_page(
    browser: Browser, site: ConsoleSite, language: str
) -> None:
    page = signed_in_operator(browser, site, language)
    response = page.goto("/console/no-such-page")
    assert response is not None and response.status == 404
    assert "text/html" in response.headers["content-type"]
    # The console's header and navigation, not a JSON problem document.
    expect(page.locator("header nav a", has_text=t(language, "Review queue"))).to_be_visible()
    expect(page.locator("main")).not_to_contain_text('"status"')
    save_screenshot(page, f"labels-not-found-{language}-1366.png")
    page.context.close()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_mission_page_names_its_context_once(browser: Browser, site: ConsoleSite, language: str) -> None:
    page = signed_in_operator(browser, site, language)
    page.goto("/console/missions?status=all")
    _mission_row(page, FINTECH_MISSION).locator("th a").click()
    facts = page.locator("dl").first
    expect(facts.locator("dt", has_text=t(language, "Context"))).to_have_count(1)
    expect(facts.locator("dt", has_text=t(language, "Sector"))).to_have_count(0)
    context_text = facts.locator("dt", has_text=t(language, "Context")).locator("xpath=../dd").inner_text()
    assert context_text.lower().count("fintech") == 1, context_text
    save_screenshot(page, f"labels-mission-context-{language}-1366.png")
    page.context.close()
