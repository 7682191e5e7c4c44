"""Migration 0013 (SQLite and PostgreSQL): the grid as it stands gets one initial revision per band, so
every match scored afterwards has a revision to point to; down and up again leaves the same schema."""

from __future__ import annotations

import json

from sqlalchemy import text

from service import migrations
from service.db import Database
from tests.conftest import Backend, reset_database


async def _rows(database: Database, sql: str) -> list[tuple[object, ...]]:
    async with database.engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


async def test_the_grid_as_it_stands_gets_its_initial_revisions(backend: Backend) -> None:
    database = Database(backend.settings)
    try:
        await reset_database(database)
        await migrations.downgrade(database.engine, "0012_people")
        async with database.engine.begin() as connection:  # an operator's edit made before 0013
            await connection.execute(text("UPDATE rate_bands SET tjm_low = 640 WHERE id = 'y11_15'"))
        await migrations.upgrade(database.engine, "0013_grid_revisions")
        rows = await _rows(
            database,
            "SELECT band_id, actor_account_id, before, after, created_at FROM grid_revisions ORDER BY id",
        )
        assert [row[0] for row in rows] == ["lt1", "y1_2", "y3_4", "y5_10", "y11_15", "gt15"]
        assert all(row[1] is None and row[2] is None and row[4] is not None for row in rows)
        after = {row[0]: row[3] if isinstance(row[3], dict) else json.loads(str(row[3])) for row in rows}
        assert after["y11_15"] == {"tjm_low": 640, "tjm_high": 685, "tjm_ceiling": None, "note": ""}
        assert await _rows(database, "SELECT count(*) FROM matches WHERE grid_revision_id IS NOT NULL") == [
            (0,)
        ]
    finally:
        await migrations.upgrade(database.engine, "head")
        await reset_database(database)
        await database.dispose()
