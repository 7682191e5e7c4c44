"""The API docs, `/docs` (Scalar) and `/docs/swagger` (Swagger UI), in a real browser cut off from the
internet: Debian's headless Chromium, driven by Playwright, against the real app served by uvicorn on
127.0.0.1. Every request to another host is aborted and recorded; none may be attempted, the pages
must still show the operations, and trying a request from the page must reach the app directly (no
outside proxy). Screenshots go to test-output/screenshots/.

Without /usr/bin/chromium these tests are skipped locally and fail in CI (CI=true).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, ViewportSize, expect

from service import migrations
from service.app import create_app
from service.db import Database
from service.fixtures_loader import load_reference_data
from service.settings import Settings
from tests.conftest import make_settings
from tests.e2e.serving import launched_chromium, require_chromium, served
from tests.work_queue import RecordingWorkQueue

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
VIEWPORT: ViewportSize = {"width": 1440, "height": 900}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class OfflinePage:
    """A browser tab whose requests to any host but the loopback are aborted, and what it tried."""

    page: Page
    outside_requests: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    def settle(self) -> None:
        """Let late fetches (fonts, telemetry...) be attempted before the lists are read."""
        self.page.wait_for_load_state("networkidle")


async def _migrate_with_reference_data(settings: Settings) -> None:
    """The "try it" requests read the taxonomy, so the database holds the reference data."""
    database = Database(settings)
    try:
        await migrations.upgrade(database.engine)
        async with database.session() as session:
            await load_reference_data(session)
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def chromium() -> Path:
    return require_chromium()


@pytest.fixture(scope="module")
def base_url(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app on a free port of 127.0.0.1, in a background thread, for the whole module."""
    data_dir = tmp_path_factory.mktemp("api-docs-e2e")
    settings = make_settings(f"sqlite+aiosqlite:///{data_dir / 'docs.db'}", data_dir)
    # A thread of its own: Playwright's sync API keeps an event loop running in the main thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _migrate_with_reference_data(settings)).result()
    app = create_app(settings, work_queue=RecordingWorkQueue(settings))
    with served(app, "app") as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    with launched_chromium(chromium) as launched:
        yield launched


@pytest.fixture
def offline(browser: Browser, base_url: str) -> Iterator[OfflinePage]:
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT)
    context.set_default_timeout(15_000)
    tab = OfflinePage(context.new_page())

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK_HOSTS:
            route.continue_()
        else:
            tab.outside_requests.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_loopback)
    tab.page.on("pageerror", lambda error: tab.script_errors.append(str(error)))
    yield tab
    context.close()


def _screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


def test_scalar_reference_shows_the_operations_and_tries_them_with_no_outside_request(
    offline: OfflinePage,
) -> None:
    page = offline.page
    page.goto("/docs")
    page.get_by_role("button", name="missions").first.click()  # the sidebar's group of the tag
    page.get_by_role("link", name="Post a mission").click()
    post_mission = page.locator("section").filter(
        has=page.get_by_role("heading", name="Post a mission", exact=True)
    )
    expect(post_mission).to_be_visible()
    expect(post_mission).to_contain_text("/api/v1/missions")
    offline.settle()
    _screenshot(page, "api-docs-scalar.png")

    # Scalar's API client sends to the app itself: no request proxy on Scalar's servers.
    page.get_by_role("button", name="reference data").first.click()
    page.get_by_role("link", name="Competence taxonomy").click()
    taxonomy = page.locator("section").filter(
        has=page.get_by_role("heading", name="Competence taxonomy", exact=True)
    )
    with page.expect_response(lambda r: urlsplit(r.url).path == "/api/v1/taxonomy") as sent:
        taxonomy.get_by_role("button", name="Test Request").click()
        page.get_by_role("button", name="Send get request").click()
    assert sent.value.status == 200
    assert urlsplit(sent.value.url).hostname == "127.0.0.1"
    expect(page.get_by_text("200 OK").first).to_be_visible()
    offline.settle()

    assert offline.outside_requests == []
    assert offline.script_errors == []


def test_swagger_ui_shows_the_operations_and_executes_them_with_no_outside_request(
    offline: OfflinePage,
) -> None:
    page = offline.page
    page.goto("/docs/swagger")
    post_mission = page.locator(".opblock-post").filter(has=page.locator('[data-path="/api/v1/missions"]'))
    expect(post_mission).to_contain_text("Post a mission")
    post_mission.locator(".opblock-summary").click()
    expect(post_mission.get_by_role("button", name="Try it out")).to_be_visible()
    offline.settle()
    _screenshot(page, "api-docs-swagger.png")

    taxonomy = page.locator(".opblock-get").filter(has=page.locator('[data-path="/api/v1/taxonomy"]'))
    taxonomy.locator(".opblock-summary").click()
    taxonomy.get_by_role("button", name="Try it out").click()
    with page.expect_response(lambda r: urlsplit(r.url).path == "/api/v1/taxonomy") as sent:
        taxonomy.get_by_role("button", name="Execute").click()
    assert sent.value.status == 200
    expect(taxonomy.locator(".live-responses-table tr.response .response-col_status")).to_contain_text("200")
    offline.settle()

    assert offline.outside_requests == []
    assert offline.script_errors == []
