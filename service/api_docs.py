"""The API docs pages, `/docs` (Scalar) and `/docs/swagger` (Swagger UI), with nothing loaded from a CDN.

Litestar's render plugins point at CDNs by default (Scalar at `@latest`), so the pages are blank
wherever outside traffic is blocked, and what they run changes without a release. These subclasses
load pinned copies that ship in the package (`service/api_docs_assets/`, see its README), served by
the app under `/docs/assets/`, and turn off what Scalar would otherwise fetch from elsewhere: web
fonts (its options, and `api-docs.css` naming system fonts only), telemetry, its AI agent and MCP
features, the developer toolbar.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

from service.auth.actor import ANONYMOUS, DOCS_PATH, roles

ASSETS_DIR = Path(__file__).resolve().parent / "api_docs_assets"
ASSETS_PATH = "/assets"  # below the docs router: /docs/assets
ASSETS_URL = f"{DOCS_PATH}{ASSETS_PATH}"
ASSETS_ROUTE_NAME = "api-docs-assets"
#: The URLs carry a digest of the file, so a browser may keep each one for a week.
ASSETS_CACHE = CacheControlHeader(public=True, max_age=7 * 24 * 3600)
#: No favicon request at all (Litestar's default is an image on a CDN).
NO_FAVICON = "<link rel='icon' href='data:,'>"

#: Scalar's options: everything that would reach a server other than this app is off.
SCALAR_OPTIONS: dict[str, Any] = {
    "withDefaultFonts": False,  # else the Inter and JetBrains Mono fonts come from Scalar's font CDN
    "telemetry": False,
    "agent": {"disabled": True},  # "Ask AI" talks to Scalar's servers
    "mcp": {"disabled": True},
    "showDeveloperTools": "never",  # its share/deploy buttons go to Scalar's registry
}


@cache
def asset_url(file: str) -> str:
    """Where the app serves a file of ASSETS_DIR; the digest changes the URL whenever the file does."""
    digest = hashlib.sha256((ASSETS_DIR / file).read_bytes()).hexdigest()[:16]
    return f"{ASSETS_URL}/{file}?v={digest}"


def _mount_assets(docs_router: Router) -> None:
    """Serve ASSETS_DIR under the docs router, once, whichever docs page is configured first."""
    prefix = f"{docs_router.path.rstrip('/')}{ASSETS_PATH}/"
    if any(route.path.startswith(prefix) for route in docs_router.routes):
        return
    docs_router.register(
        create_static_files_router(
            path=ASSETS_PATH,
            directories=[ASSETS_DIR],
            name=ASSETS_ROUTE_NAME,
            opt=roles(ANONYMOUS),
            include_in_schema=False,
            cache_control=ASSETS_CACHE,
        )
    )


class BundledScalarRenderPlugin(ScalarRenderPlugin):
    """Scalar's API reference from the vendored bundle, with the options above."""

    def __init__(self, *, path: str = "/scalar") -> None:
        super().__init__(
            js_url=asset_url("scalar/standalone.js"),
            css_url=asset_url("api-docs.css"),
            path=path,
            options=SCALAR_OPTIONS,
            favicon=NO_FAVICON,
        )

    def receive_router(self, router: Router) -> None:
        super().receive_router(router)
        _mount_assets(router)


class BundledSwaggerRenderPlugin(SwaggerRenderPlugin):
    """Swagger UI from the vendored `swagger-ui-dist` files."""

    def __init__(self, *, path: str = "/swagger") -> None:
        super().__init__(
            js_url=asset_url("swagger-ui/swagger-ui-bundle.js"),
            css_url=asset_url("swagger-ui/swagger-ui.css"),
            standalone_preset_js_url=asset_url("swagger-ui/swagger-ui-standalone-preset.js"),
            path=path,
            favicon=NO_FAVICON,
        )

    def receive_router(self, router: Router) -> None:
        super().receive_router(router)  # the OAuth2 redirect page
        _mount_assets(router)
