"""Every request body the API documents has an example, and that example is a valid request: what the
docs pages (Scalar, Swagger UI) send when a user clicks "try it" is accepted as is.

The operations come from the served `/docs/openapi.json`, so a new operation whose body has no example,
or an invalid one, fails here. Each example is sent on real rows (path ids of a registered company,
freelancer, mission and match), with the `If-Match` the operation documents, by the roles the route
allows, least privileged first, until one is answered 2xx; an anonymous route is called without a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.openapi_examples import EXAMPLE_BAND
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
#: Who tries an example, in this order: the first role the route allows that gets a 2xx shows it works.
ROLE_ORDER = ("anonymous", "freelancer", "company", "operator")


@dataclass(frozen=True)
class World:
    """Rows the examples act on, and a key per role (None: no key)."""

    path_ids: dict[str, str]
    keys: dict[str, str | None]

    def headers(self, role: str) -> dict[str, str]:
        key = self.keys[role]
        return {} if key is None else {"X-API-Key": key}


async def _world(client: Client, work_queue: RecordingWorkQueue, operator: Caller) -> World:
    work_queue.inline = True  # score the mission now, so it has matches
    freelancer = await register_freelancer(client)
    second_registration = await register_freelancer(client)  # what the merge example merges
    company = await register_company(client)
    mission = await post_mission(client, company)
    work_queue.inline = False
    matches = await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=operator.headers)
    assert matches.status_code == 200 and matches.json()["items"], matches.text
    grid = (await client.get("/api/v1/rate-grid")).json()
    assert EXAMPLE_BAND in {band["id"] for band in grid["bands"]}
    ids = {
        "company_id": company.id,
        "profile_id": freelancer.id,
        "duplicate_id": second_registration.id,
        "mission_id": mission["id"],
        "match_id": matches.json()["items"][0]["id"],
        "band_id": EXAMPLE_BAND,
    }
    keys = {
        "anonymous": None,
        "freelancer": freelancer.api_key,
        "company": company.api_key,
        "operator": operator.api_key,
    }
    return World({name: str(value) for name, value in ids.items()}, keys)


def _route_roles(app: Litestar) -> dict[tuple[str, str], frozenset[str]]:
    """The roles each route declares, keyed as the OpenAPI document names operations."""
    found = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            path = route.path.replace(":int}", "}").replace(":str}", "}")
            for method in handler.http_methods:
                found[(method.lower(), path)] = handler.opt.get("roles", frozenset())
    return found


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


#: Examples that can only be valid for one caller (an erasure confirms the caller's own e-mail, and a
#: valid one would erase the account the other examples need): the field that names the caller.
#: tests/api/test_privacy.py sends real ones.
CALLER_SPECIFIC = {"POST /api/v1/me/erase": "body.confirm_email"}
#: Examples naming another row by id in their body: the field, and the row of `_world` it is sent as
#: (the documented id is an example, the test database's ids are its own).
BODY_IDS = {"POST /api/v1/freelancers/{duplicate_id}/merge": {"into": "profile_id"}}


def documented_example(schema: dict[str, Any], body: dict[str, Any]) -> Any | None:
    """The JSON example a docs page sends: the body schema's first example, else its component's."""
    media = body.get("content", {}).get("application/json")
    if media is None:
        return None
    node = media["schema"]
    for candidate in (node, *node.get("allOf", [])):
        examples = _resolve(schema, candidate).get("examples")
        if examples:
            return examples[0]
    return None


async def _etag(client: Client, schema: dict[str, Any], path: str, world: World) -> str | None:
    """The ETag of what the operation changes: GET of its path, else of its parent (a match's decisions)."""
    template = path
    while template.count("/") > 1:
        if "get" in schema["paths"].get(template, {}):
            url = template.format(**world.path_ids)
            response = await client.get(url, headers=world.headers("operator"))
            etag: str | None = response.headers.get("ETag")
            return etag
        template = template.rsplit("/", 1)[0]
    return None


async def _send_example(
    client: Client,
    schema: dict[str, Any],
    world: World,
    roles: frozenset[str],
    method: str,
    path: str,
    operation: dict[str, Any],
    example: Any,
) -> str | None:
    """None when a role allowed on the route gets a 2xx; otherwise what each one got."""
    try:
        url = path.format(**world.path_ids)
    except KeyError as missing:
        return f"no real row for the path parameter {missing} (add one to _world)"
    wants_if_match = any(
        p["in"] == "header" and p["name"].lower() == "if-match" for p in operation.get("parameters", [])
    )
    answers = []
    for role in (r for r in ROLE_ORDER if r in roles):
        headers = world.headers(role)
        if wants_if_match:
            etag = await _etag(client, schema, path, world)
            if etag is None:
                return f"asks for If-Match, but no GET of {path} or its parent answers an ETag"
            headers["If-Match"] = etag
        response = await client.request(method.upper(), url, json=example, headers=headers)
        if 200 <= response.status_code < 300:
            return None
        answers.append(f"{role}: {response.status_code} {response.text[:300]}")
        if response.status_code >= 500:
            break
    return "; ".join(answers) or f"no role to try (the route declares {sorted(roles)})"


async def test_every_request_body_example_is_a_valid_request(
    client: Client, work_queue: RecordingWorkQueue, operator: Caller
) -> None:
    world = await _world(client, work_queue, operator)
    schema = (await client.get("/docs/openapi.json")).json()
    roles = _route_roles(client.app)
    operations = [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]
    assert len(operations) >= 8, [f"{m.upper()} {p}" for m, p, _ in operations]
    failures = {}
    for method, path, operation in operations:
        name = f"{method.upper()} {path}"
        example = documented_example(schema, operation["requestBody"])
        if example is None:
            failures[name] = "the request body documents no JSON example"
            continue
        for field, row in BODY_IDS.get(name, {}).items():
            example = {**example, field: int(world.path_ids[row])}
        if name in CALLER_SPECIFIC:
            # Sent as is, it must be refused on the one field that names the caller, nothing else.
            response = await client.post(path, json=example, headers=world.headers("freelancer"))
            fields = [e["field"] for e in response.json().get("errors", [])]
            if response.status_code != 422 or fields != [CALLER_SPECIFIC[name]]:
                failures[name] = f"{response.status_code} {response.text[:300]}"
            continue
        outcome = await _send_example(
            client, schema, world, roles[(method, path)], method, path, operation, example
        )
        if outcome is not None:
            failures[name] = outcome
    assert failures == {}


def test_the_examples_check_finds_a_missing_example() -> None:
    """The schema walk must not mistake a body without an example for one with it."""
    schema: dict[str, Any] = {"components": {"schemas": {"Thing": {"type": "object"}}}}
    ref = {"$ref": "#/components/schemas/Thing"}
    body = {"content": {"application/json": {"schema": ref}}}
    assert documented_example(schema, body) is None
    schema["components"]["schemas"]["Thing"]["examples"] = [{"name": "x"}]
    assert documented_example(schema, body) == {"name": "x"}
    wrapped = {"content": {"application/json": {"schema": {"allOf": [ref], "examples": [{"name": "y"}]}}}}
    assert documented_example(schema, wrapped) == {"name": "y"}
