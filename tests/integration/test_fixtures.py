"""Fixtures: domain data as in DOMAIN.md, a demo set that covers the domain, idempotent loading."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

import models
from service.db import Database
from service.fixtures_loader import load_demo_data, load_reference_data
from tests.conftest import TEST_SECRET

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _band(bands: list[dict[str, Any]], years: float) -> dict[str, Any]:
    return next(
        b for b in bands if b["min_years"] <= years and (b["max_years"] is None or years < b["max_years"])
    )


def test_demo_profiles_cover_every_band_and_market_position() -> None:
    bands = _load("rate_grid.json")["bands"]
    profiles = _load("demo/freelancers.json")
    assert len(profiles) >= 60
    per_band: dict[str, Counter[str]] = {b["id"]: Counter() for b in bands}
    for profile in profiles:
        band = _band(bands, profile["years_experience"])
        position = (
            "below"
            if profile["tjm"] < band["tjm_low"]
            else "above"
            if profile["tjm"] > band["tjm_high"]
            else "within"
        )
        per_band[band["id"]][position] += 1
    for band_id, positions in per_band.items():
        assert sum(positions.values()) >= 5, band_id
        assert set(positions) == {"below", "within", "above"}, (band_id, positions)


def test_demo_data_represents_every_competence_and_context() -> None:
    taxonomy = _load("taxonomy.json")["items"]
    competences = {
        i["id"]
        for i in taxonomy
        if i["kind"] in {"hard_skill", "soft_skill", "agency_project", "agency_phase", "agency_deliverable"}
    }
    cto_missions = {i["id"] for i in taxonomy if i["kind"] == "cto_mission"}
    profiles = _load("demo/freelancers.json")
    held = {c["id"] for p in profiles for c in p["competences"]}
    done = {m for p in profiles for m in p["cto_missions"]}
    assert competences <= held and cto_missions <= done
    contexts = {r["context"] for p in profiles for r in p["past_roles"]}
    assert {"agency", "startup", "scaleup", "fintech", "industrial"} <= contexts
    assert {p["remote_preference"] for p in profiles} == {"remote", "hybrid", "onsite", "flexible"}
    assert len({p["available_from"] for p in profiles}) > 10


def test_demo_missions_are_varied() -> None:
    bands = {b["id"]: b for b in _load("rate_grid.json")["bands"]}
    missions = _load("demo/missions.json")
    assert len(missions) >= 20
    assert {m["context"] for m in missions} >= {"agency", "fintech", "startup", "industrial"}
    assert {m["orientation"] for m in missions} >= {"cto", "dsi"}
    assert any("it_security" in m["required_competences"] for m in missions)
    under_budget = [m for m in missions if m["tjm_max"] < bands[m["seniority"]]["tjm_low"]]
    assert len(under_budget) >= 3
    companies = {c["email"] for c in _load("demo/companies.json")}
    assert {m["company_email"] for m in missions} <= companies


async def _row_counts(database: Database) -> dict[str, int]:
    counts = {}
    async with database.session() as session:
        for table in models.Base.metadata.sorted_tables:
            counts[table.name] = int(await session.scalar(select(func.count()).select_from(table)) or 0)
    return counts


async def test_loading_twice_leaves_the_same_rows(database: Database) -> None:
    async with database.session() as session:
        first = await load_demo_data(session, TEST_SECRET)
    after_first = await _row_counts(database)
    async with database.session() as session:
        await load_reference_data(session)
        second = await load_demo_data(session, TEST_SECRET)
    assert second.created == {}
    assert await _row_counts(database) == after_first
    assert first.created["freelancers"] == len(_load("demo/freelancers.json"))
    assert first.created["missions"] == len(_load("demo/missions.json"))
    assert after_first["taxonomy_items"] == len(_load("taxonomy.json")["items"])


async def test_demo_keys_work_through_the_api(client: AsyncTestClient[Any], database: Database) -> None:
    async with database.session() as session:
        report = await load_demo_data(session, TEST_SECRET)
    operator = {"X-API-Key": report.demo_keys["operator"]}
    listing = (await client.get("/api/v1/freelancers?limit=1", headers=operator)).json()
    assert listing["total"] == len(_load("demo/freelancers.json"))
    company_me = (await client.get("/api/v1/me", headers={"X-API-Key": report.demo_keys["company"]})).json()
    assert company_me["role"] == "company"
    own = (
        await client.get("/api/v1/missions?status=all", headers={"X-API-Key": report.demo_keys["company"]})
    ).json()
    assert all(m["company_id"] == company_me["company_id"] for m in own["items"])
