"""Migration 0014 (SQLite and PostgreSQL): profiles written before it list no mobility and are not
mobile anywhere; a profile written by a release that does not know the columns gets the same; down
removes the columns and up again brings them back."""

from __future__ import annotations

import json

from sqlalchemy import insert, inspect, text
from sqlalchemy.engine import Connection

from models import Account
from models.enums import Role
from service import migrations
from service.db import Database
from tests.conftest import Backend, reset_database
from tests.factories import unique_email


def _columns(connection: Connection) -> set[str]:
    return {c["name"] for c in inspect(connection).get_columns("freelancer_profiles")}


async def _insert_profile(database: Database, email: str) -> None:
    """A profile as the previous release writes it: no mobility columns named."""
    async with database.engine.begin() as connection:
        account = await connection.execute(
            insert(Account)
            .values(email=email, role=Role.FREELANCER, display_name="Old")
            .returning(Account.id)
        )
        await connection.execute(
            text(
                "INSERT INTO freelancer_profiles (account_id, full_name, headline, summary, years_experience,"
                " tjm, available_from, days_per_week, remote_preference, location, orientation, sectors,"
                ' certifications, stack, past_roles, "references", active, created_at, updated_at)'
                " VALUES (:account, 'Old Profile', 'CTO', '', 12, 680, '2027-01-04', 4, 'hybrid', 'Paris',"
                " 'cto', '[]', '[]', '[]', '[]', '[]', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"account": account.scalar_one()},
        )


async def test_existing_profiles_list_no_mobility_and_down_removes_it(backend: Backend) -> None:
    database = Database(backend.settings)
    try:
        await reset_database(database)
        await migrations.downgrade(database.engine, "0013_grid_revisions")
        async with database.engine.connect() as connection:
            assert not {"mobility", "mobility_anywhere"} & await connection.run_sync(_columns)
        await _insert_profile(database, unique_email("before"))
        await migrations.upgrade(database.engine, "0014_mobility")
        await _insert_profile(database, unique_email("rolling"))  # an older process, after the upgrade
        async with database.engine.connect() as connection:
            rows = (
                await connection.execute(
                    text("SELECT mobility, mobility_anywhere FROM freelancer_profiles ORDER BY id")
                )
            ).all()
        assert [(r[0] if isinstance(r[0], list) else json.loads(r[0]), bool(r[1])) for r in rows] == [
            ([], False),
            ([], False),
        ]
    finally:
        await migrations.upgrade(database.engine, "head")
        await reset_database(database)
        await database.dispose()
