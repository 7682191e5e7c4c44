"""The people pages as an operator uses them, in real Chromium on the scored demo data (which holds one
freelancer registered twice): from the queue's "possible duplicate" badge to the freelancer's page,
the duplicate named with why, a merge refused until it is confirmed, then done with its reason and
seen in the history; the company page of one of the freelancer's missions. English, then French;
screenshots under test-output/screenshots/.

Without /usr/bin/chromium these tests are skipped locally and fail in CI (CI=true).
"""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Browser, Page, expect

from service.i18n import gettext, use_locale
from tests.e2e.accessibility import axe_violations, describe, no_horizontal_scroll
from tests.e2e.serving import ConsoleSite, save_screenshot, signed_in_operator

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _flagged_row(site: ConsoleSite) -> dict[str, Any]:
    """A pending match of a freelancer with a possible duplicate (the demo's second registration)."""
    profiles = site.api("/api/v1/freelancers?limit=100&sort=full_name")["items"]
    flagged = [p["id"] for p in profiles if site.api(f"/api/v1/freelancers/{p['id']}/duplicates")["items"]]
    assert flagged, "the demo data should hold one person registered twice"
    for profile_id in flagged:
        matches = site.api(f"/api/v1/freelancers/{profile_id}/matches?limit=50")["items"]
        pending = [m for m in matches if m["status"] == "pending" and not m["excluded"]]
        if pending:
            queue = site.api(f"/api/v1/review-queue?mission_id={pending[0]['mission_id']}&limit=100")["items"]
            row: dict[str, Any] = next(item for item in queue if item["match"]["id"] == pending[0]["id"])
            assert row["possible_duplicate"] is True
            return row
    raise AssertionError("the freelancer registered twice should have a match to review")


def _decide(site: ConsoleSite, match_id: int, action: str, version: int, reason: str) -> int:
    """An operator's decision through the API (an answer for the company needs its reason)."""
    done = httpx.post(
        f"{site.base_url}/api/v1/matches/{match_id}/decisions",
        json={"action": action, "version": version, "reason": reason},
        headers={"X-API-Key": site.keys["operator"]},
        timeout=10,
    )
    assert done.status_code == 200, done.text
    new_version: int = done.json()["version"]
    return new_version


