"""Every console page fits a phone (390 px) and a small laptop (1024 px), in French and in English: no
horizontal scrolling of the page, and every Reject button fully visible (at 1024 px the review
queue used to cut it off). A full-page screenshot of each page, width and language goes to
test-output/screenshots/layout-<page>-<width>-<language>.png.

Chromium, demo data and server as in tests/e2e/test_console.py (skipped without Chromium, except in CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.serving import (
    ConsoleSite,
    launched_chromium,
    require_chromium,
    save_screenshot,
    served_console,
)

WIDTHS = (390, 1024)
LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}
KEY_LABEL = {"fr": "Clé d'API d'opérateur", "en": "Operator API key"}

#: Rects of every Reject control a reader can see (the queue's "Reject…" opener, or the button of an
#: open form), and of each ancestor that clips its overflow (a scrolling table frame).
_REJECT_BOXES = """
() => [...document.querySelectorAll("button.btn-reject, summary.btn-reject")]
  .filter((button) => button.checkVisibility()).map((button) => {
  const box = button.getBoundingClientRect();
  const clips = [];
  for (let node = button.parentElement; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.overflowX !== "visible") {
      const frame = node.getBoundingClientRect();
      clips.push({ left: frame.left, right: frame.right });
    }
  }
  return { left: box.left, right: box.right, width: box.width, clips };
})
"""


@pytest.fixture(scope="module")
def chromium() -> Path:
    return require_chromium()


@pytest.fixture(scope="module")
def site(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleSite]:
    with served_console(tmp_path_factory.mktemp("console-layout")) as served_site:
        yield served_site


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    with launched_chromium(chromium) as launched:
        yield launched


def _pages(site: ConsoleSite) -> dict[str, str]:
    """Every kind of console page, with real content: a mission with candidates, one of its matches."""
    queue = site.api("/api/v1/review-queue?limit=1")["items"]
    assert queue, "the demo data should leave matches to review"
    match_id = queue[0]["match"]["id"]
    mission_id = queue[0]["match"]["mission_id"]
    return {
        "dashboard": "/console",
        "queue": "/console/queue",
        "flagged": "/console/queue?flagged=1&status=approved",
        "missions": "/console/missions?status=all",
        "mission": f"/console/missions/{mission_id}",
        "budget-mission": f"/console/missions/{site.budget_mission_id}",
        "match": f"/console/matches/{match_id}",
        "freelancer": f"/console/freelancers/{queue[0]['match']['freelancer_id']}",
        "company": f"/console/companies/{site.api(f'/api/v1/missions/{mission_id}')['company_id']}",
        "rate-grid": "/console/rate-grid",
        "rate-grid-history": "/console/rate-grid/history",
        "not-found": "/console/missions/999999",
    }


def _assert_fits(page: Page, what: str) -> int:
    """No horizontal scroll, and each Reject button inside the viewport and any clipping frame."""
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{what}: the page scrolls sideways ({scroll_width} > {inner_width})"
    boxes: list[dict[str, Any]] = page.evaluate(_REJECT_BOXES)
    for index, box in enumerate(boxes):
        where = f"{what}: Reject button {index + 1} at {box['left']:.0f}–{box['right']:.0f}"
        assert box["width"] > 0, f"{where} is not displayed"
        inside = box["left"] >= 0 and box["right"] <= inner_width
        assert inside, f"{where} leaves the {inner_width} px viewport"
        for clip in box["clips"]:
            assert clip["left"] <= box["left"] and box["right"] <= clip["right"] + 0.5, (
                f"{where} is cut off by its frame ({clip['left']:.0f}–{clip['right']:.0f})"
            )
    return len(boxes)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_console_page_fits_the_screen(
    browser: Browser, site: ConsoleSite, language: str, width: int
) -> None:
    context = browser.new_context(
        base_url=site.base_url, viewport={"width": width, "height": 900}, locale=LANGUAGES[language]
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/console/sign-in")
        assert page.locator("html").get_attribute("lang") == language
        save_screenshot(page, f"layout-sign-in-{width}-{language}.png")
        _assert_fits(page, f"sign-in at {width} px ({language})")
        page.get_by_label(KEY_LABEL[language]).fill(site.keys["operator"])
        page.get_by_label(KEY_LABEL[language]).press("Enter")
        expect(page).to_have_url(f"{site.base_url}/console")

        rejects: dict[str, int] = {}
        for name, path in _pages(site).items():
            page.goto(path)
            expect(page.locator("main h1").first).to_be_visible()
            save_screenshot(page, f"layout-{name}-{width}-{language}.png")  # first: shows a failure too
            rejects[name] = _assert_fits(page, f"{name} at {width} px ({language})")
        rows = page.goto("/console/queue")
        assert rows is not None and rows.ok
        row_count = page.locator("table.queue tbody tr").count()
        # Each pending row has its Reject button, and the bulk form its one for the ticked rows.
        assert row_count > 0 and rejects["queue"] == row_count + 1, "every pending row has its Reject button"
        assert rejects["mission"] > 0 and rejects["match"] == 1
    finally:
        context.close()
