"""Migration 0010 (SQLite and PostgreSQL): each account's key moves to `api_keys` and keeps working;
the downgrade puts back each account's newest active key."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from service import migrations
from service.auth.actor import resolve_actor
from service.auth.keys import hash_api_key
from service.db import Database
from tests.conftest import TEST_SECRET, Backend, reset_database

CREATED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ROTATED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def _rows(database: Database, sql: str) -> list[tuple[object, ...]]:
    async with database.engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


async def test_keys_move_to_their_table_and_back(backend: Backend) -> None:
    database = Database(backend.settings)
    try:
        await reset_database(database)
        await migrations.downgrade(database.engine, "0009_web_accounts")
        async with database.engine.begin() as connection:
            insert = text(
                "INSERT INTO accounts (id, email, role, display_name, api_key_hash, api_key_prefix, "
                "api_key_rotated_at, active, created_at, updated_at) "
                "VALUES (:id, :email, :role, 'Name', :hash, :prefix, :rotated, :active, :created, :created)"
            )
            await connection.execute(
                insert,
                [
                    {
                        "id": 1,
                        "email": "ops@x.fr",
                        "role": "operator",
                        "hash": hash_api_key("cto_one", TEST_SECRET),
                        "prefix": "cto_one",
                        "rotated": None,
                        "active": True,
                        "created": CREATED,
                    },
                    {
                        "id": 2,
                        "email": "rh@x.fr",
                        "role": "company",
                        "hash": hash_api_key("ctc_two", TEST_SECRET),
                        "prefix": "ctc_two",
                        "rotated": ROTATED,
                        "active": True,
                        "created": CREATED,
                    },
                    {
                        "id": 3,
                        "email": "web@x.fr",
                        "role": "freelancer",
                        "hash": None,
                        "prefix": None,
                        "rotated": None,
                        "active": True,
                        "created": CREATED,
                    },
                ],
            )
            # A row that references an account: rebuilding `accounts` must not delete it by cascade.
            await connection.execute(
                text(
                    "INSERT INTO account_tokens (account_id, purpose, token_hash, created_at, expires_at) "
                    "VALUES (3, 'verify_email', 'h', :at, :at)"
                ),
                {"at": CREATED},
            )
        await migrations.upgrade(database.engine, "0010_api_keys")
        assert await _rows(database, "SELECT account_id FROM account_tokens") == [(3,)]
        moved = await _rows(
            database, "SELECT account_id, key_hash, key_prefix, revoked_at FROM api_keys ORDER BY account_id"
        )
        assert moved == [
            (1, hash_api_key("cto_one", TEST_SECRET), "cto_one", None),
            (2, hash_api_key("ctc_two", TEST_SECRET), "ctc_two", None),
        ]
        async with database.session() as session:  # a key in use keeps working
            actor = await resolve_actor(session, "ctc_two", TEST_SECRET)
        assert actor is not None and actor.account_id == 2
        created = await _rows(database, "SELECT created_at FROM api_keys WHERE account_id = 2")
        assert str(created[0][0]).startswith("2026-03-01")  # the last rotation

        # The company revokes its key and creates two; the newest active one goes back on downgrade.
        async with database.engine.begin() as connection:
            await connection.execute(
                text("UPDATE api_keys SET revoked_at = :now WHERE account_id = 2"), {"now": ROTATED}
            )
            await connection.execute(
                text(
                    "INSERT INTO api_keys (account_id, label, key_hash, key_prefix, created_at) VALUES "
                    "(2, 'CI', :a, 'ctc_a', :now), (2, 'sheet', :b, 'ctc_b', :now)"
                ),
                {
                    "a": hash_api_key("ctc_a", TEST_SECRET),
                    "b": hash_api_key("ctc_b", TEST_SECRET),
                    "now": ROTATED,
                },
            )
        await migrations.downgrade(database.engine, "0009_web_accounts")
        back = await _rows(
            database, "SELECT id, api_key_hash, api_key_prefix, api_key_rotated_at FROM accounts ORDER BY id"
        )
        assert [row[:3] for row in back] == [
            (1, hash_api_key("cto_one", TEST_SECRET), "cto_one"),
            (2, hash_api_key("ctc_b", TEST_SECRET), "ctc_b"),
            (3, None, None),
        ]
        assert back[0][3] is None and back[1][3] is not None  # one key ever: no rotation; three: rotated
        assert await _rows(database, "SELECT account_id FROM account_tokens") == [(3,)]
    finally:
        await migrations.upgrade(database.engine, "head")
        await reset_database(database)
        await database.dispose()