def _check_page(page: Page, what: str) -> None:
    assert no_horizontal_scroll(page), f"{what} scrolls sideways"
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_a_duplicate_is_opened_from_the_queue_merged_and_seen_in_the_history(
    browser: Browser, site: ConsoleSite
) -> None:
    row = _flagged_row(site)
    match, profile_id = row["match"], row["match"]["freelancer_id"]
    others = site.api(f"/api/v1/freelancers/{profile_id}/duplicates")["items"]
    assert len(others) == 1 and set(others[0]["rules"]) == {"phone", "linkedin", "name_headline"}
    other = others[0]

    # English first: the page before the merge.
    page = signed_in_operator(browser, site, "en")
    page.goto(f"/console/freelancers/{profile_id}")
    expect(page.locator("#duplicates")).to_contain_text("Possible duplicates")
    expect(page.locator(f"#duplicate-{other['profile_id']}")).to_contain_text("same phone")
    save_screenshot(page, "people-freelancer-en-1366.png")
    _check_page(page, "the freelancer page in English")
    page.context.close()

    page = signed_in_operator(browser, site, "fr")
    page.goto(f"/console/queue?mission_id={match['mission_id']}")
    queue_row = page.locator(f"#match-{match['id']}")
    badge = queue_row.locator("a.badge-duplicate")
    expect(badge).to_contain_text("Doublon possible")
    cell, box = queue_row.locator(".who-cell").bounding_box(), badge.bounding_box()
    assert cell and box and box["x"] + box["width"] <= cell["x"] + cell["width"], "the badge is cut off"
    save_screenshot(page, "queue-duplicate-flag-fr-1366.png")
    queue_row.get_by_role("link", name=match["freelancer_name"]).click()
    page.wait_for_url(f"**/console/freelancers/{profile_id}")
    duplicate = page.locator(f"#duplicate-{other['profile_id']}")
    expect(duplicate).to_contain_text(other["full_name"])
    for rule in ("même téléphone", "même LinkedIn", "nom et titre presque identiques"):
        expect(duplicate).to_contain_text(rule)
    expect(page.get_by_role("heading", name="Historique des décisions")).to_be_visible()
    expect(page.locator("main")).to_contain_text("TJM face au marché")
    save_screenshot(page, "people-freelancer-fr-1366.png")
    _check_page(page, "the freelancer page")
    page.set_viewport_size(PHONE)
    save_screenshot(page, "people-freelancer-fr-390.png")
    assert no_horizontal_scroll(page), "the freelancer page scrolls sideways at 390 px"
    page.set_viewport_size(WIDE)

    duplicate.locator("summary", has_text="Fusionner…").click()
    form = duplicate.locator("form.merge-form").first
    # The first registration (the lower id) is kept, whichever of the two pages the queue led to.
    kept, merged_id = sorted((profile_id, other["profile_id"]))
    form.locator(f"input[name=kept][value='{kept}']").check()
    form.get_by_label("Motif (obligatoire)").fill("Inscrite deux fois, même téléphone")
    form.get_by_role("button", name="Fusionner les profils").click()  # refused: the box is not ticked
    assert site.api(f"/api/v1/freelancers/{merged_id}")["active"] is True
    form.get_by_label("Je confirme que ces deux profils sont une seule personne").check()
    form.get_by_role("button", name="Fusionner les profils").click()
    page.wait_for_url(f"**/console/freelancers/{kept}")
    with use_locale("fr"):
        done = gettext(
            "Profile n° %(duplicate)s was merged into n° %(kept)s: it left matching, its matches and "
            "decisions are kept and shown here.",
            duplicate=merged_id,
            kept=kept,
        )
    expect(page.locator("#flash")).to_contain_text(done)
    history = page.locator("#profile-history")
    expect(history).to_contain_text("Fusionné")
    expect(history).to_contain_text("Inscrite deux fois, même téléphone")
    expect(page.locator("#duplicates")).to_have_count(0)
    expect(page.locator(".merged-from").first).to_contain_text(f"du profil fusionné n° {merged_id}")
    assert site.api(f"/api/v1/freelancers/{merged_id}")["active"] is False
    assert site.api(f"/api/v1/freelancers/{kept}/duplicates")["items"] == []
    save_screenshot(page, "people-merged-fr-1366.png")
    _check_page(page, "the freelancer page after the merge")

    # Two candidates of the queue row's mission proposed, one accepted, one declined (for the company).
    candidates = site.api(f"/api/v1/review-queue?mission_id={match['mission_id']}&limit=5")["items"]
    accepted, declined = (item["match"]["id"] for item in candidates[1:3])
    for match_id, answer, reason in (
        (accepted, "accept", "Entretien concluant"),
        (declined, "decline", "Trop cher"),
    ):
        version = site.api(f"/api/v1/matches/{match_id}")["version"]
        for action in ("approve", "propose", answer):
            version = _decide(site, match_id, action, version, reason)
    page.goto(f"/console/missions/{match['mission_id']}")
    page.get_by_role("link", name=match["company_name"]).first.click()
    page.wait_for_url("**/console/companies/*")
    expect(page.locator("h1")).to_have_text(match["company_name"])
    mission = page.locator(f"#mission-{match['mission_id']}")
    expect(mission).to_contain_text("2 propositions")
    expect(mission).to_contain_text("1 acceptée")
    expect(mission.locator("tr", has_text="Entretien concluant")).to_contain_text("Acceptée le")
    expect(mission.locator("tr", has_text="Trop cher")).to_contain_text("Refusée le")
    save_screenshot(page, "people-company-fr-1366.png")
    _check_page(page, "the company page")
    page.set_viewport_size(PHONE)
    assert no_horizontal_scroll(page), "the company page scrolls sideways at 390 px"
    page.context.close()
