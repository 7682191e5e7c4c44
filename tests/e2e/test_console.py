"""The operator console in a real browser: Debian's headless Chromium, driven by Playwright, against
the real app served by uvicorn on 127.0.0.1, on a fresh SQLite database holding the demo data with
every mission scored. Screenshots of the queue and the dashboard go to test-output/screenshots/.

Without /usr/bin/chromium these tests are skipped locally and fail in CI (CI=true).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.serving import (
    ConsoleSite,
    launched_chromium,
    require_chromium,
    save_screenshot,
    served_console,
)

VIEWPORT: ViewportSize = {"width": 1440, "height": 900}
#: These tests read the English texts; tests/e2e/test_console_languages.py covers the French default.
LOCALE = "en-GB"
Console = ConsoleSite


@pytest.fixture(scope="module")
def chromium() -> Path:
    return require_chromium()


@pytest.fixture(scope="module")
def console(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The real app on a free port of 127.0.0.1, in a background thread, for the whole module."""
    with served_console(tmp_path_factory.mktemp("console-e2e")) as site:
        yield site


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    with launched_chromium(chromium) as launched:
        yield launched


def _new_page(browser: Browser, console: Console) -> Page:
    context = browser.new_context(base_url=console.base_url, viewport=VIEWPORT, locale=LOCALE)
    context.set_default_timeout(10_000)
    return context.new_page()


def _sign_in(page: Page, key: str) -> None:
    page.get_by_label("Operator API key").fill(key)
    page.get_by_label("Operator API key").press("Enter")


@pytest.fixture(scope="module")
def operator_page(browser: Browser, console: Console) -> Iterator[Page]:
    """One signed-in operator tab shared by the tests that do not test signing in."""
    page = _new_page(browser, console)
    page.goto("/console/sign-in")
    _sign_in(page, console.keys["operator"])
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    yield page
    page.context.close()


def _screenshot(page: Page, name: str) -> Path:
    return save_screenshot(page, name)


def test_sign_in_then_approve_the_first_row_with_the_keyboard(browser: Browser, console: Console) -> None:
    page = _new_page(browser, console)
    page.goto("/console")
    expect(page).to_have_url(f"{console.base_url}/console/sign-in")
    _sign_in(page, console.keys["operator"])
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("link", name="Review queue").click()
    rows = page.locator("table.queue tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 1
    first = rows.first
    match_id = first.get_attribute("data-match-id")
    assert match_id is not None
    assert console.api(f"/api/v1/matches/{match_id}")["match"]["status"] == "pending"

    approve = first.get_by_role("button", name=re.compile(r"^Approve "))
    approve.focus()
    page.keyboard.press("Enter")

    flash = page.locator("#flash")
    expect(flash).to_contain_text("Approved: ")
    expect(flash).to_contain_text(f"match #{match_id}, now approved")
    expect(flash).to_be_focused()
    # The decided row stays in view with its new status until the operator moves on.
    expect(page.locator(f"#match-{match_id} .badge.status-approved")).to_be_visible()
    assert console.api(f"/api/v1/matches/{match_id}")["match"]["status"] == "approved"
    _screenshot(page, "queue.png")
    page.context.close()


def test_reject_needs_a_reason_and_records_it(operator_page: Page, console: Console) -> None:
    page = operator_page
    page.goto("/console/queue")
    row = page.locator("table.queue tbody tr").nth(1)
    match_id = row.get_attribute("data-match-id")
    reason = row.get_by_role("textbox", name="Reason to reject")
    expect(reason).to_be_hidden()  # behind "Reject…", so the row stays one line high
    row.locator("summary", has_text="Reject…").click()
    expect(reason).to_be_focused()  # opening it puts the cursor in the reason the rejection needs
    reject = row.locator(".reject-form").get_by_role("button", name="Reject")

    reject.click()  # the browser refuses an empty reason before anything is sent
    assert reason.evaluate("input => input.validity.valueMissing") is True
    expect(page.locator("#flash")).to_have_count(0)

    reason.fill("Daily rate far above the mission's budget")
    reason.press("Enter")
    expect(page.locator("#flash")).to_contain_text("Rejected: ")
    assert console.api(f"/api/v1/matches/{match_id}")["match"]["status"] == "rejected"
    history = httpx.get(
        f"{console.base_url}/api/v1/matches/{match_id}/history",
        headers={"X-API-Key": console.keys["operator"]},
        timeout=10,
    ).json()
    assert history[-1]["reason"] == "Daily rate far above the mission's budget"


def test_dashboard_draws_the_score_histogram(operator_page: Page) -> None:
    page = operator_page
    page.goto("/console")
    chart = page.locator("svg#score-histogram")
    expect(chart).to_be_visible()
    assert chart.get_attribute("role") == "img"
    assert "Histogram of" in (chart.get_attribute("aria-label") or "")
    bars = chart.locator("rect.bar")
    expect(bars).to_have_count(10)
    heights = [float(bars.nth(i).get_attribute("height") or 0) for i in range(10)]
    assert max(heights) > 0
    assert int(re.sub(r"\D", "", page.locator(".status-card-pending .stat-value").inner_text())) > 0

    _screenshot(page, "dashboard.png")

    page.keyboard.press("Tab")  # the first stop of every page is the skip link
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()


def test_mission_page_warns_when_the_budget_is_below_market(operator_page: Page, console: Console) -> None:
    page = operator_page
    page.goto(f"/console/missions/{console.budget_mission_id}")
    warning = page.locator("#budget-warning")
    expect(warning).to_contain_text("below the market range")
    candidates = page.locator("ol.candidates > li")
    expect(candidates.first).to_be_visible()
    first = candidates.first
    expect(first.locator(".factors li")).to_have_count(8)
    expect(first.get_by_text("Skill gaps")).to_be_visible()
    assert page.get_by_role("heading", name="Ranked candidates").is_visible()


def test_sign_in_refuses_unknown_keys_and_non_operators(browser: Browser, console: Console) -> None:
    page = _new_page(browser, console)
    page.goto("/console/queue")
    expect(page).to_have_url(f"{console.base_url}/console/sign-in?next=%2Fconsole%2Fqueue")
    _sign_in(page, "not-a-real-key")
    expect(page.get_by_role("alert")).to_contain_text("unknown or has been revoked")
    _sign_in(page, console.keys["company"])
    expect(page.get_by_role("alert")).to_contain_text("only operators can use the console")
    _sign_in(page, console.keys["freelancer"])
    expect(page.get_by_role("alert")).to_contain_text("only operators can use the console")
    page.goto("/console")
    expect(page).to_have_url(f"{console.base_url}/console/sign-in")
    page.context.close()
