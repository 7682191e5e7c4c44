"""Migrations are the only way the schema is made: up, down and up again, with no drift from the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

import models
from service import migrations
from service.db import Database
from tests.conftest import Backend


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, models.Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_migrations_match_the_models(backend: Backend) -> None:
    database = Database(backend.settings)
    try:
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await database.dispose()


async def test_down_then_up_again(backend: Backend) -> None:
    database = Database(backend.settings)
    try:
        await migrations.downgrade(database.engine, "base")
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()
        await migrations.upgrade(database.engine, "head")
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_tables) == set(models.Base.metadata.tables)
            assert await connection.run_sync(_diff) == []
    finally:
        await database.dispose()
