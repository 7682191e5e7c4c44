"""Each process keeps the rate grid it last read; a change of the grid is seen by the very next request.

The match list shows the grid through its budget warning ("budget … is below the market range 650–685 €
for 11–15 years"). The grid is changed through the API (this process), and through the service code
run by another process, including one whose clock is behind the last writer's.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import update

from models import RateBand
from service.db import Database
from tests.conftest import Backend
from tests.factories import Caller, post_mission, register_company

Client = AsyncTestClient[Any]
ROOT = Path(__file__).resolve().parents[2]

#: Run by another interpreter: the service's own update of one band, as another API process would do it.
OTHER_PROCESS = """
import asyncio, sys
from pathlib import Path
from service.db import Database
from service.reference.schemas import RateBandUpdate
from service.reference.services import update_rate_band
from service.settings import Settings

async def main(url: str, data_dir: str, secret: str, band: str, low: int) -> None:
    settings = Settings(environment="test", data_dir=Path(data_dir), database_url=url, secret_key=secret)
    database = Database(settings)
    async with database.session() as session:
        await update_rate_band(session, band, RateBandUpdate(tjm_low=low))
    await database.dispose()

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
"""


def update_band_in_another_process(backend: Backend, band: str, tjm_low: int) -> None:
    settings = backend.settings
    subprocess.run(
        [
            sys.executable,
            "-c",
            OTHER_PROCESS,
            settings.database_url,
            str(settings.data_dir),
            settings.secret_key,
            band,
            str(tjm_low),
        ],
        cwd=ROOT,
        check=True,
        timeout=120,
    )


@pytest.fixture
async def mission(client: Client) -> dict[str, Any]:
    """A mission asking 11–15 years (market 650–685 €) on a budget of 500–550 €: it gets a warning."""
    company = await register_company(client)
    return await post_mission(client, company, seniority="y11_15", tjm_min=500, tjm_max=550)


async def warning(client: Client, operator: Caller, mission: dict[str, Any]) -> str:
    headers = {**operator.headers, "Accept-Language": "en"}
    response = await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=headers)
    assert response.status_code == 200, response.text
    text: str = response.json()["budget_warning"]
    return text


async def test_a_grid_change_through_the_api_shows_in_the_next_list(
    client: Client, operator: Caller, mission: dict[str, Any]
) -> None:
    assert "market range €650–685" in await warning(client, operator, mission)
    response = await client.put("/api/v1/rate-grid/y11_15", json={"tjm_low": 620}, headers=operator.headers)
    assert response.status_code == 200, response.text
    assert "market range €620–685" in await warning(client, operator, mission)


async def test_a_grid_change_by_another_process_shows_in_the_next_list(
    client: Client, backend: Backend, operator: Caller, mission: dict[str, Any]
) -> None:
    assert "market range €650–685" in await warning(client, operator, mission)  # this process keeps it
    update_band_in_another_process(backend, "y11_15", 600)
    assert "market range €600–685" in await warning(client, operator, mission)


async def test_a_change_by_a_process_whose_clock_is_behind_is_seen_too(
    client: Client, backend: Backend, database: Database, operator: Caller, mission: dict[str, Any]
) -> None:
    # The last change was written by a host whose clock runs an hour ahead of the next writer's.
    ahead = datetime.now(UTC) + timedelta(hours=1)
    async with database.session() as session:
        await session.execute(update(RateBand).where(RateBand.id == "lt1").values(updated_at=ahead))
        await session.commit()
    assert "market range €650–685" in await warning(client, operator, mission)
    update_band_in_another_process(backend, "y11_15", 610)
    assert "market range €610–685" in await warning(client, operator, mission)
