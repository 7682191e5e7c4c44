"""`WebConsolePlugin`: mounts the operator console on the app, self-contained under `/console`.

Sessions and CSRF protection are middleware of the console router only, so the JSON API (API keys,
no cookies) is untouched: no session lookup, no CSRF cookie, no CSRF check on `/api`. Templates are
Jinja (autoescaped); static files are served from `/console/static`; nothing is loaded from a CDN.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from jinja2 import Environment
from litestar import Router
from litestar.config.app import AppConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotFoundException
from litestar.middleware import DefineMiddleware
from litestar.plugins import InitPluginProtocol
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.routes import HTTPRoute
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from service.auth.actor import ANONYMOUS, roles
from service.i18n import current_locale, format_number
from service.i18n.jinja import install_i18n
from service.session_store import session_store, with_session_store
from service.settings import Settings, get_settings
from service.web.actions import ConsoleActions
from service.web.bulk import ConsoleBulkActions
from service.web.csrf import SessionBoundCSRFMiddleware
from service.web.errors import CONSOLE_EXCEPTION_HANDLERS, console_page_for_unknown_paths
from service.web.headers import stamp_console_headers
from service.web.not_found import unknown_console_page
from service.web.pages import ConsolePages
from service.web.people import ConsolePeople
from service.web.session import (
    CONSOLE_PATH,
    CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_STORE,
    console_session_config,
    provide_console_operator,
)
from service.web.sign_in import SignInController

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
STATIC_PATH = f"{CONSOLE_PATH}/static"


def csrf_secret(settings: Settings) -> str:
    """Derived from SECRET_KEY, so forms stay valid across restarts and the key itself is not reused."""
    return hmac.new(settings.secret_key.encode(), b"ctomatch console csrf", hashlib.sha256).hexdigest()


def _years(value: float | None) -> str:
    return "" if value is None else format_number(value)


def _score(value: float | None) -> str:
    """A match score with one decimal, as the reader writes decimals ("87,5" in French)."""
    if value is None:
        return "—"
    text = f"{value:.1f}"
    return text.replace(".", ",") if current_locale() == "fr" else text


def _register_filters(engine: JinjaTemplateEngine) -> None:
    """The i18n extension and its filters (`money`, `date`, …), plus the console's own two."""
    environment: Environment = engine.engine
    install_i18n(environment)
    environment.filters.update({"years": _years, "score": _score})
    environment.trim_blocks = True
    environment.lstrip_blocks = True


class WebConsolePlugin(InitPluginProtocol):
    """`plugins=[WebConsolePlugin(settings)]`: adds the console router, its templates and static files."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = self.settings or get_settings()
        secure = settings.environment == "production"
        session_config = console_session_config(secure=secure)
        csrf_config = CSRFConfig(
            secret=csrf_secret(settings),
            cookie_name=CSRF_COOKIE,
            cookie_path=CONSOLE_PATH,
            cookie_httponly=True,
            cookie_samesite="lax",
            cookie_secure=secure,
        )
        console = Router(
            path=CONSOLE_PATH,
            route_handlers=[
                SignInController,
                ConsolePages,
                ConsoleActions,
                ConsoleBulkActions,
                ConsolePeople,
                unknown_console_page,
            ],
            middleware=[
                session_config.middleware,
                DefineMiddleware(
                    SessionBoundCSRFMiddleware, config=csrf_config, session_cookie=SESSION_COOKIE
                ),
            ],
            dependencies={"operator": Provide(provide_console_operator)},
            exception_handlers=CONSOLE_EXCEPTION_HANDLERS,
            include_in_schema=False,
        )
        static = create_static_files_router(
            path=STATIC_PATH,
            directories=[STATIC_DIR],
            name="console-static",
            opt=roles(ANONYMOUS),
            include_in_schema=False,
            cache_control=CacheControlHeader(max_age=3600),
        )
        for route in static.routes:  # set on the handlers too, where route checks (and tests) read them
            for handler in route.route_handlers if isinstance(route, HTTPRoute) else []:
                handler.description = "Roles: anyone (the console's CSS and JavaScript)."
                handler.include_in_schema = False
        app_config.route_handlers.extend([console, static])
        app_config.before_send.append(stamp_console_headers)
        if app_config.template_config is not None:
            raise RuntimeError("WebConsolePlugin owns the template engine, but one is already configured")
        app_config.template_config = TemplateConfig(
            directory=TEMPLATES_DIR, engine=JinjaTemplateEngine, engine_callback=_register_filters
        )
        handlers = app_config.exception_handlers
        fallback = handlers.get(NotFoundException) or handlers.get(HTTPException)
        app_config.exception_handlers = {
            **handlers,
            NotFoundException: console_page_for_unknown_paths(fallback),
        }
        app_config.stores = with_session_store(
            app_config.stores, SESSION_STORE, session_store(settings, SESSION_STORE)
        )
        return app_config
