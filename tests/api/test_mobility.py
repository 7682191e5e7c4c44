"""A freelancer's mobility through the API (SQLite and PostgreSQL): stored trimmed, known places in
their usual spelling and once, read by every view, refused in words entry by entry, exported, written
into the engine's inputs (with each mission's region) and picked up by rescoring like any other edit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from models import FreelancerProfile, Mission
from service.db import Database
from service.engine_inputs.loaders import load_mission_inputs, load_profile_inputs
from service.engine_inputs.rows import load_context, mission_input, profile_input
from service.fixtures_loader import load_demo_data
from service.scoring.pool_cache import active_profiles
from service.scoring.sweep import stale_ids
from tests.conftest import TEST_SECRET
from tests.factories import Caller, post_mission, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
ENGLISH = {"Accept-Language": "en"}
DEMO_FREELANCERS = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "freelancers.json"


def _errors(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 422, response.text
    return {e["field"]: e for e in response.json()["errors"]}


async def test_mobility_is_stored_as_the_places_it_names_and_read_by_every_view(
    client: Client, company: Caller, operator: Caller
) -> None:
    typed = [" lyon ", "Brittany", "Lyon", "Le Bourget-du-Lac", "bretagne", "SAINT-ETIENNE"]
    created = await client.post(
        "/api/v1/freelancers",
        json={
            "email": "mobile@example.test",
            "full_name": "Claire Martin",
            "headline": "Fractional CTO",
            "years_experience": 12,
            "tjm": 680,
            "available_from": "2027-01-04",
            "remote_preference": "hybrid",
            "location": "Paris",
            "mobility": typed,
        },
    )
    assert created.status_code == 201, created.text
    profile, key = created.json()["profile"], created.json()["api_key"]
    stored = ["Lyon", "Bretagne", "Le Bourget-du-Lac", "Saint-Étienne"]
    assert profile["mobility"] == stored and profile["mobility_anywhere"] is False
    path = f"/api/v1/freelancers/{profile['id']}"
    for headers in ({"X-API-Key": key}, operator.headers, company.headers):
        read = (await client.get(path, headers=headers)).json()
        assert (read["mobility"], read["mobility_anywhere"]) == (stored, False), read["view"]
    listed = await client.get("/api/v1/freelancers", headers=company.headers)
    assert [p["mobility"] for p in listed.json()["items"] if p["id"] == profile["id"]] == [stored]

    # PATCH changes only what it sends.
    anywhere = await client.patch(path, json={"mobility_anywhere": True}, headers={"X-API-Key": key})
    assert anywhere.status_code == 200
    assert (anywhere.json()["mobility"], anywhere.json()["mobility_anywhere"]) == (stored, True)
    cleared = await client.patch(path, json={"mobility": []}, headers={"X-API-Key": key})
    assert (cleared.json()["mobility"], cleared.json()["mobility_anywhere"]) == ([], True)
    read = (await client.get(path, headers={"X-API-Key": key})).json()
    assert (read["mobility"], read["mobility_anywhere"]) == ([], True)


async def test_a_profile_without_mobility_lists_nothing(client: Client, freelancer: Caller) -> None:
    read = (await client.get(f"/api/v1/freelancers/{freelancer.id}", headers=freelancer.headers)).json()
    assert (read["mobility"], read["mobility_anywhere"]) == ([], False)


async def test_a_bad_entry_is_named_with_why_in_french_and_english(
    client: Client, freelancer: Caller
) -> None:
    path = f"/api/v1/freelancers/{freelancer.id}"
    body = {"mobility": ["Lyon", "   ", "  " + "x" * 81 + " "]}
    french = _errors(await client.patch(path, json=body, headers=freelancer.headers))
    assert set(french) == {"body.mobility[1]", "body.mobility[2]"}
    assert french["body.mobility[1]"]["code"] == "too_short"
    assert "doit nommer une ville ou une région" in french["body.mobility[1]"]["reason"]
    assert french["body.mobility[2]"]["code"] == "too_long"
    assert "80 caractères" in french["body.mobility[2]"]["reason"]
    english = _errors(await client.patch(path, json=body, headers={**freelancer.headers, **ENGLISH}))
    assert "must name a city or a region" in english["body.mobility[1]"]["reason"]
    assert "at most 80 characters" in english["body.mobility[2]"]["reason"]

    too_many = _errors(
        await client.patch(
            path, json={"mobility": [f"Ville {i}" for i in range(31)]}, headers=freelancer.headers
        )
    )
    assert "30" in too_many["body.mobility"]["reason"]
    wrong = _errors(
        await client.patch(
            path, json={"mobility_anywhere": "oui", "mobility": [""]}, headers=freelancer.headers
        )
    )
    assert set(wrong) == {"body.mobility_anywhere", "body.mobility[0]"}
    # A body refused for its shape still names the blank entry: one 422 says everything.
    shape = _errors(
        await client.patch(path, json={"tjm": "cher", "mobility": ["Lyon", " "]}, headers=freelancer.headers)
    )
    assert set(shape) == {"body.tjm", "body.mobility[1]"}
    read = (await client.get(path, headers=freelancer.headers)).json()
    assert read["mobility"] == [] and read["revision"] == 1  # refused writes move nothing


async def test_registration_refuses_a_blank_entry(client: Client) -> None:
    refused = await client.post(
        "/api/v1/freelancers",
        json={
            "email": "blank@example.test",
            "full_name": "Claire Martin",
            "headline": "CTO",
            "years_experience": 12,
            "tjm": 680,
            "available_from": "2027-01-04",
            "remote_preference": "onsite",
            "mobility": ["Lyon", "\t"],
        },
    )
    assert list(_errors(refused)) == ["body.mobility[1]"]


async def test_the_export_holds_the_mobility(client: Client) -> None:
    caller = await register_freelancer(client, mobility=["Nantes", "Bretagne"], mobility_anywhere=True)
    exported = await client.get("/api/v1/me/data", headers=caller.headers)
    assert exported.status_code == 200
    profile = exported.json()["freelancer_profile"]
    assert profile["mobility"] == ["Nantes", "Bretagne"] and profile["mobility_anywhere"] is True


async def test_the_engine_inputs_carry_the_mobility_and_the_missions_region(
    client: Client, database: Database, company: Caller
) -> None:
    mobile = await register_freelancer(client, location="Paris", mobility=["grenoble", "Bretagne"])
    anywhere = await register_freelancer(client, location="Nantes", mobility_anywhere=True)
    brest = (await post_mission(client, company, location="Brest"))["id"]
    unknown = (await post_mission(client, company, location="Le Bourget-du-Lac"))["id"]
    async with database.session() as session:
        profiles = {p.id: p for p in await load_profile_inputs(session, [mobile.id, anywhere.id])}
        missions = {m.id: m for m in await load_mission_inputs(session, [brest, unknown])}
        orm_profile = profile_input(await session.get_one(FreelancerProfile, mobile.id))
        orm_mission = mission_input(await session.get_one(Mission, brest))
    assert profiles[mobile.id].mobility == ("Grenoble", "Bretagne") == orm_profile.mobility
    assert not profiles[mobile.id].mobility_anywhere and profiles[anywhere.id].mobility_anywhere
    assert profiles[anywhere.id].mobility == ()
    assert missions[brest].region == "Bretagne" == orm_mission.region
    assert missions[unknown].region == ""


async def test_an_edit_of_the_mobility_alone_is_rescored_like_any_edit(
    client: Client, database: Database, freelancer: Caller, work_queue: RecordingWorkQueue
) -> None:
    async with database.session() as session:
        before = await active_profiles(session, await load_context(session))
        await session.execute(
            update(FreelancerProfile)
            .where(FreelancerProfile.id == freelancer.id)
            .values(scored_revision=FreelancerProfile.revision, scored_algorithm=None)
        )
        await session.commit()
    work_queue.calls.clear()
    changed = await client.patch(
        f"/api/v1/freelancers/{freelancer.id}", json={"mobility": ["Lyon"]}, headers=freelancer.headers
    )
    assert changed.status_code == 200 and changed.json()["revision"] == 2
    assert work_queue.calls == [("profile", freelancer.id)]
    async with database.session() as session:
        row = await session.get_one(FreelancerProfile, freelancer.id)
        assert row.scored_revision != row.revision
        assert freelancer.id in (await stale_ids(session))[1]
        after = await active_profiles(session, await load_context(session))
    old = next(p for p in before.profiles if p.id == freelancer.id)
    new = next(p for p in after.profiles if p.id == freelancer.id)
    assert (old.mobility, new.mobility) == ((), ("Lyon",))


async def test_the_demo_fixtures_load_with_their_mobility(database: Database) -> None:
    async with database.session() as session:
        await load_demo_data(session, TEST_SECRET)
        rows = (
            await session.execute(
                select(
                    FreelancerProfile.full_name,
                    FreelancerProfile.mobility,
                    FreelancerProfile.mobility_anywhere,
                ).join(FreelancerProfile.account)
            )
        ).all()
    demo = json.loads(DEMO_FREELANCERS.read_text("utf-8"))
    loaded = sorted((r.full_name, list(r.mobility), r.mobility_anywhere) for r in rows)
    assert loaded == sorted((f["full_name"], f["mobility"], f["mobility_anywhere"]) for f in demo)
    assert any(mobility for _, mobility, _ in loaded) and any(anywhere for *_, anywhere in loaded)
