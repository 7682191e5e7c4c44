"""What every browser test needs: Debian's Chromium (mandatory with CI=true) and the real app served by
uvicorn on a free port of 127.0.0.1, in a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn
from litestar import Litestar
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import select

from models import Mission
from service.app import create_app
from service.db import Database
from service.settings import Settings
from tests.conftest import make_settings, unavailable
from tests.factories import load_scored_demo
from tests.work_queue import RecordingWorkQueue

T = TypeVar("T")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
START_SECONDS = 20
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
BUDGET_MISSION_REF = "m04-agency-presales-cto"  # demo mission whose budget is below its band's market


def require_chromium() -> Path:
    """Debian's chromium: skipped when missing, unless CI=true (then the test fails)."""
    if not CHROMIUM.exists():
        unavailable("Chromium", FileNotFoundError(f"{CHROMIUM} is missing (apt-get install chromium)"))
    return CHROMIUM


@contextmanager
def served(app: Litestar, what: str) -> Iterator[str]:
    """The app's base URL while it is served; a thread of its own, since Playwright's sync API keeps an
    event loop running in the main thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail(f"the {what} server did not start", pytrace=False)
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def launched_chromium(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class ConsoleSite:
    """The served app holding the scored demo data: its URL, the demo API keys, a mission to look at."""

    base_url: str
    keys: dict[str, str]
    budget_mission_id: int

    def api(self, path: str) -> dict[str, Any]:
        """What the JSON API says, with the operator's key: the browser's actions must show there."""
        response = httpx.get(self.base_url + path, headers={"X-API-Key": self.keys["operator"]}, timeout=10)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def _prepare_console(settings: Settings) -> tuple[dict[str, str], int]:
    """The scored demo data, and the id of the mission whose budget is below market."""
    keys = await load_scored_demo(settings)
    database = Database(settings)
    try:
        async with database.session() as session:
            budget_mission = await session.scalar(select(Mission.id).where(Mission.ref == BUDGET_MISSION_REF))
        assert budget_mission is not None
        return keys, budget_mission
    finally:
        await database.dispose()


def prepared_settings(
    data_dir: Path, prepare: Callable[[Settings], Awaitable[T]], database: str = "portal.db"
) -> tuple[Settings, T]:
    """Settings on a fresh SQLite database in `data_dir`, filled by `prepare`, and what it returned.

    `prepare` runs in a thread of its own: Playwright's sync API keeps an event loop running in the
    main thread."""
    settings = make_settings(f"sqlite+aiosqlite:///{data_dir / database}", data_dir)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return settings, pool.submit(asyncio.run, prepare(settings)).result()


@contextmanager
def served_console(data_dir: Path) -> Iterator[ConsoleSite]:
    """The real app on a fresh SQLite database in `data_dir`, with every demo mission scored."""
    settings, (keys, budget_mission_id) = prepared_settings(data_dir, _prepare_console, "console.db")
    app = create_app(settings, work_queue=RecordingWorkQueue(settings))
    with served(app, "console") as url:
        yield ConsoleSite(url, keys, budget_mission_id)


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot in test-output/screenshots/ (kept by CI as an artefact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


#: Browser locales of the two languages the console speaks.
BROWSER_LOCALES = {"fr": "fr-FR", "en": "en-GB"}


def signed_in_operator(browser: Browser, site: ConsoleSite, language: str, width: int = 1366) -> Page:
    """A new browser context in `language`, `width` px wide (900 high), signed in to the console with
    the demo operator's key, on the dashboard. The page's CSP is bypassed so axe-core can be injected
    (the CSP itself is tested elsewhere)."""
    context = browser.new_context(
        base_url=site.base_url,
        viewport={"width": width, "height": 900},
        locale=BROWSER_LOCALES[language],
        bypass_csp=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/console/sign-in")
    page.locator("#api_key").fill(site.keys["operator"])
    page.locator("#api_key").press("Enter")
    page.wait_for_url("**/console")
    return page
