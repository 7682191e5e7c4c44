"""The rate grid with care, through the API (SQLite and PostgreSQL): every change of a band appends a
revision (who, when, before, after), each match names the revision it was scored with, a preview
writes nothing and counts the matches a real rescore then moves by more than 5 points, and refusals
are said in words."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from models import GridRevision, Match, RateBand, ScoringJob
from service.app import create_app
from service.db import Database
from tests.conftest import Backend
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
BANDS = 6
TJM_HEAVY = {"competences": 0.14, "cto_missions": 0.0, "tjm": 0.42}
#: Figures for y11_15 (650–685 € as published) far enough to move the TJM fit of its freelancers.
LOWER_MARKET = {"tjm_low": 480, "tjm_high": 520}


async def _revisions(client: Client, operator: Caller, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/rate-grid/revisions", params=params, headers=operator.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _scores(database: Database) -> dict[tuple[int, int], tuple[float, int | None]]:
    async with database.session() as session:
        rows = await session.execute(
            select(Match.mission_id, Match.freelancer_id, Match.score, Match.grid_revision_id)
        )
        return {(r[0], r[1]): (float(r[2]), r[3]) for r in rows}


async def _counts(database: Database) -> dict[str, Any]:
    async with database.session() as session:
        counted = {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model))
            for model in (Match, GridRevision, ScoringJob)
        }
        bands = (await session.execute(select(RateBand.id, RateBand.tjm_low, RateBand.tjm_high))).all()
        updated = await session.scalar(select(func.max(RateBand.updated_at)))
    return {**counted, "bands": sorted(tuple(b) for b in bands), "updated": updated}


async def _score_pool(client: Client, company: Caller, work_queue: RecordingWorkQueue) -> dict[str, Any]:
    """Missions of y11_15 and freelancers of that band at several rates, scored by the worker path."""
    work_queue.inline = True
    profiles = [(await register_freelancer(client, tjm=tjm)).id for tjm in (520, 600, 680, 760)]
    missions = [
        await post_mission(client, company, title="CTO fintech", tjm_min=600, tjm_max=700),
        await post_mission(client, company, title="CTO à budget serré", tjm_min=500, tjm_max=560),
    ]
    work_queue.inline = False
    return {"profiles": profiles, "missions": [m["id"] for m in missions]}


@pytest.fixture
async def scored(client: Client, company: Caller, work_queue: RecordingWorkQueue) -> dict[str, Any]:
    return await _score_pool(client, company, work_queue)


@pytest.fixture
async def tjm_heavy(
    backend: Backend, database: Database, work_queue: RecordingWorkQueue
) -> AsyncIterator[Client]:
    """The app and its worker weighing the TJM fit three times the default: with the default weights a
    grid change moves a score by at most 100 × 0.14 × 0.3 = 4.2 points (the market share of the TJM
    fit), never more than 5."""
    settings = dataclasses.replace(backend.settings, match_weights=TJM_HEAVY)
    work_queue.settings = settings
    async with AsyncTestClient(app=create_app(settings, work_queue=work_queue)) as heavy:
        yield heavy


async def test_the_grid_starts_with_one_initial_revision_per_band(client: Client, operator: Caller) -> None:
    body = await _revisions(client, operator, limit=50)
    assert body["total"] == BANDS and len(body["items"]) == BANDS
    assert {r["band_id"] for r in body["items"]} == {"lt1", "y1_2", "y3_4", "y5_10", "y11_15", "gt15"}
    assert all(r["before"] is None and r["actor_account_id"] is None for r in body["items"])
    y11 = next(r for r in body["items"] if r["band_id"] == "y11_15")
    assert y11["after"] == {"tjm_low": 650, "tjm_high": 685, "tjm_ceiling": None, "note": ""}


async def test_a_change_appends_a_revision_with_who_before_and_after(
    client: Client, operator: Caller
) -> None:
    body = {"tjm_low": 640, "reason": "Relevé du trimestre"}
    response = await client.put("/api/v1/rate-grid/y11_15", json=body, headers=operator.headers)
    assert response.status_code == 200, response.text
    second = await client.put("/api/v1/rate-grid/y11_15", json={"tjm_high": 700}, headers=operator.headers)
    assert second.status_code == 200, second.text
    same = await client.put("/api/v1/rate-grid/y11_15", json={"tjm_high": 700}, headers=operator.headers)
    assert same.status_code == 200 and same.json()["job"] is None

    page = await _revisions(client, operator, limit=2)
    assert page["total"] == BANDS + 2, "a body that changes nothing appends no revision"
    newest, first = page["items"]
    assert newest["id"] > first["id"], "newest first"
    assert first["band_id"] == "y11_15" and first["actor_account_id"] == operator.id
    assert first["actor_email"].startswith("operator")
    assert first["before"] == {"tjm_low": 650, "tjm_high": 685, "tjm_ceiling": None, "note": ""}
    assert first["after"] == {"tjm_low": 640, "tjm_high": 685, "tjm_ceiling": None, "note": ""}
    assert first["reason"] == "Relevé du trimestre" and first["created_at"]
    assert (newest["before"]["tjm_high"], newest["after"]["tjm_high"]) == (685, 700)
    # The earlier revision is as it was written: revisions are appended, never rewritten.
    again = (await _revisions(client, operator, limit=1, offset=1))["items"][0]
    assert again == first


async def test_revisions_are_for_operators_and_paginated(
    client: Client, operator: Caller, company: Caller
) -> None:
    assert (await client.get("/api/v1/rate-grid/revisions")).status_code == 401
    forbidden = await client.get("/api/v1/rate-grid/revisions", headers=company.headers)
    assert forbidden.status_code == 403
    page = await _revisions(client, operator, limit=4, offset=4)
    assert (page["limit"], page["offset"], page["total"], len(page["items"])) == (4, 4, BANDS, 2)
    too_big = await client.get("/api/v1/rate-grid/revisions?limit=500", headers=operator.headers)
    assert too_big.status_code in (400, 422)


async def test_matches_record_the_revision_they_were_scored_with(
    client: Client,
    operator: Caller,
    database: Database,
    work_queue: RecordingWorkQueue,
    scored: dict[str, Any],
) -> None:
    initial = max(r["id"] for r in (await _revisions(client, operator, limit=50))["items"])
    scores = await _scores(database)
    assert scores and {revision for _, revision in scores.values()} == {initial}
    listed = await client.get(f"/api/v1/missions/{scored['missions'][0]}/matches", headers=operator.headers)
    assert {m["grid_revision_id"] for m in listed.json()["items"]} == {initial}

    work_queue.inline = True
    response = await client.put("/api/v1/rate-grid/y11_15", json=LOWER_MARKET, headers=operator.headers)
    assert response.status_code == 200 and response.json()["job"] is not None
    newest = (await _revisions(client, operator, limit=1))["items"][0]["id"]
    assert newest > initial
    assert {revision for _, revision in (await _scores(database)).values()} == {newest}
    match_id = listed.json()["items"][0]["id"]
    one = await client.get(f"/api/v1/matches/{match_id}", headers=operator.headers)
    assert one.status_code == 200 and one.json()["match"]["grid_revision_id"] == newest


async def test_a_preview_writes_nothing(
    client: Client,
    operator: Caller,
    database: Database,
    work_queue: RecordingWorkQueue,
    scored: dict[str, Any],
) -> None:
    before = await _counts(database)
    calls = list(work_queue.calls)
    response = await client.post(
        "/api/v1/rate-grid/y11_15/preview", json=LOWER_MARKET, headers=operator.headers
    )
    assert response.status_code == 200, response.text
    assert await _counts(database) == before
    assert work_queue.calls == calls, "a preview queues no rescore"
    grid = {b["id"]: b for b in (await client.get("/api/v1/rate-grid")).json()["bands"]}
    assert (grid["y11_15"]["tjm_low"], grid["y11_15"]["tjm_high"]) == (650, 685)


async def test_the_preview_counts_what_the_rescore_then_moves(
    tjm_heavy: Client, operator: Caller, database: Database, work_queue: RecordingWorkQueue
) -> None:
    client = tjm_heavy
    await _score_pool(client, await register_company(client), work_queue)
    old = await _scores(database)
    preview = await client.post(
        "/api/v1/rate-grid/y11_15/preview", json=LOWER_MARKET, headers=operator.headers
    )
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["move_threshold"] == 5
    assert body["before"]["tjm_low"] == 650 and body["after"]["tjm_low"] == 480

    work_queue.inline = True  # the save's full rescore runs now, as a worker would
    saved = await client.put("/api/v1/rate-grid/y11_15", json=LOWER_MARKET, headers=operator.headers)
    assert saved.status_code == 200 and saved.json()["job"] is not None
    job = await client.get(f"/api/v1/jobs/{saved.json()['job']['id']}", headers=operator.headers)
    assert job.json()["state"] == "done"
    new = await _scores(database)
    moves = [abs(new[pair][0] - score) for pair, (score, _) in old.items()]
    assert body["matches_checked"] == len(old)
    assert body["matches_moving"] == sum(move > 5 for move in moves)
    assert body["matches_moving"] > 0, "the change moves some scores: the comparison means something"
    assert body["largest_move"] == pytest.approx(max(moves), abs=0.011)


async def test_the_preview_names_the_missions_whose_budget_warning_appears_or_disappears(
    client: Client, operator: Caller, scored: dict[str, Any], company: Caller
) -> None:
    raised = {"tjm_low": 720, "tjm_high": 760}
    body = (
        await client.post("/api/v1/rate-grid/y11_15/preview", json=raised, headers=operator.headers)
    ).json()
    appearing = {m["mission_id"]: m for m in body["warnings_appearing"]}
    assert set(appearing) == {scored["missions"][0]}, "700 € max is now under the 720 € low"
    first = appearing[scored["missions"][0]]
    assert (first["title"], first["tjm_min"], first["tjm_max"]) == ("CTO fintech", 600, 700)
    assert (first["position_before"], first["position_after"]) == ("within", "below")
    assert body["warnings_disappearing"] == []

    lowered = (
        await client.post("/api/v1/rate-grid/y11_15/preview", json=LOWER_MARKET, headers=operator.headers)
    ).json()
    assert [m["mission_id"] for m in lowered["warnings_disappearing"]] == [scored["missions"][1]]
    assert lowered["warnings_disappearing"][0]["position_after"] == "within"
    assert lowered["warnings_appearing"] == []


async def test_a_preview_is_refused_as_the_save_would_be(
    client: Client, operator: Caller, company: Caller
) -> None:
    path = "/api/v1/rate-grid/y11_15/preview"
    assert (await client.post(path, json={"tjm_low": 600})).status_code == 401
    assert (await client.post(path, json={"tjm_low": 600}, headers=company.headers)).status_code == 403
    unknown = await client.post(
        "/api/v1/rate-grid/y99/preview", json={"tjm_low": 600}, headers=operator.headers
    )
    assert unknown.status_code == 404
    english = {**operator.headers, "Accept-Language": "en"}
    crossed = await client.post(path, json={"tjm_low": 800}, headers=english)
    assert crossed.status_code == 422
    assert crossed.json()["errors"][0]["field"] == "body.tjm_low"
    assert crossed.json()["errors"][0]["reason"] == "the low end (€800) is above the high end (€685)"
    out_of_range = await client.post(path, json={"tjm_low": 50}, headers=operator.headers)
    assert out_of_range.status_code == 422


@pytest.mark.parametrize(
    ("language", "low_reason", "ceiling_reason"),
    [
        (
            "en",
            "the low end (€700) is above the high end (€690)",
            "the ceiling (€650) is below the high end (€690)",
        ),
        (
            "fr",
            "le bas de la fourchette (700 €) est supérieur au haut (690 €)",
            "le plafond (650 €) est inférieur au haut de la fourchette (690 €)",
        ),
    ],
)
async def test_refusals_say_the_figures_in_words(
    client: Client, operator: Caller, language: str, low_reason: str, ceiling_reason: str
) -> None:
    body = {"tjm_low": 700, "tjm_high": 690, "tjm_ceiling": 650}
    headers = {**operator.headers, "Accept-Language": language}
    response = await client.put("/api/v1/rate-grid/y11_15", json=body, headers=headers)
    assert response.status_code == 422, response.text
    reasons = {
        e["field"]: e["reason"].replace("\u202f", " ").replace("\xa0", " ") for e in response.json()["errors"]
    }
    assert reasons == {"body.tjm_low": low_reason, "body.tjm_ceiling": ceiling_reason}
    assert (await _revisions(client, operator))["total"] == BANDS, "a refused change appends nothing"
