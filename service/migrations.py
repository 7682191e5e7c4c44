"""Run Alembic from code on an async engine: the only way the schema is made, in tests too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "models" / "migrations"


def alembic_config(database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def _migrate(engine: AsyncEngine, step: Callable[[Connection, str], None], revision: str) -> None:
    """Runs `step` in one transaction. On SQLite, foreign keys are off meanwhile: altering a table
    rebuilds it (batch mode), and dropping the old copy with foreign keys on would delete, by cascade,
    every row that references it. The pragma only takes effect outside a transaction; the references
    are checked before it is turned back on."""
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await connection.commit()
        try:
            async with connection.begin():
                await connection.run_sync(step, revision)
                if sqlite:
                    broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).first()
                    if broken is not None:
                        raise RuntimeError(f"the migration left a broken reference: {tuple(broken)}")
        finally:
            if sqlite:
                await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                await connection.commit()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _migrate(engine, _upgrade, revision)


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    await _migrate(engine, _downgrade, revision)
