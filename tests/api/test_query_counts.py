"""The lists an operator pages through read with a fixed number of SQL statements, whatever the page size.

Each request's statements are counted on the app's engine (authentication included). A list that
loaded its rows as ORM graphs, with select-in loaders per relation, ran a few more statements per
page and re-read the rate grid on every request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import event

from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]

PROFILES = 60
SMALL, LARGE = 5, 50


@contextmanager
def counting_statements(client: Client) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs."""
    engine = client.app.state.database.engine.sync_engine
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def statements_for(client: Client, path: str, headers: dict[str, str], expected_items: int) -> int:
    with counting_statements(client) as statements:
        response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    assert len(response.json()["items"]) == expected_items
    return len(statements)


@pytest.fixture
async def pool(client: Client, work_queue: RecordingWorkQueue) -> dict[str, Any]:
    """60 profiles and one mission scored against them (60 pending matches)."""
    profiles = [await register_freelancer(client, full_name=f"Profile {i:02d}") for i in range(PROFILES)]
    company = await register_company(client)
    work_queue.inline = True
    mission = await post_mission(client, company)
    return {"mission": mission, "profiles": profiles}


@pytest.mark.parametrize(
    ("path", "most"),
    [
        # the key; the mission with the grid's revision; the page with its total
        ("/api/v1/missions/{mission}/matches", 3),
        # the key; the page with its total; whether its freelancers have a possible duplicate
        # (the pool's 60 profiles share one phone: every row is flagged, still in one statement)
        ("/api/v1/review-queue", 3),
        # the key; the grid's revision; the page with its total; the page's child lists
        ("/api/v1/freelancers", 4),
    ],
)
async def test_a_list_reads_with_the_same_few_statements_for_5_or_50_rows(
    client: Client, operator: Caller, pool: dict[str, Any], path: str, most: int
) -> None:
    url = path.format(mission=pool["mission"]["id"])
    await client.get(url, headers=operator.headers)  # the process reads the grid once
    small = await statements_for(client, f"{url}?limit={SMALL}", operator.headers, SMALL)
    large = await statements_for(client, f"{url}?limit={LARGE}", operator.headers, LARGE)
    assert small == large
    assert large <= most


async def test_a_freelancers_matches_read_with_three_statements(
    client: Client, operator: Caller, pool: dict[str, Any]
) -> None:
    url = f"/api/v1/freelancers/{pool['profiles'][0].id}/matches"
    # A key's first use of the minute also records its last use (one UPDATE): counted apart.
    await client.get(url, headers=operator.headers)
    assert await statements_for(client, url, operator.headers, 1) <= 3  # key, profile, page with its total


async def test_a_page_past_the_end_still_has_its_total(
    client: Client, operator: Caller, pool: dict[str, Any]
) -> None:
    for path in ("/api/v1/review-queue", "/api/v1/freelancers"):
        body = (await client.get(f"{path}?offset=1000", headers=operator.headers)).json()
        assert body["items"] == []
        assert body["total"] == PROFILES
