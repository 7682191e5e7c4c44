"""The cached pool of active profiles is never stale: after any mix of writes it equals a fresh encode."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import delete, select, update

from matching import ProfileInput, encode_profiles
from models import FreelancerProfile
from service.db import Database
from service.engine_inputs.rows import load_context, profile_input
from service.scoring.pool_cache import ActivePool, active_pool, active_profiles
from tests.factories import Caller, register_freelancer
from tests.pool_equality import assert_same_pool

Client = AsyncTestClient[Any]


def input_of(active: ActivePool, profile_id: int) -> ProfileInput | None:
    """The cached input of this profile, None when it is not in the pool."""
    return next((p for p in active.profiles if p.id == profile_id), None)


async def cached(database: Database) -> ActivePool:
    async with database.session() as session:
        return await active_profiles(session, await load_context(session))


async def assert_current(database: Database, active: ActivePool) -> None:
    """The cached pool equals the pool encoded from scratch from the ORM rows of the active profiles."""
    async with database.session() as session:
        ctx = await load_context(session)
        rows = await session.scalars(
            select(FreelancerProfile).where(FreelancerProfile.active).order_by(FreelancerProfile.id)
        )
        expected = [profile_input(p) for p in rows]
    assert active.profiles == expected
    assert [repr(p) for p in active.profiles] == [repr(p) for p in expected]
    assert_same_pool(active.pool, encode_profiles(expected, ctx.vocab, ctx.grid))


async def _write(
    client: Client, operator: Caller, rng: random.Random, ids: list[int], inactive: set[int]
) -> int:
    """One random write through the API (create, edit, deactivate, reactivate); the profile written."""
    choice = rng.choice(("create", "edit", "edit", "competences", "deactivate", "reactivate"))
    if choice == "create" or not ids:
        created = await register_freelancer(client, tjm=rng.randint(300, 1200))
        ids.append(created.id)
        return created.id
    target = rng.choice(ids)
    path = f"/api/v1/freelancers/{target}"
    if choice == "deactivate":
        response = await client.post(f"{path}/deactivate", headers=operator.headers)
        inactive.add(target)
    else:
        body: dict[str, Any] = {
            "edit": {"tjm": rng.randint(300, 1200), "summary": f"Cloud migration {rng.random()}"},
            "competences": {
                "competences": [{"id": "leadership", "level": rng.randint(1, 5)}],
                "sectors": [rng.choice(("fintech", "healthtech", "Agency "))],
            },
            "reactivate": {"active": True},
        }[choice]
        response = await client.patch(path, json=body, headers=operator.headers)
        if choice == "reactivate":
            inactive.discard(target)
    assert response.status_code in (200, 204), response.text
    return target


async def test_the_pool_follows_creates_edits_deactivations_and_deletions(
    client: Client, database: Database, operator: Caller
) -> None:
    rng = random.Random(20261201)
    ids: list[int] = []
    inactive: set[int] = set()
    for _ in range(4):
        ids.append((await register_freelancer(client)).id)
    before = await cached(database)
    await assert_current(database, before)
    for _ in range(8):
        written = {await _write(client, operator, rng, ids, inactive) for _ in range(rng.randint(1, 3))}
        after = await cached(database)
        await assert_current(database, after)
        # Only what was written is reloaded: the other profiles keep their (unchanged) inputs.
        untouched = [p for p in before.profiles if p.id not in written]
        assert all(input_of(after, p.id) is p for p in untouched)
        before = after
    assert inactive, "the random walk should deactivate at least one profile"
    async with database.session() as session:
        await session.execute(delete(FreelancerProfile).where(FreelancerProfile.id == ids[0]))
        await session.commit()
    gone = await cached(database)
    await assert_current(database, gone)
    assert input_of(gone, ids[0]) is None


async def test_a_row_rewritten_at_the_same_revision_is_reloaded(database: Database, client: Client) -> None:
    """A restored database starts again at revision 1: updated_at tells the rows apart."""
    profile = await register_freelancer(client, tjm=500)
    assert input_of(await cached(database), profile.id) is not None
    async with database.session() as session:
        await session.execute(
            update(FreelancerProfile)
            .where(FreelancerProfile.id == profile.id)
            .values(tjm=900, updated_at=datetime.now(UTC))
        )
        await session.commit()
    active = await cached(database)
    await assert_current(database, active)
    reloaded = input_of(active, profile.id)
    assert reloaded is not None and reloaded.tjm == 900


async def test_a_grid_change_rebuilds_the_pool(client: Client, database: Database, operator: Caller) -> None:
    for years in (4, 8, 12):
        await register_freelancer(client, years_experience=years, tjm=600)
    old = await cached(database)
    response = await client.put("/api/v1/rate-grid/y5_10", json={"tjm_high": 500}, headers=operator.headers)
    assert response.status_code == 200
    new = await cached(database)
    await assert_current(database, new)
    assert old.pool.grid != new.pool.grid
    assert not (old.pool.terms.market_over == new.pool.terms.market_over).all()


async def test_the_tuple_form_agrees(client: Client, database: Database) -> None:
    first, second = await register_freelancer(client), await register_freelancer(client)
    active = await cached(database)
    async with database.session() as session:
        profiles, pool = await active_pool(session, await load_context(session))
    assert profiles == active.profiles and pool.ids.tolist() == [first.id, second.id]
