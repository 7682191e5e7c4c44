"""Taxonomy, rate grid and market check: readable by anyone; the grid editable by operators only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.factories import Caller

Client = AsyncTestClient[Any]
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


async def test_taxonomy_is_public_and_matches_fixture(client: Client) -> None:
    response = await client.get("/api/v1/taxonomy")
    assert response.status_code == 200
    served = {item["id"]: item for item in response.json()}
    expected = {item["id"]: item for item in json.loads((FIXTURES / "taxonomy.json").read_text())["items"]}
    assert served == expected
    only_missions = (await client.get("/api/v1/taxonomy?kind=cto_mission")).json()
    assert len(only_missions) == 9 and {i["kind"] for i in only_missions} == {"cto_mission"}


async def test_rate_grid_is_the_source_grid(client: Client) -> None:
    grid = (await client.get("/api/v1/rate-grid")).json()
    figures = [(b["id"], b["tjm_low"], b["tjm_high"], b["tjm_ceiling"]) for b in grid["bands"]]
    assert figures == [
        ("lt1", 475, 510, None),
        ("y1_2", 425, 445, None),
        ("y3_4", 525, 545, None),
        ("y5_10", 450, 488, None),
        ("y11_15", 650, 685, None),
        ("gt15", 400, 775, 1075),
    ]
    assert grid["salaried_reference"]["annual_average"] == 97193


async def test_grid_update_by_operator_only(
    client: Client, operator: Caller, company: Caller, freelancer: Caller
) -> None:
    body = {"tjm_low": 660, "tjm_high": 700}
    assert (await client.put("/api/v1/rate-grid/y11_15", json=body)).status_code == 401
    assert (
        await client.put("/api/v1/rate-grid/y11_15", json=body, headers=company.headers)
    ).status_code == 403
    assert (
        await client.put("/api/v1/rate-grid/y11_15", json=body, headers=freelancer.headers)
    ).status_code == 403
    ok = await client.put("/api/v1/rate-grid/y11_15", json=body, headers=operator.headers)
    assert ok.status_code == 200 and ok.json()["tjm_low"] == 660
    check = (await client.get("/api/v1/market-check?years=12&tjm=655")).json()
    assert check["position"] == "below"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tjm_low": 800}, "body.tjm_low"),
        ({"tjm_ceiling": 700}, "body.tjm_ceiling"),
        ({"tjm_high": 50}, "body.tjm_high"),
        ({"min_years": 3}, "body.min_years"),
    ],
)
async def test_grid_update_validation(
    client: Client, operator: Caller, body: dict[str, Any], field: str
) -> None:
    response = await client.put("/api/v1/rate-grid/gt15", json=body, headers=operator.headers)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_grid_update_unknown_band_is_404(client: Client, operator: Caller) -> None:
    response = await client.put("/api/v1/rate-grid/y99", json={"tjm_low": 500}, headers=operator.headers)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "band", "position", "above_ceiling"),
    [
        ("years=0.5&tjm=490", "lt1", "within", False),
        ("years=1&tjm=500", "y1_2", "above", False),
        ("years=2.9&tjm=400", "y1_2", "below", False),
        ("years=4&tjm=530", "y3_4", "within", False),
        ("years=7&tjm=530", "y5_10", "above", False),
        ("years=12&tjm=680", "y11_15", "within", False),
        ("years=15.5&tjm=600", "y11_15", "below", False),
        ("years=16&tjm=1000", "gt15", "above", False),
        ("years=30&tjm=1200", "gt15", "above", True),
        ("band=y11_15&tjm=500", "y11_15", "below", False),
    ],
)
async def test_market_check(
    client: Client, query: str, band: str, position: str, above_ceiling: bool
) -> None:
    response = await client.get(f"/api/v1/market-check?{query}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["band"]["id"], body["position"], body["above_ceiling"]) == (band, position, above_ceiling)
    assert (
        str(body["band"]["tjm_low"]) in body["message"] and str(body["band"]["tjm_high"]) in body["message"]
    )


async def test_market_check_message_cites_the_grid(client: Client) -> None:
    english = {"Accept-Language": "en"}
    body = (await client.get("/api/v1/market-check?years=12&tjm=680", headers=english)).json()
    assert body["message"] == "TJM €680 is within the market range €650–685 for 11–15 years"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("years=-1&tjm=500", "query.years"),
        ("years=99&tjm=500", "query.years"),
        ("years=5", "query.tjm"),
        ("years=5&tjm=-3", "query.tjm"),
        ("tjm=500", "query.years"),
        ("years=5&band=y5_10&tjm=500", "query.years"),
        ("band=nope&tjm=500", "query.band"),
        ("years=abc&tjm=500", "query.years"),
    ],
)
async def test_market_check_bad_input(client: Client, query: str, field: str) -> None:
    response = await client.get(f"/api/v1/market-check?{query}")
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
