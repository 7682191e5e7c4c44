"""Following a job in the console, in a real browser, in French and in English: the rate grid's save
links to its rescore job, the dashboard lists the jobs running or queued, and the job page's figures
and bar move on by themselves while the test plays the worker (plan, then chunks done in the database
through the job service) with the page open. Screenshots go to test-output/screenshots/.

Chromium, demo data and server as in tests/e2e/test_console.py (skipped without Chromium, except in CI).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, Page, expect

from service.db import Database
from service.scoring import jobs
from service.settings import Settings
from tests.conftest import make_settings
from tests.e2e.serving import (
    ConsoleSite,
    launched_chromium,
    require_chromium,
    save_screenshot,
    served_console,
)

#: Demo missions per chunk here: the 26 demo missions make 6 chunks.
CHUNK_MISSIONS = 5
CHUNKS = 6
T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class JobsSite:
    site: ConsoleSite
    settings: Settings


@pytest.fixture(scope="module")
def chromium() -> Path:
    return require_chromium()


@pytest.fixture(scope="module")
def served(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[JobsSite]:
    data_dir = tmp_path_factory.mktemp("console-jobs")
    with served_console(data_dir) as site:
        # The served app's own database (tests/e2e/serving.py), written to as a worker would.
        settings = make_settings(f"sqlite+aiosqlite:///{data_dir / 'console.db'}", data_dir)
        yield JobsSite(site, dataclasses.replace(settings, rescore_chunk_missions=CHUNK_MISSIONS))


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    with launched_chromium(chromium) as launched:
        yield launched


def _signed_in(browser: Browser, served: JobsSite, locale: str, key_label: str) -> Page:
    context = browser.new_context(
        base_url=served.site.base_url, viewport={"width": 1280, "height": 900}, locale=locale
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/console/sign-in")
    page.get_by_label(key_label).fill(served.site.keys["operator"])
    page.get_by_label(key_label).press("Enter")
    expect(page).to_have_url(f"{served.site.base_url}/console")
    return page


def _in_thread(work: Coroutine[Any, Any, T]) -> T:
    """Playwright's sync API keeps an event loop in this thread: the database work runs in another."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


async def _plan(settings: Settings, job_id: str) -> list[jobs.ChunkToSend]:
    database = Database(settings)
    try:
        async with database.session() as session:
            return await jobs.plan_rescore(session, settings, job_id)
    finally:
        await database.dispose()


async def _finish(settings: Settings, chunks: list[jobs.ChunkToSend]) -> None:
    database = Database(settings)
    try:
        for chunk in chunks:
            async with database.session() as session:
                run = await jobs.score_job_chunk(
                    session, settings, chunk.job_id, chunk.chunk_index, chunk.mission_ids
                )
            assert run.status == "counted"
    finally:
        await database.dispose()


def _job_id(page: Page) -> str:
    found = re.search(r"/console/jobs/([0-9a-f-]{36})$", page.url)
    assert found, page.url
    return found.group(1)


def _bar(page: Page) -> tuple[str | None, str | None]:
    bar = page.locator("#job-progress")
    return bar.get_attribute("max"), bar.evaluate("b => b.hasAttribute('value') ? String(b.value) : null")


def test_in_french_the_dashboard_links_a_queued_job_whose_page_moves_on_by_itself(
    browser: Browser, served: JobsSite
) -> None:
    page = _signed_in(browser, served, "fr-FR", "Clé d'API d'opérateur")
    jobs_section = page.get_by_role("region", name="Tâches de fond")
    expect(jobs_section).to_contain_text("Aucune tâche en cours ni en file d'attente.")

    response = page.request.post(
        f"{served.site.base_url}/api/v1/rescore", headers={"X-API-Key": served.site.keys["operator"]}
    )
    assert response.status == 202
    job_id = response.json()["id"]
    page.reload()
    link = jobs_section.get_by_role("link", name=re.compile("Recalcul complet"))
    expect(link).to_have_count(1)
    expect(jobs_section).to_contain_text("En file d'attente")
    link.click()
    expect(page).to_have_url(f"{served.site.base_url}/console/jobs/{job_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tâche : Recalcul complet")
    expect(page.locator("[data-job-field=state_label]")).to_have_text("En file d'attente")
    expect(page.locator("[data-job-field=chunks_text]")).to_have_text("pas encore planifiés")

    chunks = _in_thread(_plan(served.settings, job_id))
    assert len(chunks) == CHUNKS
    _in_thread(_finish(served.settings, chunks[:3]))
    expect(page.locator("[data-job-field=state_label]")).to_have_text("En cours")
    expect(page.locator("[data-job-field=chunks_text]")).to_have_text("3 sur 6 lots terminés")
    expect(page.locator("[data-job-field=time_left_text]")).to_have_text(re.compile(r"^environ \d+"))
    expect(page.locator("[data-job-field=percent_text]")).to_have_text(re.compile(r"^50\s?%$"))
    assert _bar(page) == ("6", "3")
    save_screenshot(page, "console-job-running-fr.png")

    _in_thread(_finish(served.settings, chunks[3:]))
    expect(page.locator("[data-job-field=state_label]")).to_have_text("Terminée")
    expect(page.locator("[data-job-field=chunks_text]")).to_have_text("6 sur 6 lots terminés")
    expect(page.locator("[data-job-field=time_left_text]")).to_have_text("aucun : la tâche est terminée")
    expect(page.locator(".job-refresh")).to_be_hidden()
    assert _bar(page) == ("6", "6")
    save_screenshot(page, "console-job-done-fr.png")

    page.goto("/console")
    expect(jobs_section).to_contain_text("Aucune tâche en cours ni en file d'attente.")
    page.context.close()


