"""Bad input of every kind gets a problem-details answer naming what is wrong, never a 500."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient

from tests.factories import Caller, freelancer_payload, mission_payload

Client = AsyncTestClient[Any]
JSON_HEADERS = {"content-type": "application/json"}
ENGLISH = {"accept-language": "en"}


async def test_malformed_json_is_400(client: Client) -> None:
    response = await client.post(
        "/api/v1/freelancers", content=b'{"email": ', headers={**JSON_HEADERS, **ENGLISH}
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"].endswith("/malformed-request")
    assert problem["detail"] == "Input data was truncated"
    bad_token = await client.post(
        "/api/v1/freelancers", content=b"{bad}", headers={**JSON_HEADERS, **ENGLISH}
    )
    assert bad_token.status_code == 400 and "malformed" in bad_token.json()["detail"]
    french = await client.post("/api/v1/freelancers", content=b"{bad}", headers=JSON_HEADERS)
    assert french.json()["title"] == "Requête mal formée"
    assert (
        french.json()["detail"]
        == "Le JSON est mal formé : les clés d'un objet doivent être des chaînes (octet 1)"
    )


async def test_wrong_json_shape_is_422(client: Client) -> None:
    response = await client.post("/api/v1/freelancers", content=b"[1, 2]", headers=JSON_HEADERS)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


async def test_oversized_body_is_413(client: Client) -> None:
    huge = freelancer_payload(summary="x" * 70_000)
    response = await client.post("/api/v1/freelancers", json=huge)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_unknown_route_is_404_problem(client: Client) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["instance"] == "/api/v1/nothing-here"


async def test_wrong_method_is_405(client: Client) -> None:
    response = await client.delete("/api/v1/taxonomy")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_non_numeric_id_is_a_problem_naming_the_parameter(client: Client, freelancer: Caller) -> None:
    response = await client.get("/api/v1/freelancers/abc", headers={**freelancer.headers, **ENGLISH})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "path.profile_id",
            "reason": "must be a whole number written with the digits 0-9",
            "code": "type",
        }
    ]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def _mutations(base: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The valid body with some fields replaced by arbitrary JSON, or dropped."""
    keys = sorted(base)
    return st.dictionaries(
        st.sampled_from(keys), json_values | st.just("__drop__"), min_size=1, max_size=4
    ).map(lambda changes: {k: v for k, v in {**base, **changes}.items() if v != "__drop__"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_mutations(freelancer_payload(email="fuzz@example.test")))
async def test_no_freelancer_body_produces_a_500(client: Client, body: dict[str, Any]) -> None:
    response = await client.post("/api/v1/freelancers", json=body)
    assert response.status_code in (201, 409, 422), response.text
    if response.status_code == 422:
        problem = response.json()
        assert problem["errors"] and all(e["field"].startswith("body") for e in problem["errors"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_mutations(mission_payload()))
async def test_no_mission_body_produces_a_500(client: Client, company: Caller, body: dict[str, Any]) -> None:
    response = await client.post("/api/v1/missions", json=body, headers=company.headers)
    assert response.status_code in (201, 403, 404, 422), response.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "competence",
                "band",
                "tjm_min",
                "tjm_max",
                "remote",
                "available_by",
                "status",
                "sort",
                "limit",
                "offset",
            ]
        ),
        st.text(max_size=12) | st.integers(-5, 10**9).map(str),
        max_size=4,
    )
)
async def test_no_list_query_produces_a_500(client: Client, operator: Caller, params: dict[str, str]) -> None:
    response = await client.get("/api/v1/freelancers", params=params, headers=operator.headers)
    assert response.status_code in (200, 422), response.text
