"""The review queue as an operator sees it, in real Chromium on the scored demo data: at least eight
rows on a 1366×900 screen, each with the facts side by side (TJM against the budget, band, dates,
days, place), the two strongest reasons, and "Reject…" that opens on its reason; rows grouped by
mission from the form. French and English; screenshots under test-output/screenshots/.

Without /usr/bin/chromium these tests are skipped locally and fail in CI (CI=true).
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, expect

from service.i18n import gettext, pgettext, use_locale
from tests.e2e.accessibility import axe_violations, describe, no_horizontal_scroll
from tests.e2e.serving import ConsoleSite, save_screenshot, signed_in_operator

#: Rows whose bottom edge is inside the first screen of the page.
_ROWS_ON_SCREEN = """
() => [...document.querySelectorAll("table.queue tbody tr[data-match-id]")]
  .filter((row) => row.getBoundingClientRect().bottom <= window.innerHeight).length
"""


#: (title, text) of each fact or reason line whose text is cut by its column.
_CUT_LINES = """
() => [...document.querySelectorAll("table.queue .row-facts li, table.queue .why li")]
  .filter((line) => line.scrollWidth > line.clientWidth + 1)
  .map((line) => [line.title, line.textContent.replace(/\\s+/g, " ").trim()])
"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_eight_rows_on_one_screen_each_with_its_facts(
    browser: Browser, site: ConsoleSite, language: str
) -> None:
    page = signed_in_operator(browser, site, language)
    page.goto("/console/queue")
    rows = page.locator("table.queue tbody tr[data-match-id]")
    expect(rows.first).to_be_visible()
    save_screenshot(page, f"queue-rows-{language}-1366.png")
    on_screen = page.evaluate(_ROWS_ON_SCREEN)
    assert on_screen >= 8, f"only {on_screen} rows fit a 1366×900 screen"
    assert no_horizontal_scroll(page)
    with use_locale(language):
        names = [pgettext("queue fact", name) for name in ("TJM", "Band", "Available", "Days", "Place")]
    first = rows.first
    for name in names:
        expect(first.locator(".row-facts")).to_contain_text(name)
    expect(first.locator(".why li")).to_have_count(2)
    # Every control still fits its cell: nothing is cut at the right edge of the table.
    table_right = page.locator(".table-wrap").bounding_box()
    last = first.locator("summary.btn-reject").bounding_box()  # the row's right-most control
    assert table_right and last and last["x"] + last["width"] <= table_right["x"] + table_right["width"]
    # A fact or reason cut at its column's edge reads whole on hover.
    cut = page.evaluate(_CUT_LINES)
    assert all(title == text for title, text in cut), cut
    violations = axe_violations(page)
    assert not violations, describe(violations)
    save_screenshot(page, f"queue-rows-{language}-1366.png")

    reject = first.locator("summary.btn-reject")
    reject.click()
    expect(first.locator("input[name=reason]")).to_be_focused()
    save_screenshot(page, f"queue-reject-open-{language}-1366.png")
    page.context.close()


def test_grouped_by_mission_from_the_form(browser: Browser, site: ConsoleSite) -> None:
    page = signed_in_operator(browser, site, "fr")
    page.goto("/console/queue")
    with use_locale("fr"):
        group_label = gettext("Group by mission")
        apply_label = gettext("Apply filters")
        more_label = gettext("More filters")
    page.get_by_label(group_label).check()
    page.locator("summary", has_text=more_label).click()
    page.locator("#f-limit").select_option("100")  # the first mission's candidates may fill 20 rows
    page.get_by_role("button", name=apply_label).click()
    expect(page).to_have_url(re.compile(r"[?&]group=1"))
    headings = page.locator("table.queue tr.group-row")
    expect(headings.first).to_be_visible()
    titles = headings.all_inner_texts()
    assert len(titles) == len(set(titles)) >= 2, "one heading per mission, each once"
    save_screenshot(page, "queue-grouped-fr-1366.png")
    page.context.close()


def test_the_queue_is_worked_with_the_keyboard(browser: Browser, site: ConsoleSite) -> None:
    """j moves down, a approves, p approves and proposes, r rejects with the cursor in the reason; each
    decided row stays in view with its new status, the next key acting from it."""
    page = signed_in_operator(browser, site, "en")
    page.goto("/console/queue")
    rows = page.locator("table.queue tbody tr[data-match-id]")
    ids = [int(rows.nth(i).get_attribute("data-match-id") or 0) for i in range(3)]
    page.locator("h1").click()  # focus on the page, not in a field
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("a")
    page.wait_for_url(re.compile(rf"kept={ids[0]}$"))
    first = page.locator(f"#match-{ids[0]}")
    expect(first.locator(".badge.status-approved")).to_be_visible()  # still in view, now approved
    expect(first).to_have_class(re.compile(r"\bcurrent\b"))
    assert site.api(f"/api/v1/matches/{ids[0]}")["match"]["status"] == "approved"

    page.keyboard.press("j")
    expect(page.locator(f"#match-{ids[1]}")).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("p")
    page.wait_for_url(re.compile(rf"kept={ids[0]}%2C{ids[1]}$"))
    assert site.api(f"/api/v1/matches/{ids[1]}")["match"]["status"] == "proposed"

    page.keyboard.press("j")
    third = page.locator(f"#match-{ids[2]}")
    expect(third).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("r")
    reason = third.locator("input[name=reason]")
    expect(reason).to_be_focused()
    page.keyboard.type("Budget too low for this seniority")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"{ids[2]}$"))
    assert site.api(f"/api/v1/matches/{ids[2]}")["match"]["status"] == "rejected"
    for match_id, status in zip(ids, ("approved", "proposed", "rejected"), strict=True):
        expect(page.locator(f"#match-{match_id} .badge.status-{status}")).to_be_visible()
    page.keyboard.press("?")
    expect(page.locator("#queue-shortcuts")).to_have_attribute("open", "")
    save_screenshot(page, "queue-keyboard-en-1366.png")
    page.context.close()


