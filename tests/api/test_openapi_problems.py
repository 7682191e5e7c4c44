"""The OpenAPI document lists the problem responses each operation really gives, as problem documents,
and tells the public and private views apart (tests/integration/test_schemathesis.py checks it against
thousands of real answers; these are the fast checks of its shape)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client import CONTENT_TYPE_LATEST

from service.app import create_app
from service.settings import Settings

Client = AsyncTestClient[Any]
PROBLEM_SCHEMAS = {"Problem", "ValidationProblem", "DependencyProblem"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    document: dict[str, Any] = create_app(
        Settings(database_url="sqlite+aiosqlite://")
    ).openapi_schema.to_schema()
    return document


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    paths: dict[str, dict[str, Any]] = schema["paths"]
    return [(method.upper(), path, op) for path, item in paths.items() for method, op in item.items()]


def test_every_error_response_is_a_problem_document(schema: dict[str, Any]) -> None:
    for method, path, operation in _operations(schema):
        errors = {status: r for status, r in operation["responses"].items() if int(status) >= 400}
        assert {"400", "401"} <= errors.keys(), (method, path)
        for status, response in errors.items():
            assert list(response["content"]) == ["application/problem+json"], (method, path, status)
            ref = response["content"]["application/problem+json"]["schema"]["$ref"].rsplit("/", 1)[1]
            assert ref in PROBLEM_SCHEMAS, (method, path, status)
            if status == "422":
                assert ref == "ValidationProblem", (method, path)


def test_problem_statuses_follow_the_route_declarations(schema: dict[str, Any]) -> None:
    def statuses(method: str, path: str) -> set[str]:
        return set(schema["paths"][path][method.lower()]["responses"])

    assert statuses("GET", "/api/v1/rate-grid") == {"200", "400", "401", "429"}  # public, no input
    assert {"403", "404", "422"} <= statuses("GET", "/api/v1/missions/{mission_id}")
    assert "409" not in statuses("GET", "/api/v1/missions/{mission_id}")
    assert {"409", "413", "422"} <= statuses("POST", "/api/v1/freelancers")
    assert "403" not in statuses("POST", "/api/v1/freelancers")  # anyone may register
    assert "404" in statuses("POST", "/api/v1/missions")  # declared: an unknown company_id
    assert "428" in statuses("POST", "/api/v1/matches/{match_id}/decisions")
    assert statuses("GET", "/health") == {"200", "400", "401", "503"}  # not rate-limited
    problems = schema["components"]["schemas"]
    assert set(problems["ValidationProblem"]["required"]) >= {"type", "title", "status", "detail", "errors"}


def test_a_validation_problem_documents_each_error_with_its_code(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    errors = components["ValidationProblem"]["properties"]["errors"]
    assert errors["items"]["$ref"].rsplit("/", 1)[1] == "ProblemFieldError"
    item = components["ProblemFieldError"]
    assert set(item["required"]) == {"field", "reason", "code"}  # `allowed` and `suggestion` when they help
    assert {"allowed", "suggestion"} <= item["properties"].keys()
    assert "`unknown_id`" in item["properties"]["code"]["description"]


def test_public_and_private_views_are_exclusive(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    for public, private in (("FreelancerPublic", "FreelancerPrivate"), ("CompanyPublic", "CompanyPrivate")):
        assert components[public]["properties"]["view"] == {"type": "string", "const": "public"}
        assert components[private]["properties"]["view"] == {"type": "string", "const": "private"}
        assert "view" in components[public]["required"] and "view" in components[private]["required"]


async def test_metrics_is_documented_as_the_text_it_sends(client: Client, schema: dict[str, Any]) -> None:
    assert list(schema["paths"]["/metrics"]["get"]["responses"]["200"]["content"]) == ["text/plain"]
    response = await client.get("/metrics")
    assert response.headers["content-type"] == CONTENT_TYPE_LATEST  # one charset, not two
