"""`PortalPlugin`: mounts the web app of freelancers and companies at `/`, beside the console.

Like the console, its session and CSRF protection are middleware of its own router only, so the JSON
API (API keys, no cookies) is untouched. Its templates live under `templates/portal/` in the shared
Jinja environment (the console's plugin creates it, with the i18n extension); its static files are
served from `/static`; nothing is loaded from a CDN. Each area of the site (account, freelancer,
company) lists its controllers in its package's `HANDLERS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Response, Router
from litestar.config.app import AppConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotFoundException
from litestar.middleware import DefineMiddleware
from litestar.plugins import InitPluginProtocol
from litestar.routes import HTTPRoute
from litestar.static_files import create_static_files_router

from service.auth.actor import ANONYMOUS, roles
from service.portal import account, company, freelancer
from service.portal.concept_suggestions import ConceptSuggestionsController
from service.portal.errors import PORTAL_EXCEPTION_HANDLERS
from service.portal.home import HomeController
from service.portal.privacy import PrivacyPages
from service.portal.session import CSRF_COOKIE, SESSION_COOKIE, SESSION_STORE, portal_session_config
from service.portal.users import provide_company, provide_freelancer, provide_optional_user, provide_user
from service.session_store import session_store, with_session_store
from service.settings import Settings, get_settings
from service.web.csrf import SessionBoundCSRFMiddleware
from service.web.plugin import csrf_secret

PORTAL_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PORTAL_DIR / "templates"
STATIC_DIR = PORTAL_DIR / "static"
STATIC_PATH = "/static"


class PortalPlugin(InitPluginProtocol):
    """`plugins=[WebConsolePlugin(settings), PortalPlugin(settings)]`: after the console's plugin."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = self.settings or get_settings()
        secure = settings.environment == "production"
        csrf_config = CSRFConfig(
            secret=csrf_secret(settings),
            cookie_name=CSRF_COOKIE,
            cookie_path="/",
            cookie_httponly=True,
            cookie_samesite="lax",
            cookie_secure=secure,
        )
        portal = Router(
            path="/",
            route_handlers=[
                HomeController,
                PrivacyPages,
                *account.HANDLERS,
                *freelancer.HANDLERS,
                *company.HANDLERS,
                ConceptSuggestionsController,
            ],
            middleware=[
                portal_session_config(secure=secure).middleware,
                DefineMiddleware(
                    SessionBoundCSRFMiddleware, config=csrf_config, session_cookie=SESSION_COOKIE
                ),
            ],
            dependencies={
                "user": Provide(provide_user),
                "maybe_user": Provide(provide_optional_user),
                "freelancer_user": Provide(provide_freelancer),
                "company_user": Provide(provide_company),
            },
            exception_handlers=PORTAL_EXCEPTION_HANDLERS,
            include_in_schema=False,
        )
        for page_route in portal.routes:  # pages are not API operations: none is in the OpenAPI schema
            for page_handler in page_route.route_handlers if isinstance(page_route, HTTPRoute) else []:
                page_handler.include_in_schema = False
        static = create_static_files_router(
            path=STATIC_PATH,
            directories=[STATIC_DIR],
            name="portal-static",
            opt=roles(ANONYMOUS),
            include_in_schema=False,
            cache_control=CacheControlHeader(max_age=3600),
        )
        for route in static.routes:
            for handler in route.route_handlers if isinstance(route, HTTPRoute) else []:
                handler.description = "Roles: anyone (the web app's CSS and JavaScript)."
                handler.include_in_schema = False
        app_config.route_handlers.extend([portal, static])
        template_config = app_config.template_config
        if template_config is None:
            raise RuntimeError(
                "PortalPlugin shares the console's template engine: add WebConsolePlugin first"
            )
        directories = template_config.directory
        existing = list(directories) if isinstance(directories, list | tuple) else [directories]
        template_config.directory = [*existing, TEMPLATES_DIR]
        app_config.stores = with_session_store(
            app_config.stores, SESSION_STORE, session_store(settings, SESSION_STORE)
        )
        handlers = app_config.exception_handlers
        api_not_found = handlers.get(NotFoundException) or handlers.get(HTTPException)
        app_config.exception_handlers = {
            **handlers,
            NotFoundException: _html_for_unknown_pages(api_not_found),
        }
        return app_config


#: Paths whose unknown URLs are answered by the handler in place before (the API's problem+json; the
#: console's error page for /console, see service.web.errors.console_page_for_unknown_paths).
_MACHINE_PREFIXES = ("/api/", "/docs", "/metrics", "/health", "/console")


def _html_for_unknown_pages(api_handler: Any) -> Any:
    """An unknown path is matched by no router, so only an app-level handler sees it: a person who
    mistypes a page address gets the web app's page, a client of the API keeps its problem+json."""

    def handle(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
        path = request.url.path
        if api_handler is not None and (path == "/api" or path.startswith(_MACHINE_PREFIXES)):
            return api_handler(request, exc)  # type: ignore[no-any-return]
        return PORTAL_EXCEPTION_HANDLERS[NotFoundException](request, exc)

    return handle