def test_a_decision_on_behalf_is_labelled_confirmed_and_recorded(browser: Browser, site: ConsoleSite) -> None:
    match = site.api("/api/v1/review-queue?limit=1&offset=30")["items"][0]["match"]
    for action, version in (("approve", match["version"]), ("propose", match["version"] + 1)):
        done = httpx.post(
            f"{site.base_url}/api/v1/matches/{match['id']}/decisions",
            json={"action": action, "version": version},
            headers={"X-API-Key": site.keys["operator"]},
            timeout=10,
        )
        assert done.status_code == 200, done.text
    page = signed_in_operator(browser, site, "fr")
    page.goto(f"/console/matches/{match['id']}")
    with use_locale("fr"):
        label = gettext("Accept on behalf of %(side)s") % {"side": match["company_name"]}
    opener = page.locator("summary", has_text=label)
    expect(opener).to_be_visible()
    opener.click()
    form = page.locator(".behalf-details[open] .behalf-form")
    form.get_by_label("Motif (obligatoire)").fill("Appel de leur DRH ce matin")
    form.get_by_role("button", name=label).click()  # refused by the browser: the box is not ticked
    assert site.api(f"/api/v1/matches/{match['id']}")["match"]["status"] == "proposed"
    form.get_by_role("checkbox").check()
    save_screenshot(page, "console-on-behalf-open-fr.png")
    form.get_by_role("button", name=label).click()
    expect(page.locator("#flash")).to_contain_text("Accepté au nom de l'entreprise")
    assert site.api(f"/api/v1/matches/{match['id']}")["match"]["status"] == "accepted"
    page.goto(f"/console/matches/{match['id']}")
    expect(page.locator(".behalf").last).to_contain_text(f"au nom de {match['company_name']}")
    save_screenshot(page, "console-on-behalf-history-fr.png")
    page.context.close()


def test_ticked_rows_are_decided_together_with_one_reason(browser: Browser, site: ConsoleSite) -> None:
    """x ticks the current row, the page's box ticks them all; one reason rejects the ticked rows,
    each recorded as itself, and they stay in view with their new status."""
    mission_id = site.api("/api/v1/review-queue?limit=1&offset=50")["items"][0]["match"]["mission_id"]
    page = signed_in_operator(browser, site, "fr")
    page.goto(f"/console/queue?mission_id={mission_id}")
    rows = page.locator("table.queue tbody tr[data-match-id]")
    assert rows.count() >= 3, "the mission has three pending candidates"
    count = page.locator("#bulk-count")
    expect(count).to_have_text("0 ligne cochée")
    select_all = page.get_by_label("Toute la page")
    select_all.check()
    expect(count).to_have_text(f"{rows.count()} lignes cochées")
    select_all.uncheck()
    expect(count).to_have_text("0 ligne cochée")

    ids = [int(rows.nth(i).get_attribute("data-match-id") or 0) for i in range(3)]
    page.locator("h1").click()
    for _ in ids:
        page.keyboard.press("j")
        page.keyboard.press("x")
    expect(count).to_have_text("3 lignes cochées")
    expect(select_all).to_have_js_property("indeterminate", rows.count() > 3)
    page.get_by_label("Motif pour les lignes cochées").fill("Budget trop serré pour ce client")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    save_screenshot(page, "queue-bulk-ticked-fr-1366.png")
    page.get_by_role("button", name="Rejeter les lignes cochées").click()
    page.wait_for_url(re.compile(r"kept="))
    expect(page.locator("#flash")).to_contain_text("3 matchs rejetés.")
    for match_id in ids:
        expect(page.locator(f"#match-{match_id} .badge.status-rejected")).to_be_visible()
        history = site.api(f"/api/v1/matches/{match_id}/history")
        assert [(h["to_status"], h["reason"]) for h in history] == [
            ("rejected", "Budget trop serré pour ce client")
        ]
    assert no_horizontal_scroll(page)
    save_screenshot(page, "queue-bulk-done-fr-1366.png")
    page.context.close()
