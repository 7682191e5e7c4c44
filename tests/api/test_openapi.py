"""The docs page and the OpenAPI schema list every endpoint, and every route declares its roles."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import Settings

Client = AsyncTestClient[Any]


def _api_routes(app: Litestar) -> list[tuple[str, str, Any]]:
    routes = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if route.path.startswith("/docs"):
                continue
            for method in handler.http_methods:
                if method in {"OPTIONS", "HEAD"}:
                    continue
                routes.append((method, route.path, handler))
    return routes


def test_every_route_declares_its_roles() -> None:
    app = create_app(Settings(database_url="sqlite+aiosqlite://"))
    undeclared = [(m, p) for m, p, h in _api_routes(app) if "roles" not in h.opt]
    assert undeclared == []
    for method, path, handler in _api_routes(app):
        assert (handler.description or "").startswith("Roles:"), (method, path)


async def test_schema_lists_every_endpoint(client: Client) -> None:
    schema = (await client.get("/docs/openapi.json")).json()
    documented = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    app = create_app(Settings(database_url="sqlite+aiosqlite://"))
    for method, path, handler in _api_routes(app):
        if handler.include_in_schema:
            normalised = path.replace(":int}", "}").replace(":str}", "}")
            assert (method, normalised) in documented, (method, path)
    assert schema["components"]["securitySchemes"]["apiKey"] == {
        "type": "apiKey",
        "name": "X-API-Key",
        "in": "header",
    }


async def test_docs_page_is_served(client: Client) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    swagger = await client.get("/docs/swagger")
    assert swagger.status_code == 200 and "swagger" in swagger.text.lower()
