"""The docs pages load nothing from outside the app, and the app serves what they load (no browser).

`tests/e2e/test_api_docs_offline.py` checks the same in Chromium, including what the scripts fetch.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from service.api_docs import ASSETS_DIR
from service.app import create_app
from tests.conftest import make_settings
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
DOCS_PAGES = ["/docs", "/docs/scalar", "/docs/swagger"]
ABSOLUTE_URL = re.compile(r"https?://[^\s\"'<>()\\]+")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)")


class _LoadedURLs(HTMLParser):
    """Every URL a tag of the page makes the browser load: src, href, and Scalar's data-url."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in {"src", "href", "data-url"} and value]


def loaded_urls(html: str) -> list[str]:
    parser = _LoadedURLs()
    parser.feed(html)
    return parser.urls


def is_served_by_the_app(url: str) -> bool:
    """A path on the page's own origin (not `//host/...`), or data inlined in the page."""
    return url.startswith("data:") or (url.startswith("/") and not url.startswith("//"))


@pytest.fixture
async def docs_client(tmp_path: Path) -> AsyncIterator[Client]:
    """The real app; the docs need no database content."""
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'docs.db'}", tmp_path)
    app = create_app(settings, work_queue=RecordingWorkQueue(settings))
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.mark.parametrize("page", DOCS_PAGES)
async def test_docs_page_loads_only_files_the_app_serves(docs_client: Client, page: str) -> None:
    response = await docs_client.get(page)
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    urls = loaded_urls(response.text)
    assert any(url.split("?")[0].endswith(".js") for url in urls), urls  # the page's script is among them
    assert [url for url in urls if not is_served_by_the_app(url)] == []
    for url in urls:
        if url.startswith("data:"):
            continue
        asset = await docs_client.get(url)
        assert asset.status_code == 200, url
        path = url.split("?")[0]
        if path.endswith(".js"):
            assert asset.headers["content-type"].startswith("text/javascript"), url
        elif path.endswith(".css"):
            assert asset.headers["content-type"].startswith("text/css"), url
            css_urls = CSS_URL.findall(asset.text)
            assert [u for u in css_urls if not is_served_by_the_app(u)] == [], url


@pytest.mark.parametrize("page", DOCS_PAGES)
async def test_docs_page_names_no_outside_url_but_those_of_the_schema(docs_client: Client, page: str) -> None:
    """Swagger UI inlines the schema, whose texts may quote URLs (problem types); nothing else may."""
    html = (await docs_client.get(page)).text
    schema = (await docs_client.get("/docs/openapi.json")).text
    quoted_by_schema = set(ABSOLUTE_URL.findall(schema))
    assert [url for url in ABSOLUTE_URL.findall(html) if url not in quoted_by_schema] == []


async def test_docs_assets_are_cacheable_typed_and_confined_to_their_folder(docs_client: Client) -> None:
    script = await docs_client.get("/docs/assets/scalar/standalone.js")
    assert script.status_code == 200
    assert "max-age=" in script.headers["cache-control"]
    assert script.headers["x-content-type-options"] == "nosniff"
    for outside_the_folder in [
        "/docs/assets/../api_docs.py",
        "/docs/assets/%2e%2e/api_docs.py",
        "/docs/assets/scalar/nothing.js",
    ]:
        assert (await docs_client.get(outside_the_folder)).status_code == 404, outside_the_folder


@pytest.mark.parametrize(
    ("package", "bundle", "version_mark"),
    [
        ("scalar", "standalone.js", "`{version}`"),
        ("swagger-ui", "swagger-ui-bundle.js", 'PACKAGE_VERSION:"{version}"'),
    ],
)
def test_vendored_bundle_is_the_pinned_version_with_its_licence(
    package: str, bundle: str, version_mark: str
) -> None:
    folder = ASSETS_DIR / package
    version = (folder / "VERSION").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert version_mark.format(version=version) in (folder / bundle).read_text(encoding="utf-8")
    assert (folder / "LICENSE").read_text(encoding="utf-8").strip()
