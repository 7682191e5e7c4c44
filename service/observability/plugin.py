"""One plugin wires operations into the app: request context, `/health`, `/metrics`."""

from __future__ import annotations

from litestar.config.app import AppConfig
from litestar.plugins import InitPlugin

from service.observability.metrics import api_metrics
from service.observability.request_context import RequestContextMiddleware, stamp_response
from service.observability.routes import health, metrics
from service.settings import Settings


class ObservabilityPlugin(InitPlugin):
    """`Litestar(..., plugins=[ObservabilityPlugin(settings)])`; an `InitPluginProtocol` (via InitPlugin).

    Building it does no I/O: the metrics directory is prepared when the app starts (lifespan), before
    any request is recorded, so `create_app()` stays cheap and side-effect free.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        # First, hence outermost: rate-limited (429) and other middleware answers get an id too.
        app_config.middleware.insert(0, RequestContextMiddleware(self.settings))
        app_config.before_send.append(stamp_response)
        app_config.on_startup.append(self._prepare_metrics)
        app_config.route_handlers.extend([health, metrics])
        return app_config

    def _prepare_metrics(self) -> None:
        api_metrics(self.settings)
