"""Input no handler should see gets a 4xx problem naming the field, on every route, never a 500.

The cases come from the audit: ids beyond the database's integer range in paths and queries, NUL
characters anywhere, invalid UTF-8 bodies, JSON nested 1,000 deep, OPTIONS on every route, non-ASCII
digits in ids. Routes are read from the app itself, so a new route is covered without editing this.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.background.queue import WorkQueue
from service.settings import Settings
from tests.factories import Caller, freelancer_payload, post_mission

Client = AsyncTestClient[Any]
ENGLISH = {"accept-language": "en"}


def _api_routes() -> list[tuple[str, frozenset[str], list[str]]]:
    """(path template, methods, id parameters) of every API route, from a throw-away app."""
    data_dir = Path(tempfile.mkdtemp(prefix="ctomatch-routes-"))
    settings = Settings(
        environment="test", data_dir=data_dir, database_url=f"sqlite+aiosqlite:///{data_dir / 'routes.db'}"
    )
    app: Litestar = create_app(settings, work_queue=_NoQueue())
    found = []
    for route in app.routes:
        if not route.path.startswith("/api/"):
            continue
        methods = frozenset(getattr(route, "methods", set())) - {"OPTIONS", "HEAD"}
        ids = [name for name in route.path_parameters if name not in {"band_id", "job_id"}]
        found.append((route.path, methods, ids))
    return found


class _NoQueue(WorkQueue):
    """The route table only: nothing is enqueued by building an app."""

    async def mission_changed(self, mission_id: int) -> None: ...
    async def profile_changed(self, profile_id: int) -> None: ...
    async def rescore_all(self, job_id: str) -> None: ...
    async def notifications_pending(self) -> None: ...


ROUTES = _api_routes()
ID_ROUTES = [(path, method, ids) for path, methods, ids in ROUTES for method in sorted(methods) if ids]


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{\w+(?::\w+)?\}", value, path)


def _assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


def test_the_route_table_is_read() -> None:
    assert len(ID_ROUTES) >= 15, ID_ROUTES


BAD_IDS = ["2147483648", "99999999999999999999999", "0", "-1", "١٢", "12abc"]


@pytest.mark.parametrize(("path", "method", "ids"), ID_ROUTES, ids=[f"{m} {p}" for p, m, _ in ID_ROUTES])
async def test_bad_path_ids_are_422_naming_the_parameter(
    client: Client, operator: Caller, freelancer: Caller, path: str, method: str, ids: list[str]
) -> None:
    """Beyond the integer range, zero, negative, non-ASCII digits, trailing letters: each a 422, for a
    caller whose role may use the route (the operator, else the freelancer: a `/me/` route of theirs)."""
    body = {} if method in {"POST", "PUT", "PATCH"} else None
    caller = operator
    first = await client.request(method, _fill(path, BAD_IDS[0]), json=body, headers=operator.headers)
    if first.status_code == 403 and path.startswith("/api/v1/me/"):
        caller = freelancer
    for bad_id in BAD_IDS:
        response = await client.request(method, _fill(path, bad_id), json=body, headers=caller.headers)
        problem = _assert_problem(response, 422)
        assert {e["field"] for e in problem["errors"]} & {f"path.{name}" for name in ids}, (bad_id, problem)


async def test_range_errors_read_plainly(client: Client, operator: Caller) -> None:
    too_big = await client.get("/api/v1/missions/2147483648", headers={**operator.headers, **ENGLISH})
    assert _assert_problem(too_big, 422)["errors"] == [
        {"field": "path.mission_id", "reason": "must be at most 2147483647", "code": "too_large"}
    ]
    zero = await client.get("/api/v1/missions?limit=0", headers={**operator.headers, **ENGLISH})
    assert _assert_problem(zero, 422)["errors"] == [
        {"field": "query.limit", "reason": "must be at least 1", "code": "too_small"}
    ]
    french = await client.get("/api/v1/missions?limit=0", headers=operator.headers)
    assert _assert_problem(french, 422)["errors"][0]["reason"] == "doit valoir au moins 1"


async def test_non_ascii_digits_never_reach_a_row(client: Client, operator: Caller, company: Caller) -> None:
    """`/companies/١٢/close` closed company 12: Arabic-Indic digits are not an id."""
    arabic = "".join(chr(0x0660 + int(d)) for d in str(company.id))
    response = await client.post(f"/api/v1/companies/{arabic}/close", headers=operator.headers)
    _assert_problem(response, 422, "path.company_id")
    assert (await client.get(f"/api/v1/companies/{company.id}", headers=operator.headers)).json()["active"]


@pytest.mark.parametrize(
    "query",
    [
        "offset=9223372036854775808",
        "offset=2147483648",
        "limit=9223372036854775808",
        "offset=-1",
        "company_id=2147483648",
        "company_id=99999999999999999999",
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/missions", "/api/v1/review-queue"])
async def test_query_integers_beyond_range_are_422(
    client: Client, operator: Caller, path: str, query: str
) -> None:
    response = await client.get(f"{path}?{query}", headers=operator.headers)
    _assert_problem(response, 422, f"query.{query.split('=')[0]}")


@pytest.mark.parametrize(
    "query",
    ["mission_id=2147483648", "tjm_min=99999999999999999999", "min_score=nan", "min_score=inf"],
)
async def test_more_query_numbers_beyond_range_are_422(client: Client, operator: Caller, query: str) -> None:
    path = "/api/v1/review-queue" if not query.startswith("tjm") else "/api/v1/freelancers"
    response = await client.get(f"{path}?{query}", headers=operator.headers)
    _assert_problem(response, 422, f"query.{query.split('=')[0]}")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/taxonomy?kind=%00", "query.kind"),
        ("/api/v1/freelancers?competence=it%00security", "query.competence"),
        ("/api/v1/freelancers?sort=%00", "query.sort"),
        ("/api/v1/missions?competence=%00", "query.competence"),
        ("/api/v1/market-check?band=%00&tjm=500", "query.band"),
        ("/api/v1/review-queue?band=%00", "query.band"),
    ],
)
async def test_nul_in_a_query_is_422(client: Client, operator: Caller, path: str, field: str) -> None:
    _assert_problem(await client.get(path, headers=operator.headers), 422, field)


async def test_nul_in_a_path_is_422(client: Client, operator: Caller) -> None:
    response = await client.put("/api/v1/rate-grid/y3%004", json={"note": "x"}, headers=operator.headers)
    _assert_problem(response, 422, "path.band_id")
    response = await client.get("/api/v1/jobs/ab%00cd", headers=operator.headers)
    assert response.status_code in (404, 422), response.text


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("headline", "CTO\u0000", "body.headline"),
        ("full_name", "A\u0000B", "body.full_name"),
        ("sectors", ["fin\u0000tech"], "body.sectors[0]"),
        ("references", [{"name": "X", "contact": "\u0000"}], "body.references[0].contact"),
    ],
)
async def test_nul_or_surrogates_in_a_body_are_422_naming_each_field(
    client: Client, field: str, value: Any, where: str
) -> None:
    body = json.dumps(freelancer_payload(**{field: value})).encode()  # ASCII, surrogates escaped
    response = await client.post(
        "/api/v1/freelancers", content=body, headers={"content-type": "application/json"}
    )
    _assert_problem(response, 422, where)


async def test_every_bad_string_is_named_at_once(client: Client, company: Caller) -> None:
    mission = await post_mission(client, company)
    response = await client.patch(
        f"/api/v1/missions/{mission['id']}",
        json={"title": "T\u0000", "description": "D\u0000", "location": "Paris"},
        headers=company.headers,
    )
    problem = _assert_problem(response, 422)
    assert {e["field"] for e in problem["errors"]} == {"body.title", "body.description"}


async def test_an_unpaired_surrogate_escape_is_400(client: Client) -> None:
    body = json.dumps(freelancer_payload(summary="half a pair \ud800")).encode()
    response = await client.post(
        "/api/v1/freelancers", content=body, headers={"content-type": "application/json"}
    )
    assert "surrogate" in _assert_problem(response, 400)["detail"]


async def test_a_missing_body_is_named_plainly(client: Client, freelancer: Caller) -> None:
    response = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}", headers={**freelancer.headers, **ENGLISH}
    )
    problem = _assert_problem(response, 422)
    assert problem["errors"] == [
        {"field": "body", "reason": "a JSON object is required (the request has no body)", "code": "missing"}
    ]


async def test_invalid_utf8_body_is_400(client: Client, freelancer: Caller) -> None:
    response = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}",
        content=b'{"headline": "caf\xe9"}',
        headers={**freelancer.headers, "content-type": "application/json"},
    )
    problem = _assert_problem(response, 400)
    assert "UTF-8" in problem["detail"]


@pytest.mark.parametrize("depth", [65, 1_000, 20_000])
async def test_deeply_nested_json_is_400(client: Client, freelancer: Caller, depth: int) -> None:
    body = b'{"headline": ' + b"[" * depth + b"]" * depth + b"}"
    response = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}",
        content=body,
        headers={**freelancer.headers, "content-type": "application/json", **ENGLISH},
    )
    problem = _assert_problem(response, 400)
    assert "nests deeper" in problem["detail"]


async def test_brackets_inside_strings_are_not_nesting(client: Client, freelancer: Caller) -> None:
    headline = "[" * 200 + '"{' * 50
    response = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}", json={"headline": headline}, headers=freelancer.headers
    )
    assert response.status_code == 200 and response.json()["headline"] == headline


async def test_options_answers_204_with_allow_on_every_route(client: Client) -> None:
    for path, methods, _ in ROUTES:
        response = await client.options(_fill(path, "1"))
        assert response.status_code == 204, (path, response.text)
        allowed = {m.strip() for m in response.headers["allow"].split(",")}
        assert methods <= allowed and "OPTIONS" in allowed, (path, allowed)


text_with_hazards = st.text(
    alphabet=st.sampled_from(["a", "é", " ", "\u0000", "\r", "\n", "\ud800", "\u2028", "日"]),
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headline=text_with_hazards, city=text_with_hazards, sector=text_with_hazards)
async def test_no_string_makes_a_500(
    client: Client, freelancer: Caller, headline: str, city: str, sector: str
) -> None:
    """Whatever the characters: stored as sent, or a 4xx problem (NUL: 422, lone surrogate: 400)."""
    body = json.dumps({"headline": headline or "x", "location": city, "sectors": [sector]}).encode()
    response = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}",
        content=body,
        headers={**freelancer.headers, "content-type": "application/json"},
    )
    texts = (headline, city, sector)
    if any(0xD800 <= ord(c) <= 0xDFFF for t in texts for c in t):
        assert response.status_code == 400, response.text
    elif any("\u0000" in t for t in texts):
        assert response.status_code == 422, response.text
    elif response.status_code != 422:  # e.g. a blank headline: refused with its reason
        assert response.status_code == 200, response.text
        stored = (await client.get(f"/api/v1/freelancers/{freelancer.id}", headers=freelancer.headers)).json()
        assert stored["location"] == city and stored["sectors"] == [sector]
