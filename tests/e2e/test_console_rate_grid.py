"""The rate grid with care, in real Chromium on the scored demo data: a bad value comes back with the
values typed and the problem in words beside its field; good values previewed show the missions whose
budget warning would appear and how many matches would move; "Enregistrer" saves and the history
shows the revision. French and English, 1366 px and a 390 px phone; screenshots under
test-output/screenshots/ (grid-*.png).

Without /usr/bin/chromium these tests are skipped locally and fail in CI (CI=true).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from service.i18n import gettext, use_locale
from tests.e2e.accessibility import axe_violations, describe, no_horizontal_scroll
from tests.e2e.serving import ConsoleSite, save_screenshot, signed_in_operator


@dataclass(frozen=True)
class Target:
    """A band with an open mission whose budget warning a higher low end would make appear."""

    band: str
    low: int
    high: int
    new_low: int
    new_high: int
    mission_title: str


def _target(site: ConsoleSite) -> Target:
    bands = {b["id"]: b for b in site.api("/api/v1/rate-grid")["bands"]}
    missions = site.api("/api/v1/missions?status=open&limit=200")["items"]
    for mission in sorted(missions, key=lambda m: (m["seniority"], m["id"])):
        band = bands[mission["seniority"]]
        if mission["tjm_max"] >= band["tjm_low"] and mission["tjm_max"] + 10 <= 4000:
            new_low = mission["tjm_max"] + 10
            new_high = max(band["tjm_high"], new_low + 40)
            if band["tjm_ceiling"] is not None and band["tjm_ceiling"] < new_high:
                continue
            return Target(band["id"], band["tjm_low"], band["tjm_high"], new_low, new_high, mission["title"])
    raise AssertionError("the demo data should hold an open mission within its band's market")


def _texts(language: str, *messages: str) -> list[str]:
    with use_locale(language):
        return [gettext(m) for m in messages]


def _open_band_form(page: Page, band: str, language: str) -> None:
    page.goto("/console/rate-grid")
    (edit,) = _texts(language, "Edit")
    page.locator(f"#band-{band} summary", has_text=edit).click()
    expect(page.locator(f"#low-{band}")).to_be_visible()


def _preview(page: Page, target: Target, language: str) -> None:
    _open_band_form(page, target.band, language)
    page.locator(f"#low-{target.band}").fill(str(target.new_low))
    page.locator(f"#high-{target.band}").fill(str(target.new_high))
    (preview,) = _texts(language, "Preview")
    page.locator(f"#band-{target.band}").get_by_role("button", name=preview).click()
    expect(page.locator("#grid-preview")).to_be_visible()
    expect(page.locator("#edit-tjm_low")).to_have_value(str(target.new_low))
    expect(page.locator("#warnings-appearing")).to_contain_text(target.mission_title)
    expect(page.locator("#preview-moves")).to_contain_text(re.compile(r"\d"))


def test_a_bad_value_is_refused_in_words_with_the_values_kept(browser: Browser, site: ConsoleSite) -> None:
    target = _target(site)
    revisions = site.api("/api/v1/rate-grid/revisions?limit=1")["total"]
    page = signed_in_operator(browser, site, "fr")
    _open_band_form(page, target.band, "fr")
    bad_low = target.high + 50
    page.locator(f"#low-{target.band}").fill(str(bad_low))
    page.locator(f"#note-{target.band}").fill("Relevé de décembre")
    (save,) = _texts("fr", "Save and rescore")
    page.locator(f"#band-{target.band}").get_by_role("button", name=save).click()
    editor = page.locator("#band-editor")
    expect(editor).to_be_visible()
    expect(page.locator("#edit-tjm_low")).to_have_value(str(bad_low))
    expect(page.locator("#edit-tjm_high")).to_have_value(str(target.high))
    expect(page.locator("#edit-note")).to_have_value("Relevé de décembre")
    error = page.locator("#edit-tjm_low-error")
    expect(error).to_contain_text("Le bas de la fourchette")
    expect(error).to_contain_text("est supérieur au haut")
    assert "tjm_low" not in editor.inner_text() and "body." not in editor.inner_text()
    expect(page.locator("#edit-tjm_low")).to_have_attribute("aria-invalid", "true")
    assert no_horizontal_scroll(page)
    violations = axe_violations(page)
    assert not violations, describe(violations)
    save_screenshot(page, "grid-error-fr-1366.png")
    assert site.api("/api/v1/rate-grid/revisions?limit=1")["total"] == revisions, "nothing was saved"
    page.context.close()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_preview_shows_the_warnings_that_would_appear(
    browser: Browser, site: ConsoleSite, language: str
) -> None:
    target = _target(site)
    revisions = site.api("/api/v1/rate-grid/revisions?limit=1")["total"]
    page = signed_in_operator(browser, site, language)
    _preview(page, target, language)
    assert no_horizontal_scroll(page)
    violations = axe_violations(page)
    assert not violations, describe(violations)
    save_screenshot(page, f"grid-preview-{language}-1366.png")
    assert site.api("/api/v1/rate-grid/revisions?limit=1")["total"] == revisions, "a preview saves nothing"
    band = next(b for b in site.api("/api/v1/rate-grid")["bands"] if b["id"] == target.band)
    assert band["tjm_low"] == target.low
    page.context.close()


def test_the_preview_fits_a_phone(browser: Browser, site: ConsoleSite) -> None:
    target = _target(site)
    page = signed_in_operator(browser, site, "fr", width=390)
    _preview(page, target, "fr")
    assert no_horizontal_scroll(page)
    save_screenshot(page, "grid-preview-fr-390.png")
    page.context.close()


def test_saving_after_the_preview_shows_in_the_history(browser: Browser, site: ConsoleSite) -> None:
    target = _target(site)
    page = signed_in_operator(browser, site, "fr")
    _preview(page, target, "fr")
    (save,) = _texts("fr", "Save")
    page.locator("#band-editor").get_by_role("button", name=save, exact=True).click()
    page.wait_for_url(re.compile(r"/console/rate-grid(\?job=.*)?$"))
    expect(page.locator("#flash")).to_contain_text(str(target.new_low))
    page.locator("#grid-history-link").click()
    page.wait_for_url("**/console/rate-grid/history")
    newest = page.locator("table.grid-history tbody tr").first
    email = site.api("/api/v1/me")["email"]
    expect(newest).to_contain_text(email)
    expect(newest).to_contain_text(re.compile(rf"{target.low}\W*€.*→.*{target.new_low}\W*€", re.S))
    expect(page.locator("table.grid-history")).to_contain_text("chargement initial")
    revision = site.api("/api/v1/rate-grid/revisions?limit=1")["items"][0]
    assert (revision["band_id"], revision["after"]["tjm_low"]) == (target.band, target.new_low)
    assert no_horizontal_scroll(page)
    violations = axe_violations(page)
    assert not violations, describe(violations)
    save_screenshot(page, "grid-history-fr-1366.png")
    page.context.close()
