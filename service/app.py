"""create_app(): the one Litestar factory, used by `ctomatch run`, uvicorn and the tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from service.accounts.controllers import AccountController
from service.api_docs import BundledScalarRenderPlugin, BundledSwaggerRenderPlugin
from service.auth.actor import API_KEY_HEADER, role_guard
from service.background.queue import CeleryWorkQueue, WorkQueue
from service.companies.controllers import CompanyController
from service.db import Database
from service.dependencies import close_db_session, provide_actor, provide_db_session, provide_settings
from service.errors import EXCEPTION_HANDLERS
from service.freelancers.controllers import FreelancerController
from service.i18n.middleware import locale_middleware
from service.input_guard import input_guard
from service.language_switch import switch_language
from service.logging_config import configure_logging
from service.market.controllers import MarketController
from service.matches.controllers import MatchController, ReviewController
from service.missions.controllers import MissionController
from service.observability.plugin import ObservabilityPlugin
from service.openapi_docs import ProblemResponsesPlugin
from service.options_allow import complete_allow_header
from service.pagination import provide_page_params
from service.params import provide_expected_revision
from service.people.controllers import PeopleController
from service.portal import PortalPlugin
from service.privacy.controllers import PrivacyController
from service.rate_limit import rate_limit_middleware
from service.reference.controllers import ReferenceController
from service.reference.lexicon import concept_lexicon
from service.scoring.controllers import JobController, ScoreOptionsController
from service.security_headers import stamp_security_headers
from service.settings import Settings, get_settings
from service.web import WebConsolePlugin


def create_app(settings: Settings | None = None, work_queue: WorkQueue | None = None) -> Litestar:
    """`work_queue` defaults to Celery on the settings' broker; tests may pass a recording one."""
    settings = settings or get_settings()
    configure_logging(settings)
    concept_lexicon()  # a lexicon naming an unknown taxonomy id stops the start, naming the file and id
    database = Database(settings)
    if work_queue is None:
        from workers.celery_app import create_celery

        work_queue = CeleryWorkQueue(create_celery(settings))
    queue = work_queue

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.database = database
        try:
            yield
        finally:
            await database.dispose()

    openapi = OpenAPIConfig(
        title="ctomatch API",
        version="1.0.0",
        description=(
            "Matches freelance CTOs with companies. Authenticate with the `X-API-Key` header; every "
            "operation's description names the roles that may call it. Errors are RFC 9457 problem details."
        ),
        path="/docs",
        render_plugins=[BundledScalarRenderPlugin(), BundledSwaggerRenderPlugin(path="/swagger")],
        components=Components(
            security_schemes={
                "apiKey": SecurityScheme(type="apiKey", name=API_KEY_HEADER, security_scheme_in="header")
            }
        ),
        security=[{"apiKey": []}],
    )
    app = Litestar(
        route_handlers=[
            AccountController,
            ReferenceController,
            MarketController,
            FreelancerController,
            PeopleController,
            CompanyController,
            MissionController,
            MatchController,
            JobController,
            ScoreOptionsController,
            ReviewController,
            PrivacyController,
            switch_language,
        ],
        lifespan=[lifespan],
        guards=[role_guard],
        dependencies={
            "db_session": Provide(provide_db_session, sync_to_thread=False),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "actor": Provide(provide_actor, sync_to_thread=False),
            "page": Provide(provide_page_params, sync_to_thread=False),
            "expected_revision": Provide(provide_expected_revision, sync_to_thread=False),
            "work_queue": Provide(lambda: queue, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=openapi,
        request_max_body_size=settings.max_body_bytes,
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        cors_config=CORSConfig(allow_origins=settings.cors_origins) if settings.cors_origins else None,
        middleware=[
            close_db_session,
            rate_limit_middleware(settings),
            DefineMiddleware(input_guard, max_body_bytes=settings.max_body_bytes),
        ],
        before_send=[stamp_security_headers, complete_allow_header],
        logging_config=None,  # configure_logging() owns the handlers
        plugins=[
            ObservabilityPlugin(settings),
            WebConsolePlugin(settings),
            PortalPlugin(settings),
            ProblemResponsesPlugin(),
        ],
        debug=False,
    )
    # The reader's locale is chosen around Litestar's whole handler, not as a route middleware: an
    # unknown path (no router matched) and an error raised by a middleware (CSRF, the input guard)
    # are answered by the app's exception handlers, outside any route middleware.
    app.asgi_handler = locale_middleware(app.asgi_handler)
    return app
