"""The deal-breaker gates as an operator reads them, in real Chromium on the scored demo data: a match
whose total a gate scaled says which gate and by how much, in French and in English. Screenshots under
test-output/screenshots/.

Without /usr/bin/chromium these tests are skipped locally and fail in CI (CI=true).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.accessibility import no_horizontal_scroll
from tests.e2e.serving import ConsoleSite, save_screenshot, signed_in_operator

#: The opening words of the rate gate's sentence for the operator (service/explanations/gates.py).
RATE_GATE = {"fr": "seuil de TJM", "en": "rate gate"}


def _gated_match(site: ConsoleSite) -> dict[str, Any]:
    """A stored demo match with a rate gate (the demo has budgets that some rates overshoot)."""
    missions = site.api("/api/v1/missions?limit=100&status=open")["items"]
    for mission in missions:
        matches: list[dict[str, Any]] = site.api(f"/api/v1/missions/{mission['id']}/matches?limit=100")[
            "items"
        ]
        for match in matches:
            for reason in match["reason_codes"]:
                if reason["code"].startswith("gate_rate"):
                    return match
    pytest.fail("no demo match is scaled by the rate gate")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_gated_match_names_its_gate_and_multiplier(
    browser: Browser, site: ConsoleSite, language: str
) -> None:
    match = _gated_match(site)
    page = signed_in_operator(browser, site, language)
    page.goto(f"/console/matches/{match['id']}")
    sentence = page.locator("li", has_text=RATE_GATE[language])
    expect(sentence.first).to_be_visible()
    expect(sentence.first).to_contain_text("×")
    assert no_horizontal_scroll(page)
    save_screenshot(page, f"console-match-gate-{language}-1366.png")