def test_in_english_the_grid_save_links_to_its_job_page_which_follows_the_rescore(
    browser: Browser, served: JobsSite
) -> None:
    page = _signed_in(browser, served, "en-GB", "Operator API key")
    page.goto("/console/rate-grid")
    row = page.locator("#band-y5_10")
    row.locator("summary").click()
    low = row.get_by_label("Low (€)")
    low.fill(str(int(low.input_value()) + 5))
    row.get_by_role("button", name="Save and rescore").click()
    expect(page.locator("#flash")).to_contain_text("Every match is being rescored")
    follow = page.get_by_role("link", name="Follow the rescore on its job page")
    expect(follow).to_be_visible()
    save_screenshot(page, "console-rate-grid-job-link-en.png")
    follow.click()
    job_id = _job_id(page)
    expect(page.locator("[data-job-field=state_label]")).to_have_text("Queued")
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()

    chunks = _in_thread(_plan(served.settings, job_id))
    assert len(chunks) == CHUNKS
    _in_thread(_finish(served.settings, chunks[:2]))
    expect(page.locator("[data-job-field=chunks_text]")).to_have_text("2 of 6 chunks done")
    expect(page.locator("[data-job-field=state_label]")).to_have_text("Running")
    expect(page.locator("[data-job-field=time_left_text]")).to_have_text(
        re.compile(r"^about \d+ s|^about \d+ min")
    )
    assert _bar(page) == ("6", "2")
    pairs = page.locator("[data-job-field=pairs_text]").inner_text()
    assert re.fullmatch(r"[\d,]+", pairs) and int(pairs.replace(",", "")) > 0
    save_screenshot(page, "console-job-running-en.png")

    _in_thread(_finish(served.settings, chunks[2:]))
    expect(page.locator("[data-job-field=state_label]")).to_have_text("Done")
    expect(page.locator("[data-job-field=time_left_text]")).to_have_text("none: the job is done")
    expect(page.locator("[data-job-field=percent_text]")).to_have_text("100%")
    assert _bar(page) == ("6", "6")
    save_screenshot(page, "console-job-done-en.png")
    page.context.close()


def test_without_script_the_job_page_is_a_plain_page_with_a_refresh_link(
    browser: Browser, served: JobsSite
) -> None:
    context = browser.new_context(base_url=served.site.base_url, java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/console/sign-in")
    page.get_by_label("Operator API key").fill(served.site.keys["operator"])
    page.get_by_label("Operator API key").press("Enter")
    expect(page).to_have_url(f"{served.site.base_url}/console")
    response = page.request.post(
        f"{served.site.base_url}/api/v1/rescore", headers={"X-API-Key": served.site.keys["operator"]}
    )
    job_id = response.json()["id"]
    chunks = _in_thread(_plan(served.settings, job_id))
    page.goto(f"/console/jobs/{job_id}")
    expect(page.locator("[data-job-field=chunks_text]")).to_have_text("0 of 6 chunks done")
    _in_thread(_finish(served.settings, chunks[:1]))
    page.get_by_role("link", name="Refresh").click()
    expect(page.locator("[data-job-field=chunks_text]")).to_have_text("1 of 6 chunks done")
    _in_thread(_finish(served.settings, chunks[1:]))
    context.close()
